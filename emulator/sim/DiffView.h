// Internals of the journal-based diff (sim/Diff.cpp): the machine at a moment, read through the
// machine as it stands and an Overlay (sim/DiffOverlay.h). Only Diff.cpp includes this.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "sim/Diff.h"
#include "sim/DiffOverlay.h"

namespace pagelab::sim::diff_detail {

// ---------------------------------------------------------------------------------------------
// The machine at a moment, read through the machine as it stands and an overlay. The page facts
// follow MemoryManager::page_state and virtual_query rule for rule (the unit test compares them
// with the real ones at both moments).
class View {
public:
    View(const os::Machine& m, const Overlay& o) : m_machine(m), m_mm(m.mm()), m_o(o) {}

    mm::Personality personality() const { return m_mm.config().personality; }

    uint32_t word(uint32_t pa) const { return m_o.word(pa); }
    uint32_t pfn(uint32_t frame, PfnField f) const {
        if (!m_mm.frame_exists(frame)) return default_field(f);
        if (const uint32_t* v = m_o.pfn.find(pfn_key(frame, f))) return *v;
        return m_mm.pfn().get(frame, f);
    }
    mm::FrameUse use(uint32_t frame) const { return mm::FrameUse(pfn(frame, PfnField::Use)); }
    FrameFacts frame_facts(uint32_t f) const {
        FrameFacts x;
        x.state = mm::FrameState(pfn(f, PfnField::State));
        x.use = mm::FrameUse(pfn(f, PfnField::Use));
        x.owner = uint16_t(pfn(f, PfnField::Owner));
        x.share_count = uint16_t(pfn(f, PfnField::ShareCount));
        x.pte_address = pfn(f, PfnField::PteAddress);
        x.original_pte = pfn(f, PfnField::OriginalPte);
        x.modified = (pfn(f, PfnField::Flags) & mm::PfnEntry::kModified) != 0;
        return x;
    }
    uint64_t counter(size_t c) const { return m_o.counters[c] ? *m_o.counters[c] : m_mm.counters()[c]; }
    uint32_t list_count(size_t l) const { return m_o.list_counts[l] ? *m_o.list_counts[l] : m_mm.pfn().list(mm::FrameList(l)).count; }
    bool slot_used(uint32_t s) const {
        if (const uint8_t* v = m_o.slots.find(s)) return *v;
        return m_mm.pagefile().in_use(s);
    }
    uint32_t pagefile_used() const {
        int64_t n = m_mm.pagefile().used();
        m_o.slots.for_each([&](uint64_t s, uint8_t used) { n += int64_t(used) - int64_t(m_mm.pagefile().in_use(uint32_t(s))); });
        return uint32_t(n);
    }
    uint32_t shared_table(uint32_t idx) const {
        if (auto it = m_o.shared_tables.find(idx); it != m_o.shared_tables.end()) return it->second;
        return m_mm.shared_table(idx);
    }

    // Address spaces.
    bool space_exists(uint16_t s) const {
        if (auto it = m_o.space_exists.find(s); it != m_o.space_exists.end()) return it->second;
        return s < m_mm.spaces().size();
    }
    bool alive(uint16_t s) const {
        if (!space_exists(s)) return false;
        if (auto it = m_o.space_alive.find(s); it != m_o.space_alive.end()) return it->second;
        return s < m_mm.spaces().size() ? m_mm.space(s).alive() : true;  // (created since: alive from the start)
    }
    uint32_t page_directory(uint16_t s) const {
        if (auto it = m_o.space_pd.find(s); it != m_o.space_pd.end()) return it->second;
        return s < m_mm.spaces().size() ? m_mm.space(s).page_directory() : 0;
    }
    uint32_t pde(uint16_t s, uint32_t idx) const {
        if (!alive(s)) return 0;
        return word((page_directory(s) << 12) + idx * 4);
    }
    // The PTE of va in space s, or of the shared tables (s == kNoSpace); 0 without a table.
    uint32_t pte(uint16_t s, uint32_t va, bool* table = nullptr) const {
        uint32_t frame = mm::kNoFrame;
        if (s == mm::kNoSpace) {
            frame = shared_table(x86::pde_index(va));
        } else {
            const uint32_t d = pde(s, x86::pde_index(va));
            if ((d & Pte::kPresent) && m_mm.frame_exists(d >> 12)) frame = d >> 12;
        }
        if (table) *table = frame != mm::kNoFrame;
        return frame == mm::kNoFrame ? 0 : word((frame << 12) + x86::pte_index(va) * 4);
    }
    // The page table frame under PDE idx of s (kNoFrame: none).
    uint32_t table_frame(uint16_t s, uint32_t idx) const {
        if (s == mm::kNoSpace) return shared_table(idx);
        const uint32_t d = pde(s, idx);
        return (d & Pte::kPresent) && m_mm.frame_exists(d >> 12) ? d >> 12 : mm::kNoFrame;
    }

