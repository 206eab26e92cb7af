#include "sim/Session.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "mm/SoftwarePte.h"
#include "sim/Find.h"
#include "os/Loader.h"
#include "sim/StepRun.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::trf;
using mm::EventKind;
using mm::FaultKind;

namespace {
std::optional<FaultKind> fault_of_event(EventKind k) {
    switch (k) {
        case EventKind::DemandZero: return FaultKind::DemandZero;
        case EventKind::ImageRead: return FaultKind::ImageRead;
        case EventKind::FilePageRead: return FaultKind::FileRead;
        case EventKind::CopyOnWrite: return FaultKind::CopyOnWrite;
        case EventKind::PrototypeSoftFault: return FaultKind::Soft;
        case EventKind::PagefileRead: return FaultKind::PagefileRead;
        case EventKind::SoftFault: return FaultKind::Soft;
        case EventKind::AccessViolation: return FaultKind::AccessViolation;
        case EventKind::GuardPage: return FaultKind::GuardPage;
        case EventKind::DirtyBitSet: return FaultKind::DirtyBit;
        default: return std::nullopt;
    }
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Inspection helpers (no side effects)

std::optional<uint32_t> resident_frame(const os::Machine& m, uint16_t space, uint32_t va) {
    // (An entry a debugger wrote may name a frame beyond RAM: then there is none.)
    const mm::PageDescription d = m.mm().describe_page(space, va);
    if (d.bytes == mm::PageBytes::Frame) return d.where;
    return std::nullopt;
}

std::optional<uint8_t> peek_byte(const os::Machine& m, uint16_t space, uint32_t va) { return m.mm().peek_byte(space, va); }

std::string pte_backing(const os::Machine& m, uint16_t space, uint32_t va) {
    return mm::backing_name(m.mm().describe_page(space, va).backing);
}

// ---------------------------------------------------------------------------------------------
// Loading and running

std::variant<std::unique_ptr<Session>, LoadError> Session::load(const std::string& path) {
    // The load-time limits (sim/Limits.h) keep a scenario within a few GB; should the host still
    // refuse memory, that is a clear error, not an abort.
    try {
        LoadResult r = load_scenario(path);
        if (r.error) return *r.error;
        return std::make_unique<Session>(std::move(*r.scenario));
    } catch (const std::bad_alloc&) {
        return LoadError{fmt::format("{}:1:1: error: out of memory: the host refused an allocation while loading or "
                                     "running the scenario (docs/limits.md)",
                                     path)};
    } catch (const std::length_error&) {
        return LoadError{fmt::format("{}:1:1: error: out of memory: a table grew past what the host allows (docs/limits.md)", path)};
    }
}

Session::Session(Scenario scenario) : m_scenario(std::move(scenario)) {
    mm::MachineConfig cfg = m_scenario.machine;
    cfg.journal = true;
    m_machine = std::make_unique<os::Machine>(cfg);
    for (const FileDecl& f : m_scenario.files) {
        if (f.image) m_machine->add_image(f.path, f.image_bytes, *f.image);
        else m_machine->add_file(f.path, file_content(f));
    }
    run_all();
}

void Session::run_all() {
    core::Journal& j = m_machine->journal();
    m_results.resize(m_scenario.steps.size());
    for (size_t i = 0; i < m_scenario.steps.size(); ++i) {
        j.begin_operation(uint32_t(i));
        uint16_t space = mm::kNoSpace;
        if (const Arg* p = m_scenario.steps[i].arg("process"))
            if (const os::Process* proc = m_machine->find_process(p->text)) space = proc->space;
        j.begin_event(uint16_t(EventKind::Operation), space, uint32_t(i));
        run_step(i);
        check(i, m_results[i]);
        if (i == 0 || *m_results[i - 1].bindings != m_bindings)
            m_results[i].bindings = std::make_shared<const std::map<std::string, uint64_t>>(m_bindings);
        else
            m_results[i].bindings = m_results[i - 1].bindings;
    }
    m_machine->sync_position();
    m_machine->journal().shrink_to_fit();
    m_cursor = event_count();
    seek_event(0);
}

size_t Session::failed_steps() const {
    size_t n = 0;
    for (const auto& r : m_results)
        if (!r.passed()) ++n;
    return n;
}

std::optional<uint16_t> Session::process_space(const std::string& name, StepResult& r) const {
    const os::Process* p = m_machine->find_process(name);
    if (!p || p->state != os::ProcessState::Running) {
        r.ok = false;
        r.error = mm::Error::InvalidHandle;
        r.note = !p ? trf("process '{name}' was never created", "name"_a = name)
                    : trf("process '{name}' is {state}", "name"_a = name, "state"_a = os::process_state_name(p->state));
        return std::nullopt;
    }
    return p->space;
}

std::optional<uint32_t> Session::resolve(const AddressExpr& a, StepResult& r) const {
    if (a.name.empty()) return uint32_t(a.offset);
    auto it = m_bindings.find(a.name);
    if (it == m_bindings.end()) {
        r.ok = false;
        r.error = mm::Error::InvalidParameter;
        r.note = trf("'{name}' was not bound (the step that binds it failed)", "name"_a = a.name);
        return std::nullopt;
    }
    return uint32_t(int64_t(it->second) + a.offset);
}

void Session::run_step(size_t index) {
    const Step& step = m_scenario.steps[index];
    StepResult& r = m_results[index];
    StepRun c{*this, step, r, m_machine->mm(), std::nullopt, std::nullopt};
    if (step.op == Op::Pause) return;
    if (step.op == Op::CreateProcess) return create_process(c);
    if (const Arg* p = step.arg("process")) {
        c.space = process_space(p->text, r);
        if (!c.space) return;
    }
    if (const Arg* a = step.arg("address")) {
        c.address = resolve(a->address, r);
        if (!c.address) return;
    }
    run_operation(c);
}

void Session::create_process(StepRun& c) {
    const std::string name = c.step.arg("as")->text;
    if (const os::Process* p = m_machine->find_process(name); p && p->state == os::ProcessState::Running) {
        c.r.ok = false;
        c.r.error = mm::Error::AlreadyExists;
        return;
    }
    if (const Arg* img = c.step.arg("image")) {
        const Arg* suspended = c.step.arg("suspended");
        c.take_load(os::create_process(*m_machine, name, img->text, suspended && suspended->number));
    } else {
        c.set(m_machine->create_process(name));
    }
    c.r.has_value = false;
}

// ---------------------------------------------------------------------------------------------
// Expectations

void Session::check(size_t index, StepResult& r) {
    const StepRun c{*this, m_scenario.steps[index], r, m_machine->mm(), std::nullopt, std::nullopt};
    check_expectations(c);
}

// ---------------------------------------------------------------------------------------------
// Moving through the run

size_t Session::first_change(size_t e) const {
    const auto& events = m_machine->journal().events();
    return e < events.size() ? events[e].first_change : m_machine->journal().changes().size();
}

size_t Session::first_event_of_step(size_t step) const {
    const auto& ops = m_machine->journal().operations();
    return step < ops.size() ? ops[step].first_event : event_count();
}

size_t Session::steps_done() const {
    size_t s = 0;
    while (s < step_count() && first_event_of_step(s + 1) <= m_cursor) ++s;
    return s;
}

size_t Session::current_step() const { return m_cursor == 0 ? 0 : step_of_event(m_cursor - 1); }

bool Session::at_step_boundary() const {
    const auto& ops = m_machine->journal().operations();
    if (m_cursor == event_count()) return true;
    for (const auto& op : ops)
        if (op.first_event == m_cursor) return true;
    return false;
}

void Session::seek_event(size_t cursor) {
    cursor = std::min(cursor, event_count());
    m_machine->seek(first_change(cursor));
    m_cursor = cursor;
}

bool Session::step_event_forward() {
    if (m_cursor >= event_count()) return false;
    seek_event(m_cursor + 1);
    return true;
}

bool Session::step_event_back() {
    if (m_cursor == 0) return false;
    seek_event(m_cursor - 1);
    return true;
}

bool Session::step_forward() {
    if (m_cursor >= event_count()) return false;
    seek_step(steps_done() + 1);
    return true;
}

bool Session::step_back() {
    if (m_cursor == 0) return false;
    const size_t done = steps_done();
    // Mid-step: back to the end of the previous step; at a boundary: one whole step back.
    seek_step(first_event_of_step(done) == m_cursor ? (done == 0 ? 0 : done - 1) : done);
    return true;
}

std::string Session::explain(size_t e) const {
    const core::EventRecord& ev = event(e);
    if (EventKind(ev.kind) == EventKind::Operation) {
        const Step& s = m_scenario.steps[ev.args[0]];
        return s.say.empty() ? trf("Step {number}: {op}.", "number"_a = ev.args[0] + 1, "op"_a = op_name(s.op))
                             : localized(s.say, s.say_tr, std::string(i18n::language()));
    }
    return mm::describe_event(ev, [&](uint16_t space) { return m_machine->space_name(space); },
                              &m_machine->mm().strings());
}

std::string describe(const Breakpoint& b) {
    switch (b.kind) {
        case BreakKind::Fault:
            if (b.fault == mm::FaultKind::None)
                return b.process.empty() ? std::string(i18n::tr("any fault")) : i18n::trf("any fault in {process}", "process"_a = b.process);
            return b.process.empty() ? i18n::trf("{kind} fault", "kind"_a = mm::fault_kind_name(b.fault))
                                     : i18n::trf("{kind} fault in {process}", "kind"_a = mm::fault_kind_name(b.fault), "process"_a = b.process);
        case BreakKind::Process: return i18n::trf("any event of {process}", "process"_a = b.process);
        case BreakKind::PteChange: return i18n::trf("PTE of 0x{va:08X} in {process} changes", "va"_a = b.address, "process"_a = b.process);
        case BreakKind::Label: return i18n::trf("step labelled '{label}'", "label"_a = b.label);
        case BreakKind::Filter: return i18n::trf("event matching '{filter}'", "filter"_a = b.filter);
    }
    return "?";
}

bool Session::matches(const Breakpoint& b, size_t e) {
    const core::EventRecord& ev = event(e);
    auto in_process = [&](const std::string& name) {
        if (name.empty()) return true;
        // By name, so that a process is known from the event that creates its address space.
        return ev.space != mm::kNoSpace && m_machine->space_name(ev.space) == name;
    };
    switch (b.kind) {
        case BreakKind::Fault: {
            const auto f = fault_of_event(EventKind(ev.kind));
            return f && (b.fault == FaultKind::None || *f == b.fault) && in_process(b.process);
        }
        case BreakKind::Process: return EventKind(ev.kind) != EventKind::Operation && in_process(b.process);
        case BreakKind::Label:
            return EventKind(ev.kind) == EventKind::Operation && m_scenario.steps[ev.args[0]].label == b.label;
        case BreakKind::Filter: {
            // Parsed once per filter text (run_to asks for every event).
            if (m_filter_text != b.filter || !m_filter) {
                auto parsed = parse_event_filter(b.filter);
                if (!std::holds_alternative<EventFilter>(parsed)) return false;
                m_filter = std::make_shared<EventFilter>(std::get<EventFilter>(std::move(parsed)));
                m_filter_text = b.filter;
            }
            return m_filter->matches(*this, e);
        }
        case BreakKind::PteChange: {
            const os::Process* p = m_machine->find_process(b.process);
            if (!p || !m_machine->mm().space(p->space).alive()) return false;
            const auto info = m_machine->mm().pte_info(p->space, b.address);
            const auto& changes = m_machine->journal().changes();
            for (size_t c = first_change(e); c < first_change(e + 1); ++c) {
                const core::Change& ch = changes[c];
                if (ch.store != core::Store::PhysBytes) continue;
                if (ch.target == info.pde_address) return true;  // a page table appears or goes
                if (info.table_present && ch.target == info.pte_address) return true;
            }
            return false;
        }
    }
    return false;
}

bool Session::run_to(const std::vector<Breakpoint>& breakpoints) {
    for (size_t e = m_cursor; e < event_count(); ++e) {
        seek_event(e);
        for (const Breakpoint& b : breakpoints) {
            if (matches(b, e)) {
                seek_event(e + 1);
                return true;
            }
        }
    }
    seek_event(event_count());
    return false;
}

}  // namespace pagelab::sim

namespace pagelab::sim {

void Session::visit(size_t first, size_t end, const std::function<void(size_t)>& on_event,
                    const std::function<void(const core::Change&)>& on_change) {
    const size_t saved = m_cursor;
    const auto& changes = m_machine->journal().changes();
    end = std::min(end, event_count());
    for (size_t e = first; e < end; ++e) {
        m_machine->seek(first_change(e));
        if (on_event) on_event(e);
        for (size_t c = first_change(e); c < first_change(e + 1); ++c) {
            m_machine->seek(c);
            if (on_change) on_change(changes[c]);
        }
    }
    if (m_batch_depth == 0) seek_event(saved);
}

}  // namespace pagelab::sim
