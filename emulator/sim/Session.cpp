#include "sim/Session.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "mm/SoftwarePte.h"
#include "sim/Find.h"
#include "os/Loader.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::trf;
using mm::AccessResult;
using mm::EventKind;
using mm::FaultKind;

namespace {
std::string hex32(uint64_t v) { return fmt::format("0x{:08X}", v); }
std::string yes_no(bool b) { return b ? "true" : "false"; }
std::optional<bool> parse_bool(const std::string& s) {
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    return std::nullopt;
}
std::string fault_list(uint32_t faults) {
    if (faults == 0) return "none";
    std::string out;
    for (int k = 1; k <= int(mm::kLastFaultKind); ++k)
        if (faults & (1u << k)) out += (out.empty() ? "" : ", ") + std::string(mm::fault_kind_name(FaultKind(k)));
    return out;
}
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
    mm::MemoryManager& mmgr = m_machine->mm();
    auto number = [&](const char* key, uint64_t dflt) {
        const Arg* a = step.arg(key);
        return a ? a->number : dflt;
    };
    auto bind = [&](uint64_t v) {
        if (const Arg* as = step.arg("as")) m_bindings[as->text] = v;
    };
    auto set = [&](const mm::Result& res) {
        r.ok = res.ok;
        r.error = res.error;
        r.value = res.value;
        r.has_value = res.ok;
    };
    auto take_access = [&](const AccessResult& a) {
        r.faults |= a.faults;
        if (!a.ok()) {
            r.ok = false;
            r.error = a.status == mm::AccessStatus::OutOfMemory ? mm::Error::NotEnoughMemory
                      : a.status == mm::AccessStatus::AccessViolation ? mm::Error::NoAccess
                                                                      : mm::Error::Success;
            // A corrupt entry (a debugger's write) stops the step with the reason.
            if (a.status == mm::AccessStatus::BadEntry) r.note = mm::bad_entry_note(a.bad, a.bad_number, a.bad_limit);
        }
        return a.ok();
    };

