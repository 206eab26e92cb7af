#include "os/Machine.h"

namespace pagelab::os {

const char* process_state_name(ProcessState s) {
    switch (s) {
        case ProcessState::Running: return "running";
        case ProcessState::Failed: return "failed";
        case ProcessState::Exited: return "exited";
    }
    return "?";
}

const Process* Machine::find_process(std::string_view name) const {
    // The most recent process of that name (an earlier one may have failed or exited).
    for (auto it = m_processes.rbegin(); it != m_processes.rend(); ++it)
        if (it->name == name) return &*it;
    return nullptr;
}

std::string Machine::space_name(uint16_t space) const {
    for (const Process& p : m_processes)
        if (p.space == space) return p.name;
    // Known even before the process exists (its address space is made first) and after undo.
    if (space < m_space_names.size()) return m_space_names[space];
    return "space " + std::to_string(space);
}

mm::Result Machine::create_process(const std::string& name) {
    const uint16_t id = uint16_t(m_processes.size());
    if (m_names.size() <= id) m_names.resize(id + 1);
    m_names[id] = name;
    // The address space's events name the process before the process object exists.
    const size_t next_space = m_mm.spaces().size();
    if (m_space_names.size() <= next_space) m_space_names.resize(next_space + 1);
    m_space_names[next_space] = name;
    const uint16_t space = m_mm.create_space(m_mm.config().personality);
    // A process whose creation failed stays listed as failed, with no address space.
    const ProcessState state = space == mm::kNoSpace ? ProcessState::Failed : ProcessState::Running;
    journal().record(core::Store::Os, uint8_t(OsField::ProcessCreate), id, 0, 1 + uint32_t(state), space);
    m_processes.push_back(Process{id, name, space, state});
    if (space == mm::kNoSpace) return mm::Result::failure(mm::Error::NotEnoughMemory);
    return mm::Result::success(id);
}

void Machine::set_state(uint16_t process, ProcessState s) {
    journal().record(core::Store::Os, uint8_t(OsField::ProcessState), process,
                     uint64_t(m_processes[process].state), uint64_t(s));
    m_processes[process].state = s;
}

uint16_t Machine::add_failed_process(const std::string& name) {
    const uint16_t id = uint16_t(m_processes.size());
    if (m_names.size() <= id) m_names.resize(id + 1);
    m_names[id] = name;
    journal().record(core::Store::Os, uint8_t(OsField::ProcessCreate), id, 0, 1 + uint32_t(ProcessState::Failed), mm::kNoSpace);
    m_processes.push_back(Process{id, name, mm::kNoSpace, ProcessState::Failed});
    return id;
}

void Machine::set_modules(uint16_t process, std::vector<Module> list) {
    if (list == modules(process)) return;
    uint32_t index = 0;
    if (!list.empty()) {
        m_module_lists.push_back(std::move(list));
        index = uint32_t(m_module_lists.size() - 1);
    }
    journal().record(core::Store::Os, uint8_t(OsField::Modules), process, m_processes[process].modules, index);
    m_processes[process].modules = index;
}

uint32_t Machine::add_file(const std::string& path, std::vector<uint8_t> bytes) {
    return m_mm.add_file(path, std::move(bytes));
}

uint32_t Machine::add_image(const std::string& path, std::vector<uint8_t> bytes, ImageDescription image) {
    const uint32_t file = m_mm.add_file(path, std::move(bytes));
    image.path = path;
    m_images[file] = std::make_shared<const ImageDescription>(std::move(image));
    return file;
}

const ImageDescription* Machine::image_of(uint32_t file) const {
    auto it = m_images.find(file);
    return it == m_images.end() ? nullptr : it->second.get();
}

mm::Result Machine::exit_process(uint16_t process) {
    if (process >= m_processes.size() || m_processes[process].state != ProcessState::Running)
        return mm::Result::failure(mm::Error::InvalidHandle);
    m_mm.delete_space(m_processes[process].space);
    set_modules(process, {});
    set_state(process, ProcessState::Exited);
    return mm::Result::success();
}

void Machine::apply(const core::Change& c, bool forward) {
    if (c.store != core::Store::Os) return m_mm.apply(c, forward);
    switch (OsField(c.field)) {
        case OsField::ProcessCreate:
            if (forward) m_processes.push_back(Process{uint16_t(c.target), m_names[c.target], c.aux, ProcessState(c.after - 1)});
            else m_processes.pop_back();
            break;
        case OsField::ProcessState:
            m_processes[c.target].state = ProcessState(forward ? c.after : c.before);
            break;
        case OsField::Modules:
            m_processes[c.target].modules = forward ? c.after : c.before;
            break;
    }
}

void Machine::seek(size_t position) {
    const auto& changes = journal().changes();
    PL_CHECK(position <= changes.size());
    const bool forward = m_position < position;
    changes.walk(m_position, position, [&](const core::Change& c) {
        if (forward) {
            apply(c, true);
            ++m_position;
        } else {
            --m_position;
            apply(c, false);
        }
    });
}

}  // namespace pagelab::os
