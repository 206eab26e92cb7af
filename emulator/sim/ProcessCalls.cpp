// The calls of issue 16 that reach into another process or probe memory (docs/fidelity.md "Other
// processes' memory and pointer checks"): the *Ex forms of the Virtual* calls (a step's `target`),
// ReadProcessMemory and WriteProcessMemory as kernel32 and NtRead/NtWriteVirtualMemory do them,
// VirtualProtect's NULL old-protection pointer, IsBadReadPtr and IsBadWritePtr. Each is made of
// the memory manager's own calls and accesses, so their faults and events are the usual ones.
#include <algorithm>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "sim/StepRun.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::trfn;
using mm::AccessResult;
using mm::Error;

namespace {

bool win95(const StepRun& c, uint16_t space) { return c.mm.space(space).personality() == mm::Personality::Win95; }

void fail(StepRun& c, Error e) { c.set(mm::Result::failure(e)); }

// The kernel attaches to the target (its CR3) and copies the buffer in pieces of 1, 2 or 4 bytes
// that never cross a page, stopping at the first piece an access refuses: the bytes before it are
// what was copied. A write stores `bytes`; a read fills them.
uint32_t copy_in_target(StepRun& c, uint16_t target, uint32_t va, std::string& bytes, bool write) {
    uint32_t done = 0;
    const uint32_t size = uint32_t(bytes.size());
    while (done < size) {
        const uint32_t at = va + done;
        uint32_t n = std::min({4u, size - done, 0x1000 - (at & 0xFFF)});
        if (n == 3) n = 2;
        uint32_t value = 0;
        for (uint32_t i = 0; i < n && write; ++i) value |= uint32_t(uint8_t(bytes[done + i])) << (8 * i);
        const AccessResult a = c.mm.access(target, at, n, write ? x86::Access::Write : x86::Access::Read, value);
        c.r.faults |= a.faults;
        if (!a.ok()) break;
        for (uint32_t i = 0; i < n && !write; ++i) bytes[done + i] = char(a.value >> (8 * i));
        done += n;
    }
    if (c.space) c.mm.switch_to(*c.space);  // the caller runs again
    return done;
}

// The end of the memory NtRead/NtWriteVirtualMemory accept (beyond: STATUS_ACCESS_VIOLATION).
uint64_t copy_limit(const StepRun& c, uint16_t target) {
    const mm::Layout& lay = c.mm.space(target).layout();
    return lay.shared_end ? lay.shared_end : lay.user_end;
}

void note_partial(StepRun& c, uint32_t done) {
    c.r.note = trfn("{count} byte copied", "{count} bytes copied", done, "count"_a = done);
}

}  // namespace

// The space a Virtual* step works on: its `target` (VirtualAllocEx, VirtualFreeEx,
// VirtualProtectEx, VirtualQueryEx), else its process. Windows 95 has no *Ex call on another
// process: ERROR_CALL_NOT_IMPLEMENTED.
std::optional<uint16_t> ex_space(StepRun& c) {
    const std::optional<uint16_t> target = c.target_space();
    if (!target) return std::nullopt;
    if (*target != *c.space && win95(c, *c.space)) {
        fail(c, Error::CallNotImplemented);
        return std::nullopt;
    }
    return target;
}

// VirtualProtect(Ex) with lpflOldProtect NULL: NtProtectVirtualMemory probes the pointer before it
// changes anything, so the call fails with ERROR_NOACCESS and nothing changes.
bool null_old_protection(StepRun& c) {
    if (!c.number("null_old", 0)) return false;
    fail(c, Error::NoAccess);
    return true;
}

void read_process_memory(StepRun& c) {
    const std::optional<uint16_t> target = c.target_space();
    if (!target) return;
    const uint32_t size = uint32_t(c.number("size", 0));
    if (uint64_t(*c.address) + size > copy_limit(c, *target)) return fail(c, Error::NoAccess);
    std::string bytes(size, '\0');
    const uint32_t done = size ? copy_in_target(c, *target, *c.address, bytes, false) : 0;
    bytes.resize(done);
    c.r.data = bytes;
    if (done < size) {
        fail(c, Error::PartialCopy);
        return note_partial(c, done);
    }
    c.set(mm::Result::success(done));
    c.bind(done);
}

