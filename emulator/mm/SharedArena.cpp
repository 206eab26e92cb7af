#include "mm/SharedArena.h"

#include <algorithm>

#include "mm/Invariants.h"

namespace pagelab::mm {

using x86::Pte;

namespace {
constexpr uint32_t kSharedFirstPde = 0x200;  // win95: shared arena 0x80000000-0xBFFFFFFF ...
constexpr uint32_t kSharedEndPde = 0x300;    // ... PDE indexes 0x200-0x2FF, one set of tables
constexpr uint32_t kCompatPde = 0;           // win95: the MS-DOS/Win16 arena (0-4 MB), one table for all too
// The shared page tables' slots: the shared arena's PDEs 0x200-0x2FF, then PDE 0's.
constexpr uint32_t kCompatSlot = kSharedEndPde - kSharedFirstPde;
constexpr uint32_t kSharedSlots = kCompatSlot + 1;
uint32_t slot_of(uint32_t pde_index) { return pde_index == kCompatPde ? kCompatSlot : pde_index - kSharedFirstPde; }
}  // namespace

SharedArena::SharedArena(Stores& stores) : Part(stores), m_tables(kSharedSlots, kNoFrame) {}

bool SharedArena::in_shared_arena(SpaceId space, uint32_t va) const {
    const Layout& l = space == kNoSpace ? layout_of(m_config.personality) : m_spaces[space].layout();
    return l.shared_begin != 0 && va >= l.shared_begin && va < l.shared_end;
}

bool SharedArena::in_compat_arena(SpaceId space, uint32_t va) const {
    const Layout& l = space == kNoSpace ? layout_of(m_config.personality) : m_spaces[space].layout();
    return l.shared_begin != 0 && va >= l.null_trap_end && va < l.alloc_lowest;
}

const Vad& SharedArena::compat_arena() {
    // Pages 1-0x3FF: committed READWRITE from the start (a zero PTE is a demand-zero page).
    static const Vad arena{1, 0x400, VadType::Private, page::kReadWrite, true};
    return arena;
}

bool SharedArena::is_shared_pde(uint32_t pde_index) {
    return pde_index == kCompatPde || (pde_index >= kSharedFirstPde && pde_index < kSharedEndPde);
}

uint32_t SharedArena::table(uint32_t pde_index) const {
    return is_shared_pde(pde_index) ? m_tables[slot_of(pde_index)] : kNoFrame;
}

void SharedArena::set_table(uint32_t pde_index, uint32_t frame) {
    uint32_t& slot = m_tables[slot_of(pde_index)];
    m_journal.record(core::Store::Cpu, uint8_t(CpuField::SharedTable), pde_index, slot, frame);
    slot = frame;
}

uint32_t SharedArena::slot_count() { return kSharedSlots; }
uint32_t SharedArena::pde_of_slot(uint32_t slot) { return slot == kCompatSlot ? kCompatPde : kSharedFirstPde + slot; }

uint32_t SharedArena::win95_directories() const {
    uint32_t dirs = 0;
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive() && sp.personality() == Personality::Win95) ++dirs;
    return dirs;
}

void SharedArena::insert(const Vad& v) {
    record_vad(kSharedArena, nullptr, &v);
    m_vads[v.start_vpn] = v;
}

void SharedArena::erase(const Vad& v) {
    const Vad copy = v;
    record_vad(kSharedArena, &copy, nullptr);
    m_vads.erase(copy.start_vpn);
}

void SharedArena::replace(const Vad& before, const Vad& after) {
    const Vad b = before;
    record_vad(kSharedArena, &b, &after);
    m_vads.erase(b.start_vpn);
    m_vads[after.start_vpn] = after;
}

std::optional<uint32_t> SharedArena::find_gap(uint32_t pages, uint32_t low) const {
    const Layout& l = layout_of(Personality::Win95);
    if (auto g = find_gap_in(m_vads, pages, std::max(low, l.shared_begin), l.shared_end, false)) return g;
    return find_gap_in(m_vads, pages, l.shared_begin, l.shared_end, false);
}

std::optional<uint32_t> SharedArena::image_base(uint32_t section) const {
    for (const auto& [k, v] : m_vads)
        if (v.type == VadType::Image && v.section == section) return v.base();
    return std::nullopt;
}

std::vector<uint32_t> SharedArena::used_by(SpaceId space) const {
    std::vector<uint32_t> bases;
    for (const auto& [k, v] : m_vads)
        if (std::binary_search(v.users.begin(), v.users.end(), space)) bases.push_back(v.base());
    return bases;
}