    if (step.op == Op::Pause) return;
    if (step.op == Op::CreateProcess) {
        const std::string name = step.arg("as")->text;
        if (const os::Process* p = m_machine->find_process(name); p && p->state == os::ProcessState::Running) {
            r.ok = false;
            r.error = mm::Error::AlreadyExists;
            return;
        }
        if (const Arg* img = step.arg("image")) {
            const Arg* suspended = step.arg("suspended");
            const os::LoadOutcome o = os::create_process(*m_machine, name, img->text, suspended && suspended->number);
            set(o.result);
            r.faults |= o.faults;
            r.note = o.note;
        } else {
            set(m_machine->create_process(name));
        }
        r.has_value = false;
        return;
    }
    std::optional<uint16_t> space;
    if (const Arg* p = step.arg("process")) {
        space = process_space(p->text, r);
        if (!space) return;
    }
    std::optional<uint32_t> address;
    if (const Arg* a = step.arg("address")) {
        address = resolve(a->address, r);
        if (!address) return;
    }
    switch (step.op) {
        case Op::ExitProcess: {
            const os::Process* p = m_machine->find_process(step.arg("process")->text);
            set(m_machine->exit_process(p->id));
            r.has_value = false;
            break;
        }
        case Op::VirtualAlloc:
            set(mmgr.virtual_alloc(*space, address.value_or(0), uint32_t(number("size", 0)), uint32_t(number("type", 0)),
                                   uint32_t(number("protect", 0))));
            if (r.ok) bind(r.value);
            break;
        case Op::VirtualFree:
            set(mmgr.virtual_free(*space, *address, uint32_t(number("size", 0)), uint32_t(number("type", 0))));
            r.has_value = false;
            break;
        case Op::VirtualProtect:
            set(mmgr.virtual_protect(*space, *address, uint32_t(number("size", 0)), uint32_t(number("protect", 0))));
            if (r.ok) bind(r.value);
            break;
        case Op::VirtualQuery: {
            mm::MemoryBasicInformation mbi;
            set(mmgr.virtual_query(*space, *address, mbi));
            if (r.ok) {
                r.query = mbi;
                r.value = mbi.base_address;
            }
            break;
        }
        case Op::Read:
        case Op::Execute: {
            const uint32_t size = uint32_t(number("size", step.op == Op::Read ? 4 : 1));
            const auto kind = step.op == Op::Read ? x86::Access::Read : x86::Access::Execute;
            const AccessResult a = mmgr.access(*space, *address, size, kind);
            if (take_access(a)) {
                r.value = a.value;
                r.has_value = true;
                bind(a.value);
            }
            break;
        }
        case Op::Write:
        case Op::DebuggerWrite: {
            const bool debugger = step.op == Op::DebuggerWrite;
            auto put = [&](uint32_t va, uint32_t size, uint32_t v) {
                return take_access(debugger ? mmgr.debugger_write(*space, va, size, v)
                                            : mmgr.access(*space, va, size, x86::Access::Write, v));
            };
            if (const Arg* t = step.arg("text")) {
                for (size_t i = 0; i < t->text.size(); ++i)
                    if (!put(*address + uint32_t(i), 1, uint8_t(t->text[i]))) break;
            } else {
                const auto v = resolve(step.arg("value")->address, r);
                if (!v) break;
                put(*address, uint32_t(number("size", 4)), *v);
            }
            break;
        }
        case Op::Touch: {
            const std::string& access = step.arg("access")->text;
            const uint64_t end = uint64_t(*address) + number("size", 1);
            for (uint64_t va = *address; va < end; va = (va & ~0xFFFull) + 0x1000) {
                AccessResult a;
                if (access == "write") {
                    // *p = *p: read the byte, write it back.
                    a = mmgr.access(*space, uint32_t(va), 1, x86::Access::Read);
                    if (a.ok()) {
                        const uint32_t faults = a.faults;
                        a = mmgr.access(*space, uint32_t(va), 1, x86::Access::Write, a.value);
                        a.faults |= faults;
                    }
                } else {
                    a = mmgr.access(*space, uint32_t(va), 1, access == "read" ? x86::Access::Read : x86::Access::Execute);
                }
                if (!take_access(a)) break;
            }
            break;
        }
        case Op::LoadLibrary: {
            const os::Process* p = m_machine->find_process(step.arg("process")->text);
            const os::LoadOutcome o = os::load_library(*m_machine, p->id, step.arg("name")->text);
            set(o.result);
            r.faults |= o.faults;
            r.note = o.note;
            if (r.ok) bind(r.value);
            break;
        }
        case Op::FreeLibrary: {
            const os::Process* p = m_machine->find_process(step.arg("process")->text);
            std::optional<uint32_t> base = resolve(step.arg("module")->address, r);
            if (!base) break;
            set(os::free_library(*m_machine, p->id, *base));
            r.has_value = false;
            break;
        }
        case Op::CreateFile: {
            const Arg* d = step.arg("disposition");
            const std::string disp = d ? d->text : "open";
            const mm::Disposition disposition = disp == "create" ? mm::Disposition::Create
                                                : disp == "open_always" ? mm::Disposition::OpenAlways : mm::Disposition::Open;
            set(mmgr.create_file(*space, step.arg("path")->text, uint32_t(number("access", 0)), disposition));
            if (r.ok) bind(r.value);
            break;
        }
        case Op::CloseHandle: {
            const auto h = resolve(step.arg("handle")->address, r);
            if (!h) break;
            set(mmgr.close_handle(*space, *h));
            r.has_value = false;
            break;
        }
        case Op::ReadFile: {
            const auto h = resolve(step.arg("file")->address, r);
            if (!h) break;
            std::vector<uint8_t> bytes;
            set(mmgr.read_file(*space, *h, uint32_t(number("offset", 0)), uint32_t(number("size", 0)), bytes));
            if (r.ok) {
                r.data = std::string(bytes.begin(), bytes.end());
                bind(r.value);
            }
            break;
        }
        case Op::WriteFile: {
            const auto h = resolve(step.arg("file")->address, r);
            if (!h) break;
            std::vector<uint8_t> bytes;
            if (const Arg* t = step.arg("text")) bytes.assign(t->text.begin(), t->text.end());
            else {
                const auto v = resolve(step.arg("value")->address, r);
                if (!v) break;
                for (uint64_t i = 0; i < number("size", 4); ++i) bytes.push_back(uint8_t(*v >> (8 * i)));
            }
            set(mmgr.write_file(*space, *h, uint32_t(number("offset", 0)), bytes));
            break;
        }
        case Op::SetEndOfFile: {
            const auto h = resolve(step.arg("file")->address, r);
            if (!h) break;
            set(mmgr.set_end_of_file(*space, *h, uint32_t(number("size", 0))));
            r.has_value = false;
            break;
        }
        case Op::CreateFileMapping: {
            uint32_t file = 0;
            if (const Arg* f = step.arg("file")) {
                const auto h = resolve(f->address, r);
                if (!h) break;
                file = *h;
            }
            const Arg* name = step.arg("name");
            const uint32_t flags = uint32_t(number("flags", 0));
            if (flags & mm::sec::kImage) {
                // SEC_IMAGE: with no other flag (NtCreateSection: STATUS_INVALID_PARAMETER); without a
                // file the loader's image section refuses it (os::create_image_mapping).
                if (flags != mm::sec::kImage) {
                    set(mm::Result::failure(mm::Error::InvalidParameter));
                    break;
                }
                const os::LoadOutcome o = os::create_image_mapping(*m_machine, *space, file, name ? name->text : std::string());
                set(o.result);
                r.note = o.note;
            } else {
                set(mmgr.create_file_mapping(*space, file, uint32_t(number("protect", 0)), number("size", 0), flags,
                                             name ? name->text : std::string()));
            }
            if (r.ok) bind(r.value);
            break;
        }
        case Op::OpenFileMapping:
            set(mmgr.open_file_mapping(*space, uint32_t(number("access", 0)), step.arg("name")->text));
            if (r.ok) bind(r.value);
            break;
        case Op::MapView: {
            const auto h = resolve(step.arg("mapping")->address, r);
            if (!h) break;
            set(mmgr.map_view(*space, *h, uint32_t(number("access", 0)), uint32_t(number("offset", 0)),
                              uint32_t(number("size", 0)), address.value_or(0)));
            if (r.ok) bind(r.value);
            break;
        }
        case Op::UnmapView:
            set(mmgr.unmap_view(*space, *address));
            r.has_value = false;
            break;
        case Op::FlushView:
            set(mmgr.flush_view(*space, *address, uint32_t(number("size", 0))));
            break;
        case Op::InterlockedAdd: {
            // InterlockedExchangeAdd: the variable must be aligned on 32 bits (a plain address is
            // checked when the file loads; a name+offset here).
            if (*address & 3) {
                r.ok = false;
                r.error = mm::Error::InvalidParameter;
                r.note = trf("InterlockedExchangeAdd needs a 32-bit variable aligned on 4 bytes; 0x{address:08X} is not", "address"_a = *address);
                break;
            }
            const AccessResult a = mmgr.interlocked_add(*space, *address, uint32_t(number("value", 0)));
            if (take_access(a)) {
                r.value = a.value;  // the initial value, as InterlockedExchangeAdd returns it
                r.has_value = true;
                bind(a.value);
            }
            break;
        }
        case Op::SwitchTo: mmgr.switch_to(*space); break;
        case Op::Trim: mmgr.trim(*space); break;
        case Op::Pause:
        case Op::CreateProcess: break;
    }
}

