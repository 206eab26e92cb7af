#include "mm/MemoryManager.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace pagelab::mm {

using x86::Access;
using x86::Mode;
using x86::Pte;

// ---------------------------------------------------------------------------------------------
// Construction, address spaces

MemoryManager::MemoryManager(const MachineConfig& config) : StoresOwner(config), Part(m_owned_stores) {
    PL_CHECK(config.frames >= 1 && config.frames <= (1u << 20));
    m_frames.set_reclaimer(*this);
    // Boot is not journaled: the state after construction is the state every undo returns to.
    m_tables.boot();
    m_journal.set_enabled(config.journal);
}

void MemoryManager::set_page_directory(uint16_t space, uint32_t frame) {
    m_journal.record(core::Store::Space, 0, space, m_spaces[space].page_directory(), frame);
    m_spaces[space].raw_set_page_directory(frame);
}

void MemoryManager::set_alive(uint16_t space, bool alive) {
    m_journal.record(core::Store::Space, 1, space, m_spaces[space].alive(), alive);
    m_spaces[space].raw_set_alive(alive);
}

uint16_t MemoryManager::create_space(Personality personality) {
    const SpaceId id = SpaceId(m_spaces.size());
    PL_CHECK(id < kNoSpace);
    const FrameNumber pd = m_frames.obtain(Need::Zeroed, id);
    if (pd.is_none()) {
        event(EventKind::OutOfMemory, kNoSpace, 0, 2);
        return kNoSpace;
    }
    event(EventKind::SpaceCreated, id, pd);
    m_journal.record(core::Store::SpaceCreate, 0, id, 0, 1, uint16_t(personality));
    m_spaces.emplace_back(id, personality);
    m_frames.lock_in(pd, FrameUse::PageDirectory, id, PteAddress::none(), 1);
    set_page_directory(id, pd);
    m_tables.build_directory(id);
    return id;
}

void MemoryManager::delete_space(uint16_t id) {
    AddressSpace& sp = m_spaces[id];
    if (!sp.alive()) return;
    // The handle table goes first (ObKillProcess), then the address space: a view still keeps
    // its mapping object and section alive until it is unmapped here.
    close_all_handles(id);
    std::vector<Vad> vads;
    for (const auto& [k, v] : sp.vads()) vads.push_back(v);
    for (const Vad& v : vads) {
        if (v.type == VadType::Image) {
            unmap_image(id, v.base());
            continue;
        }
        if (v.type == VadType::Mapped) {
            unmap_view_vad(id, v);
            continue;
        }
        // Each event opens before its changes, so that stepping to it shows what it did.
        event(EventKind::Released, id, v.base(), v.size());
        for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) free_page(id, vpn << 12, false);
        erase_vad(id, v);
    }
    // The shared regions it uses lose a user (the last user takes them down).
    for (uint32_t base : m_shared.used_by(id)) drop_shared_user(id, base);
    m_tables.free_empty_page_tables(id, 0, PageTables::user_pde_end(sp.personality()) << 10);
    const FrameNumber pd(sp.page_directory());
    event(EventKind::SpaceDeleted, id, pd);
    m_tables.clear_directory(id);
    if (m_stores.current == id) {
        set_register(CpuField::CurrentSpace, m_stores.current, kNoSpace);
        set_register(CpuField::Cr3, m_stores.cr3, 0);
        m_tlb.flush();
    }
    m_frames.release(pd);
    set_page_directory(id, 0);
    set_alive(id, false);
}

Result MemoryManager::drop_shared_user(uint16_t space, uint32_t base) {
    std::optional<Vad> last;
    const Result r = m_shared.leave(space, base, last);
    if (last) release_shared_region(space, *last);
    return r;
}

void MemoryManager::release_shared_region(uint16_t last_user, const Vad& vad) {
    const Vad v = vad;
    switch (v.type) {
        case VadType::Image: teardown_image(last_user, v); break;
        case VadType::Private:
            event(EventKind::Released, last_user, v.base(), v.size());
            for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) free_page(last_user, vpn << 12, false);
            erase_shared_vad(v);
            free_empty_page_tables(last_user, v.start_vpn, v.end_vpn);
            break;
        case VadType::Mapped: unmap_view_vad(last_user, v); break;
    }
}