    // VADs: the space's own, and the shared arena's (s == kNoSpace).
    const mm::VadMap& vads(uint16_t s) const {
        static const mm::VadMap none;
        auto changed = m_o.vads.lower_bound({s, 0});
        if (changed == m_o.vads.end() || changed->first.first != s) {
            // No VAD of this set changed between the position and the moment: the machine's own.
            if (s == mm::kNoSpace) return m_mm.shared_vads();
            return s < m_mm.spaces().size() ? m_mm.space(s).vads() : none;
        }
        auto it = m_vads.find(s);
        if (it != m_vads.end()) return it->second;
        mm::VadMap map;
        if (s == mm::kNoSpace) map = m_mm.shared_vads();
        else if (s < m_mm.spaces().size()) map = m_mm.space(s).vads();
        for (auto o = m_o.vads.lower_bound({s, 0}); o != m_o.vads.end() && o->first.first == s; ++o) {
            if (o->second == core::kNoBlob) map.erase(o->first.second);
            else map[o->first.second] = m_mm.vad_blob(o->second);
        }
        return m_vads.emplace(s, std::move(map)).first->second;
    }
    bool in_shared_arena(uint32_t va) const {
        const mm::Layout& l = mm::layout_of(personality());
        return l.shared_begin != 0 && va >= l.shared_begin && va < l.shared_end;
    }
    bool in_compat_arena(uint32_t va) const {
        const mm::Layout& l = mm::layout_of(personality());
        return l.shared_begin != 0 && va >= l.null_trap_end && va < l.alloc_lowest;
    }
    const mm::Vad* vad_at(uint16_t s, uint32_t va) const {
        if (in_shared_arena(va)) return mm::find_vad_in(vads(mm::kNoSpace), va);
        if (in_compat_arena(va)) return &mm::MemoryManager::compat_arena();
        return mm::find_vad_in(vads(s), va);
    }
    // The end VPN of the stretch around vpn in which vad_at gives the same answer (its VAD's end,
    // or the next VAD's start).
    uint32_t vad_extent_end(uint16_t s, uint32_t vpn) const {
        const uint32_t va = vpn << 12;
        if (const mm::Vad* v = vad_at(s, va)) return v->end_vpn;
        const mm::Layout& l = mm::layout_of(personality());
        if (in_shared_arena(va)) {
            const mm::Vad* next = mm::next_vad_in(vads(mm::kNoSpace), vpn);
            return next ? next->start_vpn : l.shared_end >> 12;
        }
        const mm::Vad* next = mm::next_vad_in(vads(s), vpn);
        uint32_t end = next ? next->start_vpn : region_end_vpn(personality());
        if (l.shared_begin) {
            if (vpn < (l.null_trap_end >> 12)) end = std::min(end, l.null_trap_end >> 12);
            if (vpn < (l.shared_begin >> 12)) end = std::min(end, l.shared_begin >> 12);
        }
        return end;
    }
    // Every region VAD the space sees (own, then shared), with the compatibility arena.
    std::vector<const mm::Vad*> regions(uint16_t s) const {
        std::vector<const mm::Vad*> out;
        if (!alive(s)) return out;
        const bool w95 = mm::layout_of(personality()).shared_begin != 0;
        if (w95) out.push_back(&mm::MemoryManager::compat_arena());
        for (const auto& [k, v] : vads(s)) out.push_back(&v);
        if (w95)
            for (const auto& [k, v] : vads(mm::kNoSpace)) out.push_back(&v);
        return out;
    }