// kernel32's WriteProcessMemory: NtProtectVirtualMemory(PAGE_EXECUTE_READWRITE) on the range
// first (its failure is the call's); a writable old protection is put back before the write; a
// READONLY or NOACCESS one is put back and the call fails with ERROR_NOACCESS; an EXECUTE or
// EXECUTE_READ page is written while it is EXECUTE_READWRITE, then protected again.
void write_process_memory(StepRun& c) {
    const std::optional<uint16_t> target = c.target_space();
    if (!target) return;
    std::string bytes;
    if (const Arg* t = c.step.arg("text")) {
        bytes = t->text;
    } else {
        const auto v = c.resolve(c.step.arg("value")->address);
        if (!v) return;
        for (uint64_t i = 0; i < c.number("size", 4); ++i) bytes.push_back(char(uint8_t(*v >> (8 * i))));
    }
    const uint32_t va = *c.address, size = uint32_t(bytes.size());
    const mm::Result made = c.mm.virtual_protect(*target, va, size, mm::page::kExecuteReadWrite);
    if (!made.ok) return fail(c, made.error);
    const uint32_t old = made.value;
    constexpr uint32_t kWritable =
        mm::page::kReadWrite | mm::page::kWriteCopy | mm::page::kExecuteReadWrite | mm::page::kExecuteWriteCopy;
    const bool writable = old & kWritable;
    if (!writable && (old & (mm::page::kNoAccess | mm::page::kReadOnly))) {
        c.mm.virtual_protect(*target, va, size, old);
        return fail(c, Error::NoAccess);
    }
    if (writable) c.mm.virtual_protect(*target, va, size, old);
    const uint32_t done = copy_in_target(c, *target, va, bytes, true);
    if (!writable) c.mm.virtual_protect(*target, va, size, old);
    if (done < size) {
        fail(c, writable ? Error::PartialCopy : Error::NoAccess);
        return note_partial(c, done);
    }
    c.set(mm::Result::success(done));
    c.bind(done);
}

// IsBadReadPtr / IsBadWritePtr (kernel32 under SEH): size 0 is never bad, NULL or a range that
// wraps always is; the first byte and then the first byte of every later page up to the last
// byte's are read (IsBadWritePtr: read and written back), so a guard page's exception is taken —
// and its GUARD flag is gone — and a write-copy page gets its private copy. Returns 1 when an
// access is refused.
void is_bad_pointer(StepRun& c) {
    const bool write = c.step.op == Op::IsBadWritePtr;
    const uint32_t size = uint32_t(c.number("size", 0));
    const uint32_t va = *c.address;
    const uint64_t last = uint64_t(va) + size - 1;
    bool bad = size != 0 && (va == 0 || last > 0xFFFFFFFFull);
    for (uint64_t at = va; size != 0 && !bad && at <= last; at = (at & ~0xFFFull) + 0x1000) {
        AccessResult a = c.mm.access(*c.space, uint32_t(at), 1, x86::Access::Read);
        if (a.ok() && write) {
            const uint32_t faults = a.faults;
            a = c.mm.access(*c.space, uint32_t(at), 1, x86::Access::Write, a.value);
            a.faults |= faults;
        }
        c.r.faults |= a.faults;
        bad = !a.ok();
    }
    c.set(mm::Result::success(bad ? 1 : 0));
    c.bind(bad ? 1 : 0);
}

// NtMapViewOfSection: the section handle is the caller's (`process`), the view goes into
// `target` (its ProcessHandle) or the caller. The step's note names the NTSTATUS, which the
// Win32 error (RtlNtStatusToDosError) cannot always tell apart: STATUS_INVALID_PARAMETER_4 and
// STATUS_SECTION_PROTECTION are both ERROR_INVALID_PARAMETER.
void nt_map_view(StepRun& c) {
    const auto h = c.resolve(c.step.arg("mapping")->address);
    if (!h) return;
    const std::optional<uint16_t> target = c.target_space();
    if (!target) return;
    mm::NtMapArgs a;
    a.handle = *h;
    a.address = c.address.value_or(0);
    a.zero_bits = uint32_t(c.number("zero_bits", 0));
    a.commit_size = uint32_t(c.number("commit_size", 0));
    a.offset = uint32_t(c.number("offset", 0));
    a.size = uint32_t(c.number("size", 0));
    a.inherit = uint32_t(c.number("inherit", mm::kViewShare));
    a.allocation = uint32_t(c.number("allocation", 0));
    a.protect = uint32_t(c.number("protect", 0));
    const mm::NtMapResult res = c.mm.nt_map_view(*c.space, *target, a);
    c.set(res.result);
    if (res.status != mm::NtStatus::Success) c.r.note = fmt::format("{} = 0x{:08X}", mm::nt_status_name(res.status), uint32_t(res.status));
    if (c.r.ok) c.bind(c.r.value);
}

// DuplicateHandle(process, handle, target): a file mapping handle copied into target's table.
void duplicate_handle(StepRun& c) {
    const auto h = c.resolve(c.step.arg("handle")->address);
    if (!h) return;
    const std::optional<uint16_t> target = c.target_space();
    if (!target) return;
    std::optional<uint32_t> rights;
    if (const Arg* acc = c.step.arg("access")) rights = uint32_t(acc->number);
    c.set(c.mm.duplicate_handle(*c.space, *h, *target, rights));
    if (c.r.ok) c.bind(c.r.value);
}

}  // namespace pagelab::sim