// ---------------------------------------------------------------------------------------------
// Expectations

void Session::check(size_t index, StepResult& r) {
    const Step& step = m_scenario.steps[index];
    const mm::MemoryManager& mmgr = m_machine->mm();
    auto add = [&](const Expectation& e, std::string what, std::string expected, std::string actual) {
        const bool passed = expected == actual;
        r.checks.push_back(CheckResult{&e, std::move(what), std::move(expected), std::move(actual), passed});
    };
    auto field_space = [&](const std::map<std::string, Arg>& f, std::string& problem) -> std::optional<uint16_t> {
        std::string name;
        if (auto it = f.find("process"); it != f.end()) name = it->second.text;
        else if (const Arg* p = step.arg("process")) name = p->text;
        else if (step.op == Op::CreateProcess) name = step.arg("as")->text;
        const os::Process* p = name.empty() ? nullptr : m_machine->find_process(name);
        if (!p || p->space == mm::kNoSpace || !mmgr.space(p->space).alive()) {
            problem = name.empty() ? "no process given" : fmt::format("process '{}' has no address space", name);
            return std::nullopt;
        }
        return p->space;
    };
    auto field_address = [&](const std::map<std::string, Arg>& f, std::string& problem) -> std::optional<uint32_t> {
        StepResult scratch;
        std::optional<uint32_t> a;
        if (auto it = f.find("address"); it != f.end()) a = resolve(it->second.address, scratch);
        else if (const Arg* sa = step.arg("address")) a = resolve(sa->address, scratch);
        else problem = "no address given";
        if (!scratch.note.empty()) problem = scratch.note;
        return a;
    };
    auto resolve_value = [&](const Arg& a) -> std::optional<uint32_t> {
        StepResult scratch;
        return resolve(a.address, scratch);
    };

    for (const Expectation& e : step.expects) {
        std::string problem;
        switch (e.kind) {
            case ExpectKind::Result: add(e, "result", e.text, r.ok ? "ok" : "failed"); break;
            case ExpectKind::Error:
                add(e, "error", mm::error_name(*mm::parse_error(e.text)), mm::error_name(r.error));
                break;
            case ExpectKind::Returns: {
                // ReadFile returns the bytes it read, compared as text.
                if (step.op == Op::ReadFile) {
                    add(e, "returns", e.text, r.data ? *r.data : std::string("nothing"));
                    break;
                }
                // Old protections read as names, everything else as numbers.
                const bool protection = step.op == Op::VirtualProtect;
                const std::string actual = !r.has_value ? "nothing" : protection ? mm::protection_name(r.value) : hex32(r.value);
                std::string expected = e.text;
                if (protection) {
                    if (auto p = mm::parse_protection(e.text)) expected = mm::protection_name(*p);
                } else if (auto n = parse_number(e.text)) expected = hex32(*n);
                else if (auto a = parse_address(e.text); a && m_bindings.count(a->name)) {
                    StepResult scratch;
                    expected = hex32(*resolve(*a, scratch));
                } else if (auto p = mm::parse_protection(e.text)) expected = hex32(*p);
                else if (auto er = mm::parse_error(e.text)) expected = hex32(uint32_t(*er));
                add(e, "returns", expected, actual);
                break;
            }
            case ExpectKind::Fault: {
                uint32_t want = 0;
                for (const auto& k : e.list) {
                    const FaultKind f = *mm::parse_fault_kind(k);
                    if (f != FaultKind::None) want |= 1u << uint32_t(f);
                }
                add(e, "fault", fault_list(want), fault_list(r.faults));
                break;
            }
            case ExpectKind::Region: {
                auto space = field_space(e.fields, problem);
                auto addr = field_address(e.fields, problem);
                if (!space || !addr) { add(e, "region", "a region", problem); break; }
                mm::MemoryBasicInformation q;
                if (!mmgr.virtual_query(*space, *addr, q).ok) { add(e, "region", "a region", "VirtualQuery failed"); break; }
                for (const auto& [key, arg] : e.fields) {
                    if (key == "process" || key == "address") continue;
                    if (key == "base") add(e, "region.base", hex32(resolve_value(arg).value_or(0)), hex32(q.base_address));
                    else if (key == "allocation_base") add(e, "region.allocation_base", hex32(resolve_value(arg).value_or(0)), hex32(q.allocation_base));
                    else if (key == "allocation_protect") add(e, "region.allocation_protect", mm::protection_name(uint32_t(arg.number)), mm::protection_name(q.allocation_protect));
                    else if (key == "size") add(e, "region.size", hex32(arg.number), hex32(q.region_size));
                    else if (key == "protect") add(e, "region.protect", mm::protection_name(uint32_t(arg.number)), mm::protection_name(q.protect));
                    else if (key == "state") add(e, "region.state", arg.text, q.state == mm::mem::kCommit ? "commit" : q.state == mm::mem::kReserve ? "reserve" : "free");
                    else if (key == "type") add(e, "region.type", arg.text, q.type == mm::mem::kPrivate ? "private" : q.type == mm::mem::kMapped ? "mapped" : q.type == mm::mem::kImage ? "image" : "none");
                }
                break;
            }
            case ExpectKind::PteExpect: {
                auto space = field_space(e.fields, problem);
                auto addr = field_address(e.fields, problem);
                if (!space || !addr) { add(e, "pte", "a PTE", problem); break; }
                const auto info = mmgr.pte_info(*space, *addr);
                const x86::Pte pte(info.pte);
                for (const auto& field : e.fields) {
                    // (Named, not structured bindings: clang 14 cannot capture those in a lambda.)
                    const std::string& key = field.first;
                    const Arg& arg = field.second;
                    if (key == "process" || key == "address") continue;
                    auto flag = [&](bool actual) {
                        const auto want = parse_bool(arg.text);
                        add(e, "pte." + key, want ? yes_no(*want) : arg.text, yes_no(actual));
                    };
                    const bool present = info.table_present && pte.present();
                    if (key == "present") flag(present);
                    else if (key == "writable") flag(present && pte.writable());
                    else if (key == "user") flag(present && pte.user());
                    else if (key == "accessed") flag(present && pte.accessed());
                    else if (key == "dirty") flag(present && pte.dirty());
                    else if (key == "copy_on_write") flag(present && pte.copy_on_write());
                    else if (key == "frame") add(e, "pte.frame", fmt::format("0x{:X}", arg.number), present ? fmt::format("0x{:X}", pte.frame()) : "none");
                    else if (key == "backing") add(e, "pte.backing", arg.text, pte_backing(*m_machine, *space, *addr));
                }
                break;
            }
            case ExpectKind::Value: {
                auto space = field_space(e.fields, problem);
                auto addr = field_address(e.fields, problem);
                if (!space || !addr) { add(e, "value", "a value", problem); break; }
                if (auto t = e.fields.find("text"); t != e.fields.end()) {
                    std::string actual;
                    for (size_t i = 0; i < t->second.text.size(); ++i) {
                        auto b = peek_byte(*m_machine, *space, *addr + uint32_t(i));
                        if (!b) { actual += "<not readable>"; break; }
                        actual += char(*b);
                    }
                    add(e, "value.text", t->second.text, actual);
                }
                if (auto q = e.fields.find("equals"); q != e.fields.end()) {
                    const uint32_t size = e.fields.count("size") ? uint32_t(e.fields.at("size").number) : 4;
                    uint64_t v = 0;
                    bool readable = true;
                    for (uint32_t i = 0; i < size && readable; ++i) {
                        auto b = peek_byte(*m_machine, *space, *addr + i);
                        if (!b) readable = false;
                        else v |= uint64_t(*b) << (8 * i);
                    }
                    add(e, "value.equals", fmt::format("0x{:X}", q->second.number), readable ? fmt::format("0x{:X}", v) : "not readable");
                }
                break;
            }
            case ExpectKind::SameFrame:
            case ExpectKind::DifferentFrame: {
                std::optional<uint32_t> frames[2];
                std::string where[2];
                for (int i = 0; i < 2; ++i) {
                    auto space = field_space(e.pair[i], problem);
                    auto addr = field_address(e.pair[i], problem);
                    if (space && addr) frames[i] = resident_frame(*m_machine, *space, *addr);
                    where[i] = frames[i] ? fmt::format("0x{:X}", *frames[i]) : std::string(i18n::tr("not resident"));
                }
                const bool both = frames[0] && frames[1];
                const bool same = both && *frames[0] == *frames[1];
                const bool want_same = e.kind == ExpectKind::SameFrame;
                r.checks.push_back(CheckResult{&e, expect_kind_name(e.kind), want_same ? i18n::tr("one frame") : i18n::tr("two frames"),
                                               trf("frames {first} and {second}", "first"_a = where[0], "second"_a = where[1]),
                                               both && same == want_same});
                break;
            }
            case ExpectKind::Counters:
                for (const auto& [name, arg] : e.fields) {
                    const uint64_t actual = name == "frames_free"     ? mmgr.frames_free()
                                            : name == "pagefile_used" ? mmgr.pagefile().used()
                                                                      : mmgr.counter(*mm::parse_counter(name));
                    add(e, "counters." + name, std::to_string(arg.number), std::to_string(actual));
                }
                break;
            case ExpectKind::Module: {
                std::string pname;
                if (auto it = e.fields.find("process"); it != e.fields.end()) pname = it->second.text;
                else if (const Arg* pa = step.arg("process")) pname = pa->text;
                else if (step.op == Op::CreateProcess) pname = step.arg("as")->text;
                const os::Process* p = m_machine->find_process(pname);
                std::string want = e.fields.at("name").text;
                for (char& c : want) c = char(std::toupper(uint8_t(c)));
                const os::Module* mod = nullptr;
                if (p)
                    for (const os::Module& m : m_machine->modules(p->id))
                        if (m.name == want) mod = &m;
                for (const auto& field : e.fields) {
                    const std::string& key = field.first;
                    const Arg& arg = field.second;
                    if (key == "process" || key == "name") continue;
                    auto flag = [&](bool actual) {
                        const auto w = parse_bool(arg.text);
                        add(e, "module." + key, w ? yes_no(*w) : arg.text, yes_no(actual));
                    };
                    if (key == "loaded") flag(mod != nullptr);
                    else if (key == "relocated") flag(mod && mod->relocated);
                    else if (key == "base") add(e, "module.base", hex32(resolve_value(arg).value_or(0)), mod ? hex32(mod->base) : "not loaded");
                    else if (key == "refcount") add(e, "module.refcount", std::to_string(arg.number), mod ? std::to_string(mod->refcount) : "0");
                }
                break;
            }
            case ExpectKind::File: {
                // The emulated disk: what a later reader of the file would get.
                const std::string& path = e.fields.at("path").text;
                const mm::DiskFile* file = nullptr;
                for (const auto& f : mmgr.files())
                    if (f.path == path) file = &f;
                if (!file) {
                    add(e, "file", path, "no such file");
                    break;
                }
                const uint64_t offset = e.fields.count("offset") ? e.fields.at("offset").number : 0;
                auto slice = [&](size_t n) {
                    std::string out;
                    for (size_t i = 0; i < n && offset + i < file->bytes.size(); ++i) out += char(file->bytes[offset + i]);
                    return out;
                };
                if (auto it = e.fields.find("size"); it != e.fields.end())
                    add(e, "file.size", std::to_string(it->second.number), std::to_string(file->bytes.size()));
                if (auto it = e.fields.find("text"); it != e.fields.end())
                    add(e, "file.text", it->second.text, slice(it->second.text.size()));
                if (auto it = e.fields.find("bytes"); it != e.fields.end()) {
                    std::string want, got;
                    for (char c : it->second.text)
                        if (!std::isspace(uint8_t(c))) want += char(std::tolower(uint8_t(c)));
                    const std::string raw = slice(want.size() / 2);
                    for (char c : raw) got += fmt::format("{:02x}", uint8_t(c));
                    add(e, "file.bytes", want, got);
                }
                break;
            }
            case ExpectKind::InRange: {
                // A fact about an address (a view in the shared arena, a DLL below 2 GB), checked.
                const auto a = resolve_value(e.fields.at("address"));
                const auto lo = resolve_value(e.fields.at("from"));
                const auto hi = resolve_value(e.fields.at("to"));
                if (!a || !lo || !hi) { add(e, "in_range", i18n::tr("an address"), i18n::tr("a name that is not bound")); break; }
                const std::string range = fmt::format("{}..{}", hex32(*lo), hex32(*hi));
                add(e, fmt::format("in_range({})", hex32(*a)), range, *lo <= *a && *a <= *hi ? range : std::string(i18n::tr("outside")));
                break;
            }
            case ExpectKind::Process: {
                const os::Process* p = m_machine->find_process(e.fields.at("name").text);
                add(e, "process.state", e.fields.at("state").text, p ? os::process_state_name(p->state) : "none");
                break;
            }
        }
    }
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
            return fmt::format("{} fault{}", b.fault == mm::FaultKind::None ? "any" : mm::fault_kind_name(b.fault),
                               b.process.empty() ? "" : " in " + b.process);
        case BreakKind::Process: return "any event of " + b.process;
        case BreakKind::PteChange: return fmt::format("PTE of 0x{:08X} in {} changes", b.address, b.process);
        case BreakKind::Label: return "step labelled '" + b.label + "'";
        case BreakKind::Filter: return "event matching '" + b.filter + "'";
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