    // Sections and objects.
    std::optional<mm::DataSection> data_section(uint32_t id) const {
        if (auto it = m_o.data_sections.find(id); it != m_o.data_sections.end()) {
            if (it->second == core::kNoBlob) return std::nullopt;
            return m_mm.data_section_blob(it->second);
        }
        if (id < m_mm.data_sections().size()) return m_mm.data_sections()[id];
        return std::nullopt;
    }
    std::optional<mm::MappingObject> mapping(uint32_t id) const {
        if (auto it = m_o.mappings.find(id); it != m_o.mappings.end()) {
            if (it->second == core::kNoBlob) return std::nullopt;
            return m_mm.mapping_blob(it->second);
        }
        if (id < m_mm.mappings().size()) return m_mm.mappings()[id];
        return std::nullopt;
    }
    std::optional<mm::HandleEntry> handle(uint16_t s, uint32_t h) const {
        if (auto it = m_o.handles.find({s, h}); it != m_o.handles.end()) {
            if (it->second == core::kNoBlob) return std::nullopt;
            return m_mm.handle_blob(it->second);
        }
        if (const mm::HandleEntry* e = m_mm.find_handle(s, h)) return *e;
        return std::nullopt;
    }
    bool image_section_exists(uint32_t id) const {
        if (auto it = m_o.section_exists.find(id); it != m_o.section_exists.end()) return it->second;
        return id < m_mm.sections().size();
    }
    std::optional<uint32_t> image_section_views(uint32_t id) const {
        if (!image_section_exists(id)) return std::nullopt;
        if (auto it = m_o.section_views.find(id); it != m_o.section_views.end()) return it->second;
        return id < m_mm.sections().size() ? m_mm.section_views(id) : 0;
    }
    std::optional<os::ProcessState> process_state(uint16_t p) const {
        uint32_t v;
        if (auto it = m_o.processes.find(p); it != m_o.processes.end()) v = it->second;
        else v = p < m_machine.processes().size() ? 1 + uint32_t(m_machine.processes()[p].state) : 0;
        if (v == 0) return std::nullopt;
        return os::ProcessState(v - 1);
    }
    // The image section's first prototype index and page count (nullopt: unknown at the moment).
    std::optional<std::pair<uint32_t, uint32_t>> image_protos(uint32_t id) const {
        if (!image_section_exists(id)) return std::nullopt;
        if (id < m_mm.sections().size()) return std::pair{m_mm.sections()[id].first_proto, m_mm.sections()[id].pages_count()};
        for (const NewSection& n : m_o.new_sections)
            if (n.id == id) return std::pair{n.first_proto, uint32_t(n.initial.size())};
        return std::nullopt;
    }
    bool prototype_exists(uint32_t index) const {
        if (mm::MemoryManager::is_data_proto(index)) {
            const auto s = data_section(mm::MemoryManager::data_proto_section(index));
            return s && mm::MemoryManager::data_proto_page(index) < s->pages;
        }
        // Image prototypes: those of the sections that exist at the moment.
        uint32_t count = 0;
        for (uint32_t id = 0;; ++id) {
            const auto r = image_protos(id);
            if (!r) break;
            count = r->first + r->second;
        }
        return index < count;
    }
    uint32_t proto(uint32_t index) const {
        if (const uint32_t* v = m_o.protos.find(index)) return *v;
        if (m_mm.prototype_exists(index)) return m_mm.prototype(index);
        if (mm::MemoryManager::is_data_proto(index)) {
            // A page added to a data section since: its initial prototype PTE.
            const auto s = data_section(mm::MemoryManager::data_proto_section(index));
            if (!s) return 0;
            const uint32_t page = mm::MemoryManager::data_proto_page(index);
            if (s->kind == mm::DataSectionKind::File) return SoftwarePte::in_file(page, s->mm_protection);
            return s->reserve ? 0u : SoftwarePte::demand_zero(s->mm_protection);
        }
        for (const NewSection& n : m_o.new_sections)
            if (index >= n.first_proto && index < n.first_proto + n.initial.size()) return n.initial[index - n.first_proto];
        return 0;
    }