Result SharedArena::join(SpaceId space, uint32_t base) {
    const Vad* found = in_shared_arena(space, base) ? find(base) : nullptr;
    if (!found || found->base() != base || std::binary_search(found->users.begin(), found->users.end(), space))
        return Result::failure(Error::InvalidAddress);
    Vad after = *found;
    after.users.insert(std::lower_bound(after.users.begin(), after.users.end(), space), space);
    event(EventKind::SharedRegionJoined, space, base, found->size(), uint32_t(found->type), uint32_t(after.users.size()));
    replace(*found, after);
    return Result::success(base);
}

Result SharedArena::leave(SpaceId space, uint32_t base, std::optional<Vad>& last) {
    const Vad* found = in_shared_arena(space, base) ? find(base) : nullptr;
    if (!found || found->base() != base || !std::binary_search(found->users.begin(), found->users.end(), space))
        return Result::failure(Error::InvalidAddress);
    const Vad v = *found;
    const uint32_t left = uint32_t(v.users.size() - 1);
    event(EventKind::SharedRegionLeft, space, base, v.size(), uint32_t(v.type), left);
    if (left == 0) {
        last = v;
        return Result::success();
    }
    Vad after = v;
    after.users.erase(std::lower_bound(after.users.begin(), after.users.end(), space));
    replace(v, after);
    return Result::success();
}

void SharedArena::apply_vad(const core::Change& c, bool forward) {
    const uint64_t put = forward ? c.after : c.before, remove = forward ? c.before : c.after;
    if (remove != core::kNoBlob) m_vads.erase(m_stores.vad_blobs[remove].start_vpn);
    if (put != core::kNoBlob) m_vads[m_stores.vad_blobs[put].start_vpn] = m_stores.vad_blobs[put];
}

void SharedArena::apply_table(const core::Change& c, bool forward) {
    m_tables[slot_of(c.target)] = uint32_t(forward ? c.after : c.before);
}

void SharedArena::check(InvariantReport& report) const {
    // Exactly the shared PDEs, in every win95 directory (Accessed may differ: the walk sets it).
    for (const AddressSpace& sp : m_spaces) {
        if (!sp.alive() || sp.personality() != Personality::Win95) continue;
        for (uint32_t slot = 0; slot < kSharedSlots; ++slot) {
            const uint32_t idx = pde_of_slot(slot);
            const uint32_t pde = m_ram.read_u32(sp.cr3() + idx * 4);
            const uint32_t table = m_tables[slot];
            const bool right = table == kNoFrame ? pde == 0
                                                 : (pde & ~Pte::kAccessed) ==
                                                       Pte::make_valid(table, x86::Writable::Yes, x86::User::Yes).raw();
            if (!right) report.fail("space %u: PDE 0x%X is 0x%08X, not the shared arena's", sp.id(), idx, pde);
        }
    }
    for (uint32_t slot = 0; slot < kSharedSlots; ++slot) {
        const uint32_t table = m_tables[slot];
        if (table == kNoFrame || table >= m_pfn.size()) continue;  // (past RAM: the table walk says so)
        const PfnEntry& e = m_pfn[table];
        if (e.use != FrameUse::PageTable || e.state != FrameState::Active || e.owner != kNoSpace ||
            !(e.flags & PfnEntry::kLocked))
            report.fail("shared page table 0x%X (PDE 0x%X) is not a locked, ownerless page table", table, pde_of_slot(slot));
    }
    for (const auto& [k, vad] : m_vads) {
        if (vad.base() < 0x80000000u || uint64_t(vad.end_vpn) << 12 > 0xC0000000u)
            report.fail("shared VAD 0x%08X lies outside the shared arena", vad.base());
        if (vad.users.empty()) report.fail("shared VAD 0x%08X has no user", vad.base());
        for (size_t i = 0; i < vad.users.size(); ++i) {
            const SpaceId u = vad.users[i];
            if (i && vad.users[i - 1] >= u) report.fail("shared VAD 0x%08X's users are not in order", vad.base());
            if (u >= m_spaces.size() || !m_spaces[u].alive() || m_spaces[u].personality() != Personality::Win95)
                report.fail("shared VAD 0x%08X is used by space %u, which is not a live win95 space", vad.base(), u);
        }
    }
}

}  // namespace pagelab::mm
