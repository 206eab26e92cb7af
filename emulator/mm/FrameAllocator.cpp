#include "mm/FrameAllocator.h"

#include "mm/Invariants.h"

namespace pagelab::mm {

FrameNumber FrameAllocator::obtain(Need need, SpaceId for_space) {
    // A demand-zero page prefers the zeroed list, anything else the free list (its bytes are
    // overwritten anyway); a frame from the free list is zeroed when it must be.
    const FrameList first = need == Need::Zeroed ? FrameList::Zeroed : FrameList::Free;
    const FrameList second = need == Need::Zeroed ? FrameList::Free : FrameList::Zeroed;
    for (const FrameList list : {first, second}) {
        if (!m_pfn.list(list).count) continue;
        const FrameNumber f = take(list, for_space);
        return list == FrameList::Free && need == Need::Zeroed ? zero(f, for_space) : f;
    }
    const FrameNumber f = m_reclaimer->reclaim(for_space);
    if (f.is_none() || need != Need::Zeroed) return f;
    return zero(f, for_space);
}

uint32_t FrameAllocator::frames_free() const {
    return m_pfn.list(FrameList::Free).count + m_pfn.list(FrameList::Zeroed).count;
}

FrameNumber FrameAllocator::take(FrameList list, SpaceId for_space) {
    event(EventKind::FrameTaken, for_space, m_pfn.list(list).first, uint32_t(list));
    const FrameNumber f(m_pfn.pop_front(list));
    m_pfn.set_state(f, FrameState::Active);
    return f;
}

FrameNumber FrameAllocator::zero(FrameNumber frame, SpaceId for_space) {
    event(EventKind::FrameZeroed, for_space, frame);
    m_ram.set_content(frame, core::PageRef{}, core::kNoPlace, vacated_place(frame));
    return frame;
}

void FrameAllocator::activate(FrameNumber frame, FrameUse use, SpaceId owner, Backlink backlink, uint32_t original_pte,
                              uint32_t share_count) {
    m_pfn.set_state(frame, FrameState::Active);
    m_pfn.set_use(frame, use);
    m_pfn.set_owner(frame, owner);
    m_pfn.set_backlink(frame, backlink);
    m_pfn.set_original_pte(frame, original_pte);
    m_pfn.set_share_count(frame, share_count);
    m_pfn.push_back(FrameList::Active, frame);
}

void FrameAllocator::lock_in(FrameNumber frame, FrameUse use, SpaceId owner, PteAddress pde_address, uint32_t share_count) {
    m_pfn.set_state(frame, FrameState::Active);
    m_pfn.set_use(frame, use);
    m_pfn.set_flags(frame, PfnEntry::kLocked);
    m_pfn.set_owner(frame, owner);
    m_pfn.set_backlink(frame, Backlink::pte(pde_address));
    m_pfn.set_share_count(frame, share_count);
}

void FrameAllocator::clear(FrameNumber frame) {
    m_pfn.set_use(frame, FrameUse::None);
    m_pfn.set_owner(frame, kNoSpace);
    m_pfn.set_backlink(frame, Backlink::pte(PteAddress::none()));
    m_pfn.set_original_pte(frame, 0);
    m_pfn.set_share_count(frame, 0);
    m_pfn.set_flags(frame, 0);
}

void FrameAllocator::release(FrameNumber frame) {
    m_pfn.remove(frame);
    m_pfn.set_state(frame, FrameState::Free);
    clear(frame);
    m_pfn.push_back(FrameList::Free, frame);
}

void FrameAllocator::unuse(FrameNumber frame) {
    m_pfn.remove(frame);
    clear(frame);
}

void FrameAllocator::read_from_pagefile(SpaceId space, uint32_t va, FrameNumber frame, uint32_t slot) {
    event(EventKind::PagefileRead, space, va, frame, slot);
    add(Counter::HardFaults);
    add(Counter::PagefileReads);
    // (The journal names the slot, and the slot the frame's old bytes went to, instead of keeping them.)
    m_ram.set_content(frame, m_pagefile.content(slot), core::kInSlot | slot, vacated_place(frame));
}

void FrameAllocator::check(InvariantReport& report) const {
    const uint32_t n = m_pfn.size();
    for (int l = 0; l < kListCount; ++l) {
        const ListHead& h = m_pfn.list(FrameList(l));
        uint32_t count = 0, prev = kNoFrame;
        for (uint32_t f = h.first; f != kNoFrame; f = m_pfn[f].flink) {
            if (++count > n) {
                report.fail("list %u is circular", l);
                break;
            }
            if (m_pfn[f].list != FrameList(l))
                report.fail("frame 0x%X is linked on list %u but says list %u", f, l, uint32_t(m_pfn[f].list));
            if (m_pfn[f].blink != prev) report.fail("frame 0x%X has a wrong back link", f);
            prev = f;
        }
        if (count != h.count) report.fail("list %u counts %u frames but links %u", l, h.count, count);
        if (prev != h.last) report.fail("list %u's last frame is wrong", l);
    }
}

void FrameAllocator::check_frames(InvariantReport& report) const {
    for (uint32_t f = 0; f < m_pfn.size(); ++f) {
        const PfnEntry& e = m_pfn[f];
        const bool on_list = e.list != FrameList::None;
        const uint32_t valid = report.valid_maps[f], transition = report.transition_maps[f];
        if (e.state != FrameState::Active) {
            static constexpr FrameList kListOf[] = {FrameList::Free, FrameList::Zeroed, FrameList::None,
                                                    FrameList::Standby, FrameList::Modified};
            if (e.list != kListOf[int(e.state)]) report.fail("frame 0x%X is %u but on list %u", f, uint32_t(e.state), uint32_t(e.list));
            if (e.state == FrameState::Zeroed && !m_ram.content(f).is_zero_page() && !m_ram.content(f).same_bytes(core::PageRef{}))
                report.fail("frame 0x%X is on the zeroed list but holds data", f);
            if ((e.state == FrameState::Standby || e.state == FrameState::Modified) && transition != 1)
                report.fail("frame 0x%X is on standby/modified with %u transition PTEs", f, transition);
            if ((e.state == FrameState::Free || e.state == FrameState::Zeroed) && (valid || transition))
                report.fail("frame 0x%X is free but mapped", f);
        } else if (e.use == FrameUse::None) {
            if (on_list || valid || transition) report.fail("frame 0x%X is in hand but listed or mapped", f);
        } else if (e.use == FrameUse::Private) {
            if (valid != 1 || e.share_count != 1)
                report.fail("private frame 0x%X is mapped by %u PTEs (share count %u)", f, valid, e.share_count);
            if (e.list != FrameList::Active) report.fail("private frame 0x%X is not on the active list", f);
        } else if (!is_section_use(e.use) && on_list) {
            report.fail("locked frame 0x%X is on a list", f);
        }
    }
}

}  // namespace pagelab::mm