    // MemoryManager::page_state, then VirtualQuery's type and allocation fields.
    PageFacts page_facts(uint16_t s, uint32_t vpn) const {
        PageFacts f;
        if (!alive(s)) return f;
        const uint32_t va = vpn << 12;
        const mm::Vad* vad = vad_at(s, va);
        if (!vad) return f;
        f.type = vad->type == mm::VadType::Private ? mm::mem::kPrivate : vad->type == mm::VadType::Mapped ? mm::mem::kMapped : mm::mem::kImage;
        f.allocation_base = vad->base();
        f.allocation_protect = vad->allocation_protect;
        const uint32_t p = pte(s, va);
        const mm::PteKind kind = SoftwarePte::kind(p);
        const uint32_t reserved_protect = personality() == mm::Personality::Win95 ? mm::page::kNoAccess : 0;
        auto set = [&](uint32_t state, uint32_t protect) {
            f.state = state;
            f.protect = protect;
            return f;
        };
        if (vad->type == mm::VadType::Mapped && (kind == mm::PteKind::Zero || maps_section_page(p))) {
            const auto sec = data_section(vad->section);
            if (sec && sec->kind == mm::DataSectionKind::Pagefile && sec->reserve && proto(mm::MemoryManager::view_proto(*vad, vpn)) == 0)
                return set(mm::mem::kReserve, reserved_protect);
            return set(mm::mem::kCommit, mm::to_win32_protection(view_protection(*vad, vpn)));
        }
        if (kind == mm::PteKind::Zero)
            return vad->mem_commit ? set(mm::mem::kCommit, vad->allocation_protect) : set(mm::mem::kReserve, reserved_protect);
        if (kind == mm::PteKind::Decommitted) return set(mm::mem::kReserve, reserved_protect);
        if (vad->type == mm::VadType::Image && maps_section_page(p))
            return set(mm::mem::kCommit, mm::to_win32_protection(image_protection(*vad, vpn)));
        return set(mm::mem::kCommit, mm::to_win32_protection(page_protection(p)));
    }

private:
    static uint32_t default_field(PfnField f) { return mm::pfn_field(mm::PfnEntry{}, f); }
    bool maps_section_page(uint32_t p) const {
        const mm::PteKind k = SoftwarePte::kind(p);
        return k == mm::PteKind::Prototype || (k == mm::PteKind::Valid && is_section_use(use(p >> 12)));
    }
    uint32_t proto_protection(uint32_t index) const {
        const uint32_t p = proto(index);
        if (p & Pte::kPresent) return SoftwarePte::protection(pfn(p >> 12, PfnField::OriginalPte));
        return SoftwarePte::protection(p);
    }
    uint32_t page_protection(uint32_t p) const {
        if (p & Pte::kPresent) return SoftwarePte::protection(pfn(p >> 12, PfnField::OriginalPte));
        if (SoftwarePte::kind(p) == mm::PteKind::Prototype) {
            const uint32_t index = SoftwarePte::prototype_index(p);
            return prototype_exists(index) ? proto_protection(index) : mm::mmprot::kNoAccess;
        }
        return SoftwarePte::protection(p);
    }
    uint32_t view_protection(const mm::Vad& v, uint32_t vpn) const {
        const uint32_t page = vpn - v.start_vpn;
        if (page < v.own_protection.size() && v.own_protection[page]) return v.own_protection[page] - 1u;
        return *mm::to_mm_protection(v.allocation_protect);
    }
    uint32_t image_protection(const mm::Vad& v, uint32_t vpn) const {
        const uint32_t page = vpn - v.start_vpn;
        if (page < v.own_protection.size() && v.own_protection[page]) return v.own_protection[page] - 1u;
        const auto r = image_protos(v.section);
        return r ? proto_protection(r->first + page) : mm::mmprot::kNoAccess;
    }

    const os::Machine& m_machine;
    const mm::MemoryManager& m_mm;
    const Overlay& m_o;
    mutable std::map<uint16_t, mm::VadMap> m_vads;
};

}  // namespace pagelab::sim::diff_detail