// ---------------------------------------------------------------------------------------------
// Undo / redo

const core::PageRef& MemoryManager::recorded_page(uint32_t record) const {
    if (!core::is_place(record)) return m_journal.page(record);
    const uint32_t n = record & ~core::kPlaceKind;
    return (record & core::kPlaceKind) == core::kInSlot ? m_pagefile.content(n) : m_ram.content(n);
}

void MemoryManager::apply(const core::Change& c, bool forward) {
    const uint64_t v = forward ? c.after : c.before;
    switch (c.store) {
        case core::Store::PhysBytes: m_ram.apply_bytes(c.target, c.field, uint32_t(v)); break;
        case core::Store::FrameContent: m_ram.apply_content(c.target, recorded_page(uint32_t(v))); break;
        case core::Store::Pfn: m_pfn.apply(c.field, c.target, v); break;
        case core::Store::ListHead: m_pfn.apply_list(c.field, c.target, v); break;
        case core::Store::ListMove: m_pfn.apply_move(c.field, c.target, uint32_t(c.before), uint32_t(c.after), forward); break;
        case core::Store::Slot: m_pagefile.apply_used(c.target, v != 0); break;
        case core::Store::SlotContent: m_pagefile.apply_content(c.target, recorded_page(uint32_t(v))); break;
        case core::Store::Counter: m_counters[c.target] = v; break;
        case core::Store::Tlb:
            if (c.field == 1) m_tlb.apply_next(uint32_t(v));
            else m_tlb.apply_entry(c.target, c.field, uint32_t(v));
            break;
        case core::Store::Cpu:
            switch (CpuField(c.field)) {
                case CpuField::Cr3: m_stores.cr3 = uint32_t(v); break;
                case CpuField::CurrentSpace: m_stores.current = uint32_t(v); break;
                case CpuField::ClockHand: m_policy.apply_clock_hand(uint32_t(v)); break;
                case CpuField::SharedTable: m_shared.apply_table(c, forward); break;
            }
            break;
        case core::Store::Vad: m_regions.apply(c, forward); break;
        case core::Store::Space:
            if (c.field == 0) m_spaces[c.target].raw_set_page_directory(uint32_t(v));
            else m_spaces[c.target].raw_set_alive(v != 0);
            break;
        case core::Store::SpaceCreate:
            if (forward) m_spaces.emplace_back(uint16_t(c.target), Personality(c.aux));
            else {
                PL_CHECK(m_spaces.size() == size_t(c.target) + 1);
                m_spaces.pop_back();
            }
            break;
        case core::Store::Section:
            if (c.field == 0) {
                if (forward) {
                    const ImageSection& b = m_section_blobs[c.after];
                    PL_CHECK(m_sections.size() == b.id && m_protos.size() == b.first_proto);
                    m_sections.push_back(b);
                    m_section_views.push_back(0);
                    for (uint32_t i = 0; i < b.pages_count(); ++i) m_protos.push_back(SoftwarePte::in_file(i, b.pages[i].mm_protection));
                } else {
                    PL_CHECK(!m_sections.empty() && m_sections.back().id == c.target);
                    m_protos.resize(m_sections.back().first_proto);
                    m_sections.pop_back();
                    m_section_views.pop_back();
                }
            } else {
                m_section_views[c.target] = uint32_t(v);
            }
            break;
        case core::Store::Proto:
            if (is_data_proto(c.target)) m_data_protos[data_proto_section(c.target)][data_proto_page(c.target)] = uint32_t(v);
            else m_protos[c.target] = uint32_t(v);
            break;
        case core::Store::Object:
            switch (ObjectField(c.field)) {
                case ObjectField::FileCreate:
                case ObjectField::FilePage:
                case ObjectField::FileSize: m_disk.apply(c, forward); break;
                case ObjectField::Handle: m_handles.apply(c, forward); break;
                default: apply_object(c, forward); break;
            }
            break;
        case core::Store::Os: PL_CHECK(false && "os changes are applied by the machine"); break;
    }
}

}  // namespace pagelab::mm
