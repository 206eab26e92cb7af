#include "Derived.h"

#include "i18n/I18n.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "sim/Report.h"

namespace pagelab::ui {

using core::Store;
using mm::EventKind;

namespace {

constexpr uint32_t kPages = 1u << 20;

bool is_access_event(EventKind k) {
    switch (k) {
        case EventKind::AccessDone:
        case EventKind::PageFault:
        case EventKind::AccessViolation:
        case EventKind::GuardPage:
        case EventKind::DebuggerWrite:
        case EventKind::Retry: return true;
        default: return false;
    }
}

ChangeSet collect_changes(const sim::Session& s, size_t first_event, size_t end_event) {
    ChangeSet out;
    const auto& changes = s.machine().journal().changes();
    const size_t c0 = s.first_change(first_event), c1 = s.first_change(end_event);
    out.change_count = c1 - c0;
    for (size_t i = c0; i < c1; ++i) {
        const core::Change& c = changes[i];
        switch (c.store) {
            case Store::PhysBytes: {
                const uint32_t pa = c.target & ~3u;
                out.frames.insert(pa >> 12);
                for (uint32_t b = 0; b < c.field && b < 4; ++b) out.bytes.insert(c.target + b);
                // Entries are written as whole words; narrower writes (data) still mark the frame.
                if (c.field == 4 && (c.target & 3u) == 0) {
                    auto [it, fresh] = out.words.try_emplace(pa, WordChange{uint32_t(c.before), uint32_t(c.after)});
                    if (!fresh) it->second.after = uint32_t(c.after);
                }
                break;
            }
            case Store::FrameContent:
                out.frames.insert(c.target);
                out.content_frames.insert(c.target);
                break;
            case Store::Pfn:
                // List links move when a neighbour joins or leaves a list: not news about this frame.
                if (c.field != uint8_t(mm::PfnField::Flink) && c.field != uint8_t(mm::PfnField::Blink)) out.frames.insert(c.target);
                break;
            case Store::Slot:
            case Store::SlotContent: out.slots.insert(c.target); break;
            case Store::Counter:
                if (c.target < out.counter_delta.size()) out.counter_delta[c.target] += int64_t(c.after) - int64_t(c.before);
                break;
            case Store::Vad: out.region_spaces.insert(uint16_t(c.target)); break;
            case Store::Proto: out.protos.insert(c.target); break;
            case Store::Object:
                switch (mm::ObjectField(c.field)) {
                    case mm::ObjectField::FileCreate:
                    case mm::ObjectField::FileSize: out.files.insert(c.target); break;
                    case mm::ObjectField::FilePage: out.files.insert(c.target >> 20); break;  // (file << 20) | page
                    case mm::ObjectField::Handle: out.handles.insert({uint16_t(c.target), uint32_t(c.aux) * 4}); break;
                    case mm::ObjectField::Mapping: out.mapping_objects.insert(c.target); break;
                    case mm::ObjectField::DataSection: out.data_sections.insert(c.target); break;
                }
                break;
            default: break;
        }
    }
    return out;
}

}  // namespace

RunSeries build_run_series(const sim::Session& s) {
    RunSeries r;
    const auto& m = s.machine().mm();
    r.steps = s.step_count();
    std::array<uint64_t, mm::kCounterCount> counters = m.counters();
    std::array<uint32_t, mm::kListCount> lists{};
    for (int l = 0; l < mm::kListCount; ++l) lists[l] = m.pfn().list(mm::FrameList(l)).count;
    uint32_t used = m.pagefile().used();
    const auto& changes = s.machine().journal().changes();
    size_t c = 0;
    auto sample = [&] {
        r.counters.push_back(counters);
        r.free_frames.push_back(lists[int(mm::FrameList::Free)] + lists[int(mm::FrameList::Zeroed)]);
        r.standby_frames.push_back(lists[int(mm::FrameList::Standby)]);
        r.modified_frames.push_back(lists[int(mm::FrameList::Modified)]);
        r.pagefile_used.push_back(used);
    };
    for (size_t step = 0; step <= r.steps; ++step) {
        const size_t until = s.first_change(s.first_event_of_step(step));
        for (; c < until; ++c) {
            const core::Change& ch = changes[c];
            if (ch.store == Store::Counter && ch.target < counters.size()) counters[ch.target] = ch.after;
            else if (ch.store == Store::ListHead && ch.field == 2 && ch.target < lists.size()) lists[ch.target] = uint32_t(ch.after);
            else if (ch.store == Store::Slot) used = ch.after ? used + 1 : used - 1;
        }
        sample();
    }
    return r;
}

bool Derived::refresh(sim::Session& s, bool single_event) {
    if (m_valid && m_session == &s && m_cursor == s.cursor() && m_single_event == single_event) return false;
    const bool moved_only = m_valid && m_session == &s && m_cursor == s.cursor();
    // Which stores the journal touched between the old cursor and the new one: what did not
    // change between them need not be rebuilt (a step through a million-frame machine touches a
    // handful of frames).
    uint32_t touched = ~0u;
    if (m_valid && m_session == &s) {
        touched = 0;
        const auto& changes = s.machine().journal().changes();
        const size_t a = s.first_change(std::min(m_cursor, s.cursor())), b = s.first_change(std::max(m_cursor, s.cursor()));
        for (size_t i = a; i < b && touched != ~0u; ++i) {
            const core::Change& c = changes[i];
            // List links alone do not change what a frame is.
            if (c.store == Store::Pfn && (c.field == uint8_t(mm::PfnField::Flink) || c.field == uint8_t(mm::PfnField::Blink))) continue;
            touched |= 1u << unsigned(c.store);
        }
    }
    auto any = [&](std::initializer_list<Store> stores) {
        for (Store st : stores)
            if (touched & (1u << unsigned(st))) return true;
        return false;
    };
    if (any({Store::Pfn, Store::ListMove, Store::FrameContent})) ++m_frames_version;
    if (any({Store::Slot, Store::SlotContent, Store::PhysBytes, Store::Pfn, Store::Vad, Store::Space, Store::SpaceCreate}))
        ++m_slots_version;
    const bool tables_changed = any({Store::PhysBytes, Store::FrameContent, Store::Vad, Store::Space, Store::SpaceCreate,
                                     Store::Proto, Store::Pfn, Store::Os, Store::Object});
    m_valid = true;
    m_session = &s;
    m_cursor = s.cursor();
    m_single_event = single_event;
    ++m_generation;

    // The range whose changes are highlighted: the current step so far, or the last event.
    const size_t cursor = s.cursor();
    if (cursor == 0) m_first_event = 0;
    else if (single_event) m_first_event = cursor - 1;
    else m_first_event = s.first_event_of_step(s.current_step());
    m_changes = collect_changes(s, m_first_event, cursor);
    m_touched = sim::touched(s, m_first_event, cursor);
    if (moved_only) return true;  // only the granularity changed
    find_last_access(s);
    if (!tables_changed) return true;
    ++m_tables_version;

    const os::Machine& machine = s.machine();
    const mm::MemoryManager& mmgr = machine.mm();
    const x86::PhysicalMemory& ram = mmgr.ram();

    // Reverse map and page classes, from every live address space's tables.
    std::vector<std::pair<uint32_t, Mapping>> mappings;
    m_slot_owner.clear();
    m_page_classes.assign(mmgr.spaces().size(), {});
    m_region_classes.assign(mmgr.spaces().size(), {});
    for (const mm::AddressSpace& sp : mmgr.spaces()) {
        if (!sp.alive()) continue;
        auto& pages = m_page_classes[sp.id()];
        auto& regions = m_region_classes[sp.id()];
        pages.assign(kPages, uint8_t(PageClass::Free));
        regions.assign(kPages, uint8_t(RegionClass::None));
        for (const mm::Vad* vp : mmgr.regions(sp.id())) {
            const mm::Vad& vad = *vp;
            const uint32_t start = vad.start_vpn;
            const uint32_t end = std::min(vad.end_vpn, kPages);
            // What a zero PTE means in the region (the engine's describe_entry): in a view it asks
            // the VAD, which names each page's prototype PTE; elsewhere it is the same for every page.
            if (vad.type == mm::VadType::Mapped) {
                for (uint32_t v = start; v < end; ++v) pages[v] = uint8_t(classify_pte(0, &vad, mmgr, v));
            } else if (start < end) {
                std::fill(pages.begin() + start, pages.begin() + end, uint8_t(classify_pte(0, &vad, mmgr, start)));
            }
            // (win95's compatibility arena is no VAD of the process: the strip shows the arena there.)
            if (vp != &mm::MemoryManager::compat_arena())
                std::fill(regions.begin() + start, regions.begin() + end, uint8_t(classify_vad(&vad)));
        }
        mappings.push_back({sp.page_directory(), Mapping{Mapping::Kind::Directory, sp.id(), 0, sp.cr3(), sp.cr3()}});
        for (uint32_t d = 0; d < 1024; ++d) {
            const uint32_t pde_pa = sp.cr3() + d * 4;
            const uint32_t pde = ram.read_u32(pde_pa);
            if (!x86::Pte(pde).present()) continue;
            const uint32_t table = x86::Pte(pde).frame();
            if (table >= ram.frame_count()) continue;
            mappings.push_back({table, Mapping{Mapping::Kind::Pde, sp.id(), d << 22, pde_pa, pde}});
            if (table == sp.page_directory()) continue;  // a self-map entry: its "PTEs" are the PDEs
            const uint8_t* words = ram.content(table).data();
            for (uint32_t i = 0; i < 1024; ++i) {
                uint32_t pte;
                std::memcpy(&pte, words + i * 4, 4);
                if (pte == 0) continue;
                const uint32_t vpn = (d << 10) | i;
                const mm::Vad* vad = regions[vpn] == uint8_t(RegionClass::None) && !mmgr.in_compat_arena(sp.id(), vpn << 12)
                                         ? nullptr : mmgr.vad_at(sp.id(), vpn << 12);
                pages[vpn] = uint8_t(classify_pte(pte, vad, mmgr, vpn));
                const auto kind = mm::SoftwarePte::kind(pte);
                if (kind == mm::PteKind::Valid && x86::Pte(pte).frame() < ram.frame_count())
                    mappings.push_back({x86::Pte(pte).frame(), Mapping{Mapping::Kind::Pte, sp.id(), vpn << 12, (table << 12) + i * 4, pte}});
                else if (kind == mm::PteKind::Transition && mm::SoftwarePte::frame(pte) < ram.frame_count())
                    mappings.push_back({mm::SoftwarePte::frame(pte),
                                          Mapping{Mapping::Kind::TransitionPte, sp.id(), vpn << 12, (table << 12) + i * 4, pte}});
                else if (kind == mm::PteKind::Pagefile)
                    m_slot_owner[mm::SoftwarePte::slot(pte)] = {sp.id(), vpn << 12};
            }
        }
    }
    // Prototype PTEs: a valid one maps the frame every process shares for that image page.
    const auto& protos = mmgr.prototypes();
    for (uint32_t i = 0; i < protos.size(); ++i) {
        const uint32_t p = protos[i];
        if (x86::Pte(p).present() && x86::Pte(p).frame() < ram.frame_count())
            mappings.push_back({x86::Pte(p).frame(), Mapping{Mapping::Kind::Prototype, mm::kNoSpace, i, 0, p}});
    }
    // Data sections' prototype PTEs (mapped files, pagefile-backed sections): a valid one maps
    // the frame every view of the section shares. va holds the data prototype index.
    for (const mm::DataSection& ds : mmgr.data_sections()) {
        const auto& dprotos = mmgr.data_prototypes(ds.id);
        for (uint32_t page = 0; page < dprotos.size(); ++page) {
            const uint32_t p = dprotos[page];
            if (x86::Pte(p).present() && x86::Pte(p).frame() < ram.frame_count())
                mappings.push_back({x86::Pte(p).frame(), Mapping{Mapping::Kind::Prototype, mm::kNoSpace, mm::MemoryManager::data_proto_index(ds.id, page), 0, p}});
        }
    }
    std::stable_sort(mappings.begin(), mappings.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    m_map_frames.clear();
    m_mappings.clear();
    for (const auto& [frame, map] : mappings) {
        m_map_frames.push_back(frame);
        m_mappings.push_back(map);
        // A valid or transition page that came back from the pagefile keeps its slot, recorded
        // in the frame's original PTE.
        if (map.kind != Mapping::Kind::Pte && map.kind != Mapping::Kind::TransitionPte) continue;
        const uint32_t sw = mmgr.pfn()[frame].original_pte;
        if (sw && mm::SoftwarePte::kind(sw) == mm::PteKind::Pagefile)
            m_slot_owner.try_emplace(mm::SoftwarePte::slot(sw), map.space, map.va);
    }

    m_frame_counts.fill(0);
    for (uint32_t f = 0; f < mmgr.pfn().size(); ++f) ++m_frame_counts[size_t(classify_frame(mmgr.pfn()[f]))];
    return true;
}

void Derived::find_last_access(const sim::Session& s) {
    // The last access at or before the cursor.
    m_last_access.reset();
    for (size_t e = s.cursor(); e-- > 0;) {
        const core::EventRecord& ev = s.event(e);
        const auto kind = EventKind(ev.kind);
        if (!is_access_event(kind)) continue;
        LastAccess a;
        a.event = e;
        a.space = ev.space;
        a.va = ev.args[0];
        a.kind = kind;
        if (kind == EventKind::PageFault || kind == EventKind::AccessDone) a.access = int(ev.args[2]);
        else if (kind == EventKind::Retry) a.access = int(ev.args[1]);
        else if (kind == EventKind::DebuggerWrite) a.access = 1;
        if (a.space < s.machine().mm().spaces().size()) m_last_access = a;
        break;
    }
}

std::span<const Mapping> Derived::mappers_of(uint32_t frame) const {
    const auto range = std::equal_range(m_map_frames.begin(), m_map_frames.end(), frame);
    const size_t lo = size_t(range.first - m_map_frames.begin());
    return std::span<const Mapping>(m_mappings.data() + lo, size_t(range.second - range.first));
}

const std::vector<uint8_t>& Derived::page_classes(uint16_t space) const {
    static const std::vector<uint8_t> empty;
    return space < m_page_classes.size() ? m_page_classes[space] : empty;
}

const std::vector<uint8_t>& Derived::region_classes(uint16_t space) const {
    static const std::vector<uint8_t> empty;
    return space < m_region_classes.size() ? m_region_classes[space] : empty;
}

std::optional<std::pair<uint16_t, uint32_t>> Derived::slot_owner(uint32_t slot) const {
    auto it = m_slot_owner.find(slot);
    if (it == m_slot_owner.end()) return std::nullopt;
    return it->second;
}

std::string entry_summary(const sim::Session& s, uint32_t entry, bool is_pde) {
    if (is_pde) {
        if (x86::Pte(entry).present())
            return i18n::trf("page table in frame 0x{frame:X}  {flags}", fmt::arg("frame", x86::Pte(entry).frame()), fmt::arg("flags", sim::windbg_flags(entry)));
        return entry == 0 ? std::string(i18n::tr("not present: no page table")) : i18n::trf("not present ({entry:08X})", fmt::arg("entry", entry));
    }
    return sim::pte_summary(s.machine().mm(), entry);
}

}  // namespace pagelab::ui
