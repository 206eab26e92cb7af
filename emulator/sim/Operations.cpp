// The operations of a scenario step: each op of sim/Scenario.h calls the memory manager or the
// loader the way the Win32 call it stands for does, and records the answer in the step's result.

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "os/Loader.h"
#include "os/SectionQuery.h"
#include "sim/StepRun.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::trf;
using mm::AccessResult;

bool StepRun::take_access(const AccessResult& a) const {
    r.faults |= a.faults;
    if (!a.ok()) {
        r.ok = false;
        r.error = a.status == mm::AccessStatus::OutOfMemory       ? mm::Error::NotEnoughMemory
                  : a.status == mm::AccessStatus::AccessViolation ? mm::Error::NoAccess
                                                                  : mm::Error::Success;
        // A corrupt entry (a debugger's write) stops the step with the reason.
        if (a.status == mm::AccessStatus::BadEntry) r.note = mm::bad_entry_note(a.bad, a.bad_number, a.bad_limit);
    }
    return a.ok();
}

// sim/ProcessCalls.cpp (issue 16).
std::optional<uint16_t> ex_space(StepRun& c);
bool null_old_protection(StepRun& c);
void read_process_memory(StepRun& c);
void write_process_memory(StepRun& c);
void is_bad_pointer(StepRun& c);
void nt_map_view(StepRun& c);
void duplicate_handle(StepRun& c);

