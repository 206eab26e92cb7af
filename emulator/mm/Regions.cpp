#include "mm/Regions.h"

#include <algorithm>

#include "core/Check.h"
#include "mm/Invariants.h"

namespace pagelab::mm {

const Vad* Regions::vad_at(SpaceId space, uint32_t va) const {
    if (m_shared.in_shared_arena(space, va)) return m_shared.find(va);
    if (m_shared.in_compat_arena(space, va)) return &SharedArena::compat_arena();
    return m_spaces[space].find_vad(va);
}

std::vector<const Vad*> Regions::regions(SpaceId space) const {
    std::vector<const Vad*> out;
    const bool w95 = m_spaces[space].layout().shared_begin != 0;
    if (w95) out.push_back(&SharedArena::compat_arena());  // below every own VAD
    for (const auto& [k, v] : m_spaces[space].vads()) out.push_back(&v);
    if (w95)
        for (const auto& [k, v] : m_shared.vads()) out.push_back(&v);
    // Own VADs lie below the shared arena, so the order is already the address order.
    return out;
}

bool Regions::range_is_free_for(SpaceId space, uint32_t start_vpn, uint32_t end_vpn) const {
    // win95: the NULL page and the compatibility arena below 4 MB are never free for a mapping.
    if (const Layout& l = m_spaces[space].layout(); l.shared_begin && start_vpn < (l.alloc_lowest >> 12)) return false;
    if (m_shared.in_shared_arena(space, start_vpn << 12)) return range_is_free_in(m_shared.vads(), start_vpn, end_vpn);
    return m_spaces[space].range_is_free(start_vpn, end_vpn);
}

std::vector<const Vad*> Regions::views_of(SpaceId space, uint32_t section) const {
    std::vector<const Vad*> out;
    for (const Vad* v : regions(space))
        if (v->type == VadType::Mapped && v->section == section) out.push_back(v);
    return out;
}

void Regions::insert(SpaceId space, const Vad& v) {
    if (m_shared.in_shared_arena(space, v.base())) return m_shared.insert(v);
    record_vad(space, nullptr, &v);
    m_spaces[space].raw_insert(v);
}

void Regions::erase(SpaceId space, const Vad& v) {
    if (m_shared.in_shared_arena(space, v.base())) return m_shared.erase(v);
    const Vad copy = v;
    record_vad(space, &copy, nullptr);
    m_spaces[space].raw_erase(copy.start_vpn);
}

void Regions::replace(SpaceId space, const Vad& before, const Vad& after) {
    if (m_shared.in_shared_arena(space, before.base())) return m_shared.replace(before, after);
    const Vad b = before;
    record_vad(space, &b, &after);
    m_spaces[space].raw_erase(b.start_vpn);
    m_spaces[space].raw_insert(after);
}

void Regions::set_own_protection(SpaceId space, uint32_t va, uint32_t value) {
    const Vad* v = vad_at(space, va);
    PL_CHECK(v && (v->type == VadType::Image || v->type == VadType::Mapped));
    const uint32_t page = (va >> 12) - v->start_vpn;
    if (page < v->own_protection.size() ? v->own_protection[page] == value : value == 0) return;
    Vad after = *v;
    after.own_protection.resize(after.end_vpn - after.start_vpn, 0);
    after.own_protection[page] = uint8_t(value);
    if (std::all_of(after.own_protection.begin(), after.own_protection.end(), [](uint8_t b) { return b == 0; }))
        after.own_protection.clear();
    replace(space, *v, after);
}

void Regions::apply(const core::Change& c, bool forward) {
    if (c.target == kSharedArena) return m_shared.apply_vad(c, forward);
    const uint64_t put = forward ? c.after : c.before, remove = forward ? c.before : c.after;
    if (remove != core::kNoBlob) m_spaces[c.target].raw_erase(m_stores.vad_blobs[remove].start_vpn);
    if (put != core::kNoBlob) m_spaces[c.target].raw_insert(m_stores.vad_blobs[put]);
}

void Regions::check(InvariantReport& report) const {
    for (const AddressSpace& sp : m_spaces) {
        if (!sp.alive()) continue;
        uint32_t previous_end = 0;
        for (const auto& [start, v] : sp.vads()) {
            if (start != v.start_vpn || v.end_vpn <= v.start_vpn)
                report.fail("the VAD at page 0x%05X is pages 0x%05X-0x%05X", start, v.start_vpn, v.end_vpn);
            if (v.start_vpn < previous_end) report.fail("space %u: the VAD at 0x%08X overlaps the one before it", sp.id(), v.base());
            if (uint64_t(v.end_vpn) << 12 > layout_of(sp.personality()).user_end)
                report.fail("space %u: the VAD at 0x%08X reaches past user space", sp.id(), v.base());
            previous_end = std::max(previous_end, v.end_vpn);
        }
    }
}

}  // namespace pagelab::mm
