#include "mm/Pfn.h"

#include "i18n/I18n.h"  // N_: the names are the catalogue's (the window translates them)

namespace pagelab::mm {

const char* frame_state_name(FrameState s) {
    switch (s) {
        case FrameState::Free: return N_("Free");
        case FrameState::Zeroed: return N_("Zeroed");
        case FrameState::Active: return N_("Active");
        case FrameState::Standby: return N_("Standby");
        case FrameState::Modified: return N_("Modified");
    }
    return "?";
}

const char* frame_use_name(FrameUse u) {
    switch (u) {
        case FrameUse::None: return N_("Unused");
        case FrameUse::PageDirectory: return N_("Page Directory");
        case FrameUse::PageTable: return N_("Page Table");
        case FrameUse::Private: return N_("Process Private");
        case FrameUse::Image: return N_("Image");
        case FrameUse::File: return N_("Mapped File");
        case FrameUse::PagefileSection: return N_("Shareable");
        case FrameUse::System: return N_("System");
    }
    return "?";
}

const char* frame_list_name(FrameList l) {
    switch (l) {
        case FrameList::Free: return "free";
        case FrameList::Zeroed: return "zeroed";
        case FrameList::Standby: return "standby";
        case FrameList::Modified: return "modified";
        case FrameList::Active: return "active";
        case FrameList::None: return "none";
    }
    return "?";
}

PfnDatabase::PfnDatabase(uint32_t frames, core::Journal& journal) : m_entries(frames), m_journal(journal) {
    // At power-on every frame is zeroed and on the zeroed list in ascending order.
    for (uint32_t i = 0; i < frames; ++i) {
        m_entries[i].list = FrameList::Zeroed;
        m_entries[i].blink = i == 0 ? kNoFrame : i - 1;
        m_entries[i].flink = i + 1 == frames ? kNoFrame : i + 1;
    }
    ListHead& z = m_lists[int(FrameList::Zeroed)];
    if (frames) z = ListHead{0, frames - 1, frames};
}

uint32_t pfn_field(const PfnEntry& e, PfnField field) {
    switch (field) {
        case PfnField::PteAddress: return e.backlink_word();
        case PfnField::OriginalPte: return e.original_pte;
        case PfnField::Flink: return e.flink;
        case PfnField::Blink: return e.blink;
        case PfnField::ShareCount: return e.share_count;
        case PfnField::Owner: return e.owner;
        case PfnField::State: return uint32_t(e.state);
        case PfnField::Use: return uint32_t(e.use);
        case PfnField::Flags: return e.flags;
        case PfnField::List: return uint32_t(e.list);
    }
    return 0;
}

uint32_t PfnDatabase::get(uint32_t pfn, PfnField field) const { return pfn_field(m_entries[pfn], field); }

void PfnDatabase::apply(uint8_t field, uint32_t pfn, uint64_t value) {
    PfnEntry& e = m_entries[pfn];
    const uint32_t v = uint32_t(value);
    switch (PfnField(field)) {
        case PfnField::PteAddress: e.m_backlink = v; break;
        case PfnField::OriginalPte: e.original_pte = v; break;
        case PfnField::Flink: e.flink = v; break;
        case PfnField::Blink: e.blink = v; break;
        case PfnField::ShareCount: e.share_count = uint16_t(v); break;
        case PfnField::Owner: e.owner = uint16_t(v); break;
        case PfnField::State: e.state = FrameState(v); break;
        case PfnField::Use: e.use = FrameUse(v); break;
        case PfnField::Flags: e.flags = uint8_t(v); break;
        case PfnField::List: e.list = FrameList(v); break;
    }
}

void PfnDatabase::set(uint32_t pfn, PfnField field, uint32_t value) {
    const uint32_t old = get(pfn, field);
    if (old == value) return;
    if (field == PfnField::ShareCount) PL_CHECK(value <= 0xFFFF);
    m_journal.record(core::Store::Pfn, uint8_t(field), pfn, old, value);
    apply(uint8_t(field), pfn, value);
}

void PfnDatabase::apply_move(uint8_t list, uint32_t pfn, uint32_t prev, uint32_t last, bool forward) {
    ListHead& h = m_lists[list];
    PfnEntry& e = m_entries[pfn];
    if (forward) {
        PL_CHECK(e.blink == prev && h.last == last && last != pfn);
        relink_to_back(FrameList(list), pfn);
        return;
    }
    PL_CHECK(h.last == pfn && e.blink == last);
    m_entries[last].flink = kNoFrame;
    h.last = last;
    const uint32_t next = prev == kNoFrame ? h.first : m_entries[prev].flink;
    e.flink = next;
    e.blink = prev;
    m_entries[next].blink = pfn;
    if (prev == kNoFrame) h.first = pfn;
    else m_entries[prev].flink = pfn;
}

void PfnDatabase::apply_list(uint8_t field, uint32_t list, uint64_t value) {
    ListHead& h = m_lists[list];
    (field == 0 ? h.first : field == 1 ? h.last : h.count) = uint32_t(value);
}

void PfnDatabase::set_head(FrameList l, int field, uint32_t value) {
    ListHead& h = m_lists[int(l)];
    uint32_t& slot = field == 0 ? h.first : field == 1 ? h.last : h.count;
    if (slot == value) return;
    m_journal.record(core::Store::ListHead, uint8_t(field), uint32_t(l), slot, value);
    slot = value;
}

void PfnDatabase::push_back(FrameList l, uint32_t pfn) {
    PL_CHECK(m_entries[pfn].list == FrameList::None);
    ListHead& h = m_lists[int(l)];
    put(pfn, PfnField::List, m_entries[pfn].list, uint32_t(l));
    put(pfn, PfnField::Flink, m_entries[pfn].flink, kNoFrame);
    put(pfn, PfnField::Blink, m_entries[pfn].blink, h.last);
    if (h.last != kNoFrame) put(h.last, PfnField::Flink, m_entries[h.last].flink, pfn);
    else set_head(l, 0, pfn);
    set_head(l, 1, pfn);
    set_head(l, 2, h.count + 1);
}

void PfnDatabase::remove(uint32_t pfn) {
    PfnEntry& e = m_entries[pfn];
    if (e.list == FrameList::None) return;
    const FrameList l = e.list;
    ListHead& h = m_lists[int(l)];
    const uint32_t prev = e.blink, next = e.flink;
    if (prev != kNoFrame) put(prev, PfnField::Flink, m_entries[prev].flink, next);
    else set_head(l, 0, next);
    if (next != kNoFrame) put(next, PfnField::Blink, m_entries[next].blink, prev);
    else set_head(l, 1, prev);
    set_head(l, 2, h.count - 1);
    put(pfn, PfnField::Flink, m_entries[pfn].flink, kNoFrame);
    put(pfn, PfnField::Blink, m_entries[pfn].blink, kNoFrame);
    put(pfn, PfnField::List, m_entries[pfn].list, uint32_t(FrameList::None));
}

uint32_t PfnDatabase::pop_front(FrameList l) {
    const uint32_t pfn = m_lists[int(l)].first;
    if (pfn != kNoFrame) remove(pfn);
    return pfn;
}

}  // namespace pagelab::mm
