#include "mm/ReplacementPolicy.h"

#include <algorithm>

namespace pagelab::mm {

using x86::Pte;

const char* policy_name(Policy p) {
    switch (p) {
        case Policy::Fifo: return "fifo";
        case Policy::Clock: return "clock";
        case Policy::Lru: return "lru";
        case Policy::WorkingSet: return "ws";
    }
    return "?";
}

std::optional<Policy> parse_policy(std::string_view name) {
    if (name == "fifo") return Policy::Fifo;
    if (name == "clock") return Policy::Clock;
    if (name == "lru") return Policy::Lru;
    if (name == "ws" || name == "working-set" || name == "working_set") return Policy::WorkingSet;
    return std::nullopt;
}

uint32_t ReplacementPolicy::choose_victim(const std::vector<uint32_t>& tried) {
    if (m_config.policy != Policy::Fifo && m_config.policy != Policy::Lru) return clock_victim(tried);
    // (Almost always nothing was tried yet: the search is then skipped.)
    for (uint32_t f = m_pfn.list(FrameList::Active).first; f != kNoFrame; f = m_pfn[f].flink)
        if ((tried.empty() || std::find(tried.begin(), tried.end(), f) == tried.end()) &&
            !(m_pfn[f].flags & PfnEntry::kPinned))
            return f;
    return kNoFrame;
}

bool ReplacementPolicy::section_second_chance(uint32_t frame) {
    // A shared section page was used recently if any process's PTE says so.
    const FrameMappings maps = m_maps.section_mappings(frame);
    bool accessed = false;
    for (const auto& [s, pa] : maps) accessed = accessed || (m_ram.read_u32(pa) & Pte::kAccessed);
    if (!accessed) return false;
    event(EventKind::SecondChance, maps.front().first, m_tables.va_of_pte(maps.front().second), frame);
    for (const auto& [s, pa] : maps) {
        m_tables.write_pte(pa, m_ram.read_u32(pa) & ~Pte::kAccessed);
        m_tables.invalidate_page(s, m_tables.va_of_pte(pa));
    }
    return true;
}

// Clock (second chance): sweep the frames; a page whose Accessed bit is set loses the bit and is
// passed over once. Two full turns always find a victim if one exists.
uint32_t ReplacementPolicy::clock_victim(const std::vector<uint32_t>& tried) {
    const bool any_tried = !tried.empty();
    const uint32_t n = m_pfn.size();
    uint32_t hand = m_clock_hand;
    for (uint32_t step = 0; step < 2 * n + 1; ++step) {
        const uint32_t f = hand;
        hand = hand + 1 == n ? 0 : hand + 1;
        const PfnEntry& e = m_pfn[f];
        if (e.state != FrameState::Active || (e.flags & PfnEntry::kPinned) || e.list != FrameList::Active ||
            (any_tried && std::find(tried.begin(), tried.end(), f) != tried.end()))
            continue;
        if (is_section_use(e.use)) {
            if (section_second_chance(f)) continue;
            set_register(CpuField::ClockHand, m_clock_hand, hand);
            return f;
        }
        const uint32_t pte = m_ram.read_u32(e.pte_address());
        if (pte & Pte::kAccessed) {
            // The sweep's common step, kept short: the PTE is valid before and after (no table's
            // share count changes), and the address is only needed for the event or a TLB.
            if (m_journal.enabled() || m_tlb.size()) {
                const uint32_t va = m_tables.va_of_pte(e.pte_address());
                event(EventKind::SecondChance, e.owner, va, f);
                m_ram.write_known(e.pte_address(), pte, pte & ~Pte::kAccessed);
                m_tables.invalidate_page(e.owner, va);
            } else {
                m_ram.store_u32_unjournaled(e.pte_address(), pte & ~Pte::kAccessed);
            }
            continue;
        }
        set_register(CpuField::ClockHand, m_clock_hand, hand);
        return f;
    }
    set_register(CpuField::ClockHand, m_clock_hand, hand);
    return kNoFrame;
}

}  // namespace pagelab::mm