namespace {

// --- Processes and modules -----------------------------------------------------------------

void exit_process(StepRun& c) {
    c.set(c.machine().exit_process(c.process(c.step.arg("process")->text).id));
    c.r.has_value = false;
}

void load_library(StepRun& c) {
    const os::Process& p = c.process(c.step.arg("process")->text);
    c.take_load(os::load_library(c.machine(), p.id, c.step.arg("name")->text));
    if (c.r.ok) c.bind(c.r.value);
}

void free_library(StepRun& c) {
    const os::Process& p = c.process(c.step.arg("process")->text);
    const std::optional<uint32_t> base = c.resolve(c.step.arg("module")->address);
    if (!base) return;
    c.set(os::free_library(c.machine(), p.id, *base));
    c.r.has_value = false;
}

// --- Virtual memory ------------------------------------------------------------------------

// Each works on ex_space: the step's `target` (the *Ex call) or its own process.
void virtual_alloc(StepRun& c) {
    const auto space = ex_space(c);
    if (!space) return;
    c.set(c.mm.virtual_alloc(*space, c.address.value_or(0), uint32_t(c.number("size", 0)), uint32_t(c.number("type", 0)),
                             uint32_t(c.number("protect", 0))));
    if (c.r.ok) c.bind(c.r.value);
}

void virtual_free(StepRun& c) {
    const auto space = ex_space(c);
    if (!space) return;
    c.set(c.mm.virtual_free(*space, *c.address, uint32_t(c.number("size", 0)), uint32_t(c.number("type", 0))));
    c.r.has_value = false;
}

void virtual_protect(StepRun& c) {
    const auto space = ex_space(c);
    if (!space || null_old_protection(c)) return;
    c.set(c.mm.virtual_protect(*space, *c.address, uint32_t(c.number("size", 0)), uint32_t(c.number("protect", 0))));
    if (c.r.ok) c.bind(c.r.value);
}

void virtual_query(StepRun& c) {
    const auto space = ex_space(c);
    if (!space) return;
    mm::MemoryBasicInformation mbi;
    c.set(c.mm.virtual_query(*space, *c.address, mbi));
    if (c.r.ok) {
        c.r.query = mbi;
        c.r.value = mbi.base_address;
    }
}

// --- Issue 16: write watch, other processes' memory, locking, pointer checks ---------------

void get_write_watch(StepRun& c) {
    std::vector<uint32_t> pages;
    const uint32_t flags = c.number("reset", 0) ? mm::mem::kWriteWatchFlagReset : 0;
    c.set(c.mm.get_write_watch(*c.space, flags, *c.address, uint32_t(c.number("size", 0)), uint32_t(c.number("count", 64)), pages));
    if (c.r.ok) {
        c.r.pages = std::move(pages);
        c.bind(c.r.value);
    }
}

void reset_write_watch(StepRun& c) {
    c.set(c.mm.reset_write_watch(*c.space, *c.address, uint32_t(c.number("size", 0))));
    c.r.has_value = false;
}

// VirtualLock / VirtualUnlock (mm/VirtualLock.cpp): the faults VirtualLock's touches took are the step's.
void virtual_lock(StepRun& c) {
    uint32_t faults = 0;
    c.set(c.mm.virtual_lock(*c.space, *c.address, uint32_t(c.number("size", 0)), faults));
    c.r.faults |= faults;
    c.r.has_value = false;
}

void virtual_unlock(StepRun& c) {
    c.set(c.mm.virtual_unlock(*c.space, *c.address, uint32_t(c.number("size", 0))));
    c.r.has_value = false;
}

// --- Memory accesses -----------------------------------------------------------------------

void read_or_execute(StepRun& c) {
    const bool read = c.step.op == Op::Read;
    const AccessResult a = c.mm.access(*c.space, *c.address, uint32_t(c.number("size", read ? 4 : 1)),
                                       read ? x86::Access::Read : x86::Access::Execute);
    if (c.take_access(a)) {
        c.r.value = a.value;
        c.r.has_value = true;
        c.bind(a.value);
    }
}

void write(StepRun& c) {
    const bool debugger = c.step.op == Op::DebuggerWrite;
    auto put = [&](uint32_t va, uint32_t size, uint32_t v) {
        return c.take_access(debugger ? c.mm.debugger_write(*c.space, va, size, v)
                                      : c.mm.access(*c.space, va, size, x86::Access::Write, v));
    };
    if (const Arg* t = c.step.arg("text")) {
        for (size_t i = 0; i < t->text.size(); ++i)
            if (!put(*c.address + uint32_t(i), 1, uint8_t(t->text[i]))) break;
        return;
    }
    if (const auto v = c.resolve(c.step.arg("value")->address)) put(*c.address, uint32_t(c.number("size", 4)), *v);
}

void touch(StepRun& c) {
    const std::string& access = c.step.arg("access")->text;
    const uint64_t end = uint64_t(*c.address) + c.number("size", 1);
    for (uint64_t va = *c.address; va < end; va = (va & ~0xFFFull) + 0x1000) {
        AccessResult a;
        if (access == "write") {
            // *p = *p: read the byte, write it back.
            a = c.mm.access(*c.space, uint32_t(va), 1, x86::Access::Read);
            if (a.ok()) {
                const uint32_t faults = a.faults;
                a = c.mm.access(*c.space, uint32_t(va), 1, x86::Access::Write, a.value);
                a.faults |= faults;
            }
        } else {
            a = c.mm.access(*c.space, uint32_t(va), 1, access == "read" ? x86::Access::Read : x86::Access::Execute);
        }
        if (!c.take_access(a)) break;
    }
}

void interlocked_add(StepRun& c) {
    // InterlockedExchangeAdd: the variable must be aligned on 32 bits (a plain address is
    // checked when the file loads; a name+offset here).
    if (*c.address & 3) {
        c.r.ok = false;
        c.r.error = mm::Error::InvalidParameter;
        c.r.note = trf("InterlockedExchangeAdd needs a 32-bit variable aligned on 4 bytes; 0x{address:08X} is not",
                       "address"_a = *c.address);
        return;
    }
    const AccessResult a = c.mm.interlocked_add(*c.space, *c.address, uint32_t(c.number("value", 0)));
    if (c.take_access(a)) {
        c.r.value = a.value;  // the initial value, as InterlockedExchangeAdd returns it
        c.r.has_value = true;
        c.bind(a.value);
    }
}

// --- Files ---------------------------------------------------------------------------------

void create_file(StepRun& c) {
    const Arg* d = c.step.arg("disposition");
    const std::string disp = d ? d->text : "open";
    const mm::Disposition disposition = disp == "create"        ? mm::Disposition::Create
                                        : disp == "open_always" ? mm::Disposition::OpenAlways
                                                                : mm::Disposition::Open;
    c.set(c.mm.create_file(*c.space, c.step.arg("path")->text, uint32_t(c.number("access", 0)), disposition));
    if (c.r.ok) c.bind(c.r.value);
}

void close_handle(StepRun& c) {
    const auto h = c.resolve(c.step.arg("handle")->address);
    if (!h) return;
    c.set(c.mm.close_handle(*c.space, *h));
    c.r.has_value = false;
}

void read_file(StepRun& c) {
    const auto h = c.resolve(c.step.arg("file")->address);
    if (!h) return;
    std::vector<uint8_t> bytes;
    c.set(c.mm.read_file(*c.space, *h, uint32_t(c.number("offset", 0)), uint32_t(c.number("size", 0)), bytes));
    if (c.r.ok) {
        c.r.data = std::string(bytes.begin(), bytes.end());
        c.bind(c.r.value);
    }
}

void write_file(StepRun& c) {
    const auto h = c.resolve(c.step.arg("file")->address);
    if (!h) return;
    std::vector<uint8_t> bytes;
    if (const Arg* t = c.step.arg("text")) {
        bytes.assign(t->text.begin(), t->text.end());
    } else {
        const auto v = c.resolve(c.step.arg("value")->address);
        if (!v) return;
        for (uint64_t i = 0; i < c.number("size", 4); ++i) bytes.push_back(uint8_t(*v >> (8 * i)));
    }
    c.set(c.mm.write_file(*c.space, *h, uint32_t(c.number("offset", 0)), bytes));
}

void set_end_of_file(StepRun& c) {
    const auto h = c.resolve(c.step.arg("file")->address);
    if (!h) return;
    c.set(c.mm.set_end_of_file(*c.space, *h, uint32_t(c.number("size", 0))));
    c.r.has_value = false;
}

// --- File mappings and views ---------------------------------------------------------------

void create_file_mapping(StepRun& c) {
    uint32_t file = 0;
    if (const Arg* f = c.step.arg("file")) {
        const auto h = c.resolve(f->address);
        if (!h) return;
        file = *h;
    }
    const Arg* name = c.step.arg("name");
    const uint32_t flags = uint32_t(c.number("flags", 0));
    if (flags & mm::sec::kImage) {
        // SEC_IMAGE: with no other flag (NtCreateSection: STATUS_INVALID_PARAMETER); without a
        // file the loader's image section refuses it (os::create_image_mapping).
        if (flags != mm::sec::kImage) {
            c.set(mm::Result::failure(mm::Error::InvalidParameter));
            return;
        }
        const os::LoadOutcome o = os::create_image_mapping(c.machine(), *c.space, file, name ? name->text : std::string());
        c.set(o.result);
        c.r.note = o.note;
    } else {
        c.set(c.mm.create_file_mapping(*c.space, file, uint32_t(c.number("protect", 0)), c.number("size", 0), flags,
                                       name ? name->text : std::string()));
    }
    if (c.r.ok) c.bind(c.r.value);
}

void open_file_mapping(StepRun& c) {
    c.set(c.mm.open_file_mapping(*c.space, uint32_t(c.number("access", 0)), c.step.arg("name")->text));
    if (c.r.ok) c.bind(c.r.value);
}

void map_view(StepRun& c) {
    const auto h = c.resolve(c.step.arg("mapping")->address);
    if (!h) return;
    c.set(c.mm.map_view(*c.space, *h, uint32_t(c.number("access", 0)), uint32_t(c.number("offset", 0)),
                        uint32_t(c.number("size", 0)), c.address.value_or(0)));
    if (c.r.ok) c.bind(c.r.value);
}

void unmap_view(StepRun& c) {
    c.set(c.mm.unmap_view(*c.space, *c.address));
    c.r.has_value = false;
}

void flush_view(StepRun& c) { c.set(c.mm.flush_view(*c.space, *c.address, uint32_t(c.number("size", 0)))); }

// --- Sections, views and images (issue 16, part 2) ------------------------------------------

void load_library_ex(StepRun& c) {
    const os::Process& p = c.process(c.step.arg("process")->text);
    c.take_load(os::load_library_ex(c.machine(), p.id, c.step.arg("name")->text, uint32_t(c.number("flags", 0))));
    if (c.r.ok) c.bind(c.r.value);
}

void query_section(StepRun& c) {
    const auto h = c.resolve(c.step.arg("mapping")->address);
    if (!h) return;
    const os::SectionQuery q = os::query_section(c.machine(), *c.space, *h, c.step.arg("class")->text == "image");
    c.set(q.result);
    if (c.r.ok) c.r.data = q.text;
}

}  // namespace

