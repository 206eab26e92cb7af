// Memory access (MemoryManager's general path): a load, store or fetch of 1, 2 or 4 bytes through
// the walk (x86::translate), the fault handler when the walk fails and the retried walk; an access
// straddling two pages as two; InterlockedExchangeAdd; the kernel debugger's write. The replay's
// inlined hit loops are in mm/HitPath.h.
#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Access;
using x86::Mode;
using x86::Pte;

namespace {
uint32_t fault_bit(FaultKind k) { return 1u << uint32_t(k); }

// The replay's miss (journal off, no TLB) walks twice — the walk that faults, the retried walk
// once the fault is resolved — and x86::translate's generality (the TLB, the walk record, a PDE to
// mark Accessed, an entry beyond RAM) costs more than the walk: this is translate for the case
// where none of those arise, rule for rule.
[[gnu::always_inline]] inline bool quick_walk(x86::PhysicalMemory& ram, uint32_t cr3, uint32_t frames, uint32_t va,
                                             Access kind, Mode mode, x86::Translation& t) {
    const bool write = kind == Access::Write, user = mode == Mode::User;
    const uint32_t pde = ram.read_u32(cr3 + x86::pde_index(va) * 4);
    if ((pde & (Pte::kPresent | Pte::kAccessed)) != (Pte::kPresent | Pte::kAccessed) || (pde >> 12) >= frames)
        return false;
    const uint32_t fault_bits = (write ? x86::pf::kWrite : 0u) | (user ? x86::pf::kUser : 0u);
    const uint32_t pte_address = (pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
    const uint32_t pte = ram.read_u32(pte_address);
    if (!(pte & Pte::kPresent)) {
        t = x86::Translation{false, 0, fault_bits, false};
        return true;
    }
    if ((pte >> 12) >= frames) return false;
    const uint32_t rights = (user ? Pte::kUser : 0u) | (write ? Pte::kWrite : 0u);
    if ((pde & pte & rights) != rights) {
        t = x86::Translation{false, 0, fault_bits | x86::pf::kProtection, false};
        return true;
    }
    const uint32_t updated = pte | Pte::kAccessed | (write ? Pte::kDirty : 0u);
    if (updated != pte) ram.store_u32_unjournaled(pte_address, updated);
    t = x86::Translation{true, (pte & Pte::kFrameMask) | x86::page_offset(va), 0, false};
    return true;
}
}  // namespace

AccessResult MemoryManager::access_page(uint16_t space, uint32_t va, uint32_t size, Access kind, uint32_t value,
                                        Mode mode, uint32_t* old_value, const uint32_t* addend) {
    AccessResult result;
    const bool want_record = m_journal.enabled();
    constexpr uint32_t kNoRetry = 0xFFFFFFFFu;
    uint32_t retry = kNoRetry;  // the open Retry event, whose outcome the next walk decides
    for (int attempt = 0; attempt < 4; ++attempt) {
        x86::Translation t;
        if (want_record || !m_tlb.empty() || !quick_walk(m_ram, m_stores.cr3, m_config.frames, va, kind, mode, t))
            t = x86::translate(m_ram, m_tlb, m_stores.cr3, va, kind, mode, want_record ? &m_stores.last_walk : nullptr);
        if (m_tlb.size()) add(t.tlb_hit ? Counter::TlbHits : Counter::TlbMisses);
        if (!t.ok && retry != kNoRetry) {
            // The retried access faults again: its event says so (and why), not "it succeeds".
            m_journal.set_event_arg(retry, 2, uint32_t(retry_outcome(space, va, kind, mode, t.error_code)));
            m_journal.set_event_arg(retry, 3, t.error_code);
        }
        if (t.ok) {
            const uint32_t frame = t.pa >> 12;
            m_policy.on_access(frame);
            if (old_value || addend) {
                const uint32_t old = m_ram.read(t.pa, size);
                if (old_value) *old_value = old;
                if (addend) value = old + *addend;
            }
            if (kind == Access::Write) m_ram.write(t.pa, size, value);
            else result.value = m_ram.read(t.pa, size);
            return result;
        }
        const FaultOutcome f =
            t.bad_level ? bad_entry(space, va, t.bad_level == 1 ? BadEntryKind::PdeFrame : BadEntryKind::PteFrame,
                                    t.bad_frame, m_config.frames)
                        : handle_fault(space, va, kind, mode, t.error_code);
        if (f.kind != FaultKind::None) result.faults |= fault_bit(f.kind);
        if (f.status != AccessStatus::Ok) {
            result.status = f.status;
            result.reason = f.reason;
            result.fault_address = va;
            if (f.status == AccessStatus::BadEntry) {
                result.bad = m_bad.bad;
                result.bad_number = m_bad.bad_number;
                result.bad_limit = m_bad.bad_limit;
            }
            return result;
        }
        if (want_record) retry = m_journal.begin_event(uint16_t(EventKind::Retry), space, va, uint32_t(kind));
    }
    PL_CHECK(false && "a resolved fault must make the access succeed");
    return result;
}

AccessResult MemoryManager::access(uint16_t space, uint32_t va, uint32_t size, Access kind, uint32_t value, Mode mode) {
    PL_CHECK(size == 1 || size == 2 || size == 4);
    PL_CHECK(space < m_spaces.size() && m_spaces[space].alive());
    if (m_stores.current != space) switch_to(space);
    uint32_t read_value = 0;
    if (hit(space, va, size, kind, value, mode, read_value)) {
        AccessResult r;
        r.value = read_value;
        if (kind == Access::Write) note_write(space, va, size);
        return r;
    }
    return access_declined(space, va, size, kind, value, mode);
}

AccessResult MemoryManager::access_declined(uint16_t space, uint32_t va, uint32_t size, Access kind, uint32_t value,
                                            Mode mode) {
    PL_CHECK(space == m_stores.current);
    AccessResult r;
    add(Counter::Accesses);
    const uint32_t in_page = 0x1000 - x86::page_offset(va);
    if (size <= in_page) {
        r = access_page(space, va, size, kind, value, mode);
    } else {
        // An access that straddles two pages is two accesses, low part first (as the CPU does).
        uint32_t old_low = 0;
        r = access_page(space, va, in_page, kind, value & ((1u << (8 * in_page)) - 1), mode, &old_low);
        if (r.ok()) {
            AccessResult hi = access_page(space, va + in_page, size - in_page, kind, value >> (8 * in_page), mode);
            hi.faults |= r.faults;
            hi.value = r.value | (hi.value << (8 * in_page));
            // x86 faults are precise: a store whose high page faults for good leaves the low page
            // as it was, so the low bytes are put back (through the page: resolving the high
            // page may have moved the low one out of RAM).
            if (!hi.ok() && kind == Access::Write) access_page(space, va, in_page, kind, old_low, mode);
            r = hi;
        }
    }
    if (r.ok() && kind == Access::Write) note_write(space, va, size);
    if (r.ok() && m_journal.enabled())
        event(EventKind::AccessDone, space, va, kind == Access::Write ? value : r.value, uint32_t(kind), size);
    return r;
}

AccessResult MemoryManager::interlocked_add(uint16_t space, uint32_t va, uint32_t addend) {
    PL_CHECK((va & 3) == 0);
    PL_CHECK(space < m_spaces.size() && m_spaces[space].alive());
    if (m_stores.current != space) switch_to(space);
    add(Counter::Accesses);
    uint32_t old = 0;
    AccessResult r = access_page(space, va, 4, Access::Write, 0, Mode::User, &old, &addend);
    if (!r.ok()) return r;
    r.value = old;
    note_write(space, va, 4);
    event(EventKind::InterlockedAdd, space, va, old, old + addend, addend);
    return r;
}

AccessResult MemoryManager::debugger_write(uint16_t space, uint32_t va, uint32_t size, uint32_t value) {
    PL_CHECK(size == 1 || size == 2 || size == 4);
    switch_to(space);
    AccessResult r;
    for (uint32_t i = 0; i < size; ++i) {
        const uint32_t byte_va = va + i;
        // The debugger reads its way to the page first (a read never copies-on-write).
        AccessResult in = access_page(space, byte_va, 1, Access::Read, 0, Mode::Kernel);
        r.faults |= in.faults;
        if (!in.ok()) return in;
        const uint32_t pte_address = pte_address_of(space, byte_va);
        const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
        if (!pte_address || !(pte & Pte::kPresent) || !frame_exists(pte >> 12)) {
            // The read went through a stale TLB entry; the entry in memory names no frame of RAM.
            bad_entry(space, byte_va, BadEntryKind::PteFrame, pte >> 12, m_config.frames);
            AccessResult bad = m_bad;
            bad.status = AccessStatus::BadEntry;
            bad.faults = r.faults;
            bad.fault_address = byte_va;
            return bad;
        }
        const uint32_t pa = (pte & Pte::kFrameMask) | x86::page_offset(byte_va);
        event(EventKind::DebuggerWrite, space, byte_va, pa, (value >> (8 * i)) & 0xFF);
        // The debugger stores through the linear address with CR0.WP clear, so the processor
        // sets the PTE's Dirty bit: without it the page would be dropped, not written, on eviction.
        write_pte(pte_address, pte | Pte::kDirty);
        m_ram.write(pa, 1, (value >> (8 * i)) & 0xFF);
    }
    return r;
}

}  // namespace pagelab::mm
