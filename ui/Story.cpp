// Following the story: after each move of the cursor the panels show what the current step (or,
// stepping by event, the last event) touched — without a click. The choice, in order:
//   1. the page the step accessed (the last access: a read, a write, a fetch, their faults);
//   2. else the first PTE it wrote (a mapped image's first page, a committed range's first page);
//   3. else the address the last event is about (a region's base, a page taken out of memory);
//   4. else the first PDE it wrote (a page directory being filled: its entry is selected);
//   5. else the process it switched to, or the process it concerns.
// When the chosen page's page table was freed by the move, its PDE (just cleared) is selected.
// The frame, the region and the pagefile slot of that page (or the last ones touched) follow.
#include "App.h"

namespace pagelab::ui {

std::optional<App::StoryFocus> App::story_so_far() {
    // A move that touched no page (a file found, a handle closed, a jump into such an event): the
    // last page the lesson touched before it, so the panels never fall back to an empty PDE 000.
    const size_t end = derived().changes_first_event();
    const size_t first = end > 256 ? end - 256 : 0;
    const sim::Touched before = sim::touched(*m_session, first, end);
    std::optional<StoryFocus> best;
    size_t best_event = 0;
    // The latest event wins; among the entries one event wrote, the first (an image's base).
    auto consider = [&](size_t event, uint16_t space, uint32_t va, bool pde) {
        if (!alive(space) || (best && event <= best_event)) return;
        best = StoryFocus{space, va, pde};
        best_event = event;
    };
    for (const sim::TouchedEntry& e : before.entries) consider(e.event, e.where.space == mm::kNoSpace ? m_state.space : e.where.space, e.where.va, e.is_pde());
    if (before.va && before.va_is_access && alive(before.va_space) && (!best || before.va_event >= best_event))
        best = StoryFocus{before.va_space, *before.va, false};
    return best;
}

void App::follow_story() {
    const Derived& d = derived();
    const sim::Touched& t = d.touched();
    const bool by_event = m_state.granularity == Granularity::Event;
    ++m_state.story_moves;
    // A shared or system table's entry is every process's: shown in the selected process when it
    // lives, else in the one the event concerns.
    auto owner = [&](uint16_t space) {
        if (alive(space)) return space;
        if (alive(m_state.space)) return m_state.space;
        return alive(t.space) ? t.space : mm::kNoSpace;
    };
    std::optional<StoryFocus> focus;
    if (d.last_access() && d.last_access_in_changes() && (!by_event || t.va_is_access))
        focus = StoryFocus{d.last_access()->space, d.last_access()->va, false};
    else if (const sim::TouchedEntry* pte = t.pte(true))
        focus = StoryFocus{owner(pte->where.space), pte->where.va, false};
    else if (t.va)
        focus = StoryFocus{owner(t.va_space), *t.va, false};
    else if (const sim::TouchedEntry* pde = t.pde(true))
        focus = StoryFocus{owner(pde->where.space), pde->where.va, true};
    if (focus && !alive(focus->space)) focus.reset();
    // After a CPU switch that touched no page, the running process is the story: its first
    // region's page (not the last page of the process that ran before).
    if (!focus && t.switched_to && alive(*t.switched_to)) {
        const auto regions = mm().regions(*t.switched_to);
        for (const mm::Vad* v : regions)
            if (v != &mm::MemoryManager::compat_arena()) {
                focus = StoryFocus{*t.switched_to, v->base(), false};
                break;
            }
    }
    if (!focus) focus = story_so_far();
    // A page whose page table the move freed (an unmapped DLL, a released range): the story is
    // the PDE that was cleared, so the directory's entry is selected and decoded.
    if (focus && !focus->pde && !(mm().ram().read_u32(mm().space(focus->space).cr3() + 4 * x86::pde_index(focus->va)) & x86::Pte::kPresent) &&
        d.changes().word(mm().space(focus->space).cr3() + 4 * x86::pde_index(focus->va)))
        focus->pde = true;

    if (focus) {
        select_page(focus->space, focus->va);
        if (focus->pde) select_pde(x86::pde_index(focus->va));
    } else if (t.switched_to && alive(*t.switched_to)) {
        select_space(*t.switched_to);
    } else if (alive(t.space) && t.space != m_state.space) {
        select_space(t.space);
    }

    // The frame: the page's own if it is resident (select_page chose it), else the last one touched.
    if (!m_state.frame_window_open && (!focus || !sim::resident_frame(machine(), focus->space, focus->va)))
        for (auto it = t.frames.rbegin(); it != t.frames.rend(); ++it)
            if (*it < mm().pfn().size() && mm().pfn()[*it].state == mm::FrameState::Active) {
                m_state.frame = *it;
                break;
            }

    // The region around the page, else the last region the step changed that still exists.
    m_state.region_focus.reset();
    if (focus && !focus->pde)
        if (const mm::Vad* v = mm().vad_at(focus->space, focus->va)) m_state.region_focus = {focus->space, v->base()};
    if (!m_state.region_focus)
        for (auto it = t.regions.rbegin(); it != t.regions.rend(); ++it)
            if (alive(it->first))
                if (const mm::Vad* v = mm().vad_at(it->first, it->second)) {
                    m_state.region_focus = {it->first, v->base()};
                    break;
                }
    // The TLB's tab comes to the front when the move hit it, flushed it or dropped an entry.
    if (!mm().tlb().empty() && (t.tlb.lookup == sim::TlbTouch::Lookup::Hit || t.tlb.flushed || !t.tlb.invalidated.empty()))
        m_state.raise_panel = PanelId::Tlb;
    m_state.slot_focus.reset();
    if (!t.slots.empty()) m_state.slot_focus = t.slots.back();
}

}  // namespace pagelab::ui
