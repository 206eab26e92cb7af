#include "x86/Walk.h"

namespace pagelab::x86 {

Translation translate(PhysicalMemory& ram, Tlb& tlb, uint32_t cr3, uint32_t va, Access access, Mode mode,
                      WalkRecord* record) {
    const bool write = access == Access::Write;
    const bool user = mode == Mode::User;
    const uint32_t fault_bits = (write ? pf::kWrite : 0) | (user ? pf::kUser : 0);

    if (tlb.size() != 0) {
        if (const TlbEntry* e = tlb.lookup(vpn(va))) {
            const bool rights_ok = (!user || e->user) && (!write || e->writable);
            // A write through an entry whose Dirty bit is clear makes the processor walk again to
            // set it; a rights violation is re-checked against the entries in memory too.
            if (rights_ok && (!write || e->dirty)) {
                if (record) *record = WalkRecord{va, cr3, 0, 0, 0, 0, (e->frame << 12) | page_offset(va), true, false};
                return Translation{true, (e->frame << 12) | page_offset(va), 0, true};
            }
        }
    }

    const uint32_t pde_address = cr3 + pde_index(va) * 4;
    const Pte pde(ram.read_u32(pde_address));
    if (record) *record = WalkRecord{va, cr3, pde_address, pde.raw(), 0, 0, 0, false, false};
    if (!pde.present()) return Translation{false, 0, fault_bits, false};
    if (pde.frame() >= ram.frame_count()) return Translation{false, 0, fault_bits, false, 1, pde.frame()};

    const uint32_t pte_address = (pde.frame() << 12) + pte_index(va) * 4;
    const Pte pte(ram.read_u32(pte_address));
    if (record) {
        record->pte_address = pte_address;
        record->pte = pte.raw();
        record->reached_pte = true;
    }
    if (!pde.accessed()) ram.write_u32(pde_address, pde.raw() | Pte::kAccessed);
    if (!pte.present()) return Translation{false, 0, fault_bits, false};
    if (pte.frame() >= ram.frame_count()) return Translation{false, 0, fault_bits, false, 2, pte.frame()};

    const bool may_user = pde.user() && pte.user();
    const bool may_write = pde.writable() && pte.writable();
    if ((user && !may_user) || (write && !may_write))
        return Translation{false, 0, fault_bits | pf::kProtection, false};

    uint32_t updated = pte.raw() | Pte::kAccessed | (write ? Pte::kDirty : 0);
    if (updated != pte.raw()) ram.write_u32(pte_address, updated);
    const uint32_t pa = (pte.frame() << 12) | page_offset(va);
    if (record) record->pa = pa;
    if (tlb.size() != 0) tlb.fill(vpn(va), pte.frame(), may_write, may_user, (updated & Pte::kDirty) != 0);
    return Translation{true, pa, 0, false};
}

}  // namespace pagelab::x86