// A dispatcher: one line per op, each op's work in its own function above.
void run_operation(StepRun& c) {
    switch (c.step.op) {
        case Op::ExitProcess: return exit_process(c);
        case Op::LoadLibrary: return load_library(c);
        case Op::FreeLibrary: return free_library(c);
        case Op::VirtualAlloc: return virtual_alloc(c);
        case Op::VirtualFree: return virtual_free(c);
        case Op::VirtualProtect: return virtual_protect(c);
        case Op::VirtualQuery: return virtual_query(c);
        case Op::Read:
        case Op::Execute: return read_or_execute(c);
        case Op::Write:
        case Op::DebuggerWrite: return write(c);
        case Op::Touch: return touch(c);
        case Op::InterlockedAdd: return interlocked_add(c);
        case Op::CreateFile: return create_file(c);
        case Op::CloseHandle: return close_handle(c);
        case Op::ReadFile: return read_file(c);
        case Op::WriteFile: return write_file(c);
        case Op::SetEndOfFile: return set_end_of_file(c);
        case Op::CreateFileMapping: return create_file_mapping(c);
        case Op::OpenFileMapping: return open_file_mapping(c);
        case Op::MapView: return map_view(c);
        case Op::UnmapView: return unmap_view(c);
        case Op::FlushView: return flush_view(c);
        case Op::LoadLibraryEx: return load_library_ex(c);
        case Op::QuerySection: return query_section(c);
        case Op::GetWriteWatch: return get_write_watch(c);
        case Op::ResetWriteWatch: return reset_write_watch(c);
        case Op::ReadProcessMemory: return read_process_memory(c);
        case Op::WriteProcessMemory: return write_process_memory(c);
        case Op::IsBadReadPtr:
        case Op::IsBadWritePtr: return is_bad_pointer(c);
        case Op::NtMapView: return nt_map_view(c);
        case Op::DuplicateHandle: return duplicate_handle(c);
        case Op::VirtualLock: return virtual_lock(c);
        case Op::VirtualUnlock: return virtual_unlock(c);
        case Op::SwitchTo: return c.mm.switch_to(*c.space);
        case Op::Trim: return c.mm.trim(*c.space);
        case Op::Pause:
        case Op::CreateProcess: return;  // (run_step handles these before resolving a process)
    }
}

}  // namespace pagelab::sim
