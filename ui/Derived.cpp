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

// Adds the changes of events [first_event, end_event) to a set that holds those before them.
void add_changes(ChangeSet& out, const sim::Session& s, size_t first_event, size_t end_event) {
    const auto& changes = s.machine().journal().changes();
    const size_t c0 = s.first_change(first_event), c1 = s.first_change(end_event);
    out.change_count += c1 - c0;
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
    const bool same_session = m_valid && m_session == &s;
    const size_t old_cursor = m_cursor;
    const size_t old_first = m_first_event;
    const bool old_single = m_single_event;
    const Stale stale = find_stale(s);
    m_valid = true;
    m_session = &s;
    m_cursor = s.cursor();
    m_single_event = single_event;
    ++m_generation;
    // The highlighted range grows by the events just applied when the cursor moved forward inside
    // the same step (or stays one event): then only those events' changes are added.
    const bool extend = same_session && !single_event && !old_single && m_cursor > old_cursor && s.cursor() > 0 &&
                        s.first_event_of_step(s.current_step()) == old_first && old_cursor >= old_first;
    update_changes(s, single_event, old_cursor, extend);
    if (moved_only) return true;  // only the granularity changed
    find_last_access(s);
    apply_stale(s, stale);
    return true;
}

void Derived::update_changes(sim::Session& s, bool single_event, size_t old_cursor, bool extend) {
    // The range whose changes are highlighted: the current step so far, or the last event.
    const size_t cursor = s.cursor();
    if (cursor == 0) m_first_event = 0;
    else if (single_event) m_first_event = cursor - 1;
    else m_first_event = s.first_event_of_step(s.current_step());
    if (extend) {
        add_changes(m_changes, s, old_cursor, cursor);
    } else {
        m_changes = ChangeSet{};
        add_changes(m_changes, s, m_first_event, cursor);
    }
    m_touched = sim::touched(s, m_first_event, cursor);
}

Derived::Stale Derived::find_stale(const sim::Session& s) const {
    Stale out;
    if (!m_valid || m_session != &s) {
        out.everything = true;
        out.stores = ~0u;
        return out;
    }
    // Which stores the journal touched between the old cursor and the new one: what did not
    // change between them need not be rebuilt (a step through a million-frame machine touches a
    // handful of frames). The machine stands at the new cursor: a page table written in the range
    // is found by its frame's PFN entry (a table made or freed there also changed its directory).
    const auto& changes = s.machine().journal().changes();
    const mm::MemoryManager& m = s.machine().mm();
    const size_t a = s.first_change(std::min(m_cursor, s.cursor())), b = s.first_change(std::max(m_cursor, s.cursor()));
    if (b - a > std::max<size_t>(200000, m.pfn().size())) {
        out.everything = true;
        out.stores = ~0u;
        return out;
    }
    auto space_of_table = [&](uint32_t frame) {
        if (frame >= m.pfn().size()) return;
        const mm::PfnEntry& e = m.pfn()[frame];
        if (e.use != mm::FrameUse::PageTable && e.use != mm::FrameUse::PageDirectory) return;
        if (e.owner >= m.spaces().size()) out.all_spaces = true;  // a shared (system) table
        else out.spaces.push_back(e.owner);
    };
    for (size_t i = a; i < b; ++i) {
        const core::Change& c = changes[i];
        // List links alone do not change what a frame is.
        if (c.store == Store::Pfn && (c.field == uint8_t(mm::PfnField::Flink) || c.field == uint8_t(mm::PfnField::Blink))) continue;
        out.stores |= 1u << unsigned(c.store);
        switch (c.store) {
            case Store::PhysBytes:
                space_of_table(c.target >> 12);
                if (c.field == 4 && (mm::SoftwarePte::kind(uint32_t(c.before)) == mm::PteKind::Pagefile ||
                                     mm::SoftwarePte::kind(uint32_t(c.after)) == mm::PteKind::Pagefile))
                    out.slot_owners = true;
                break;
            case Store::FrameContent:
                space_of_table(c.target);
                out.slot_owners = true;  // (a page table's content replaced)
                break;
            case Store::Pfn:
                out.pfn_frames.push_back(c.target);
                if (c.field == uint8_t(mm::PfnField::State) || c.field == uint8_t(mm::PfnField::Use) ||
                    c.field == uint8_t(mm::PfnField::Owner)) {
                    out.frame_colours = true;
                    out.colour_frames.push_back(c.target);
                }
                if (c.field == uint8_t(mm::PfnField::OriginalPte)) out.slot_owners = true;
                break;
            case Store::Vad:
                if (c.target >= m.spaces().size()) out.all_spaces = true;  // win95's shared arena
                else out.spaces.push_back(uint16_t(c.target));
                break;
            case Store::Space:
            case Store::SpaceCreate:
            case Store::Section:
            case Store::Proto:
            case Store::Os:
            case Store::Object: out.all_spaces = true; break;
            default: break;
        }
        find_stale_slots(s, c, out);
    }
    return out;
}

// The slots whose use or owner one change can alter (the slot map colours a slot by its use and
// the process whose PTE names it: build_mappings): the slot a pagefile PTE names before or after,
// the slot in the original PTE of a frame a valid or transition PTE maps, a frame's original PTE
// before and after, a slot taken or freed. A page table or directory rewritten whole, a table
// made or freed, a PDE or an address space changed can change any slot: unknown.
void Derived::find_stale_slots(const sim::Session& s, const core::Change& c, Stale& out) const {
    if (out.slots_unknown) return;
    const mm::MemoryManager& m = s.machine().mm();
    auto is_table = [&](uint32_t use) {
        return use == uint32_t(mm::FrameUse::PageTable) || use == uint32_t(mm::FrameUse::PageDirectory);
    };
    auto named = [&](uint32_t w) {
        const mm::PteKind kind = mm::SoftwarePte::kind(w);
        if (kind == mm::PteKind::Pagefile) out.slots.push_back(mm::SoftwarePte::slot(w));
        if (kind != mm::PteKind::Valid && kind != mm::PteKind::Transition) return;
        const uint32_t frame = kind == mm::PteKind::Valid ? x86::Pte(w).frame() : mm::SoftwarePte::frame(w);
        const uint32_t sw = frame < m.pfn().size() ? m.pfn()[frame].original_pte : 0;
        if (sw && mm::SoftwarePte::kind(sw) == mm::PteKind::Pagefile) out.slots.push_back(mm::SoftwarePte::slot(sw));
    };
    switch (c.store) {
        case Store::PhysBytes:
            if (m.pfn()[c.target >> 12].use == mm::FrameUse::PageDirectory || (c.field != 4 && is_table(uint32_t(m.pfn()[c.target >> 12].use))))
                out.slots_unknown = true;
            else if (c.field == 4) {
                named(uint32_t(c.before));
                named(uint32_t(c.after));
            }
            break;
        case Store::FrameContent: out.slots_unknown |= is_table(uint32_t(m.pfn()[c.target].use)); break;
        case Store::Pfn:
            if (c.field == uint8_t(mm::PfnField::Use)) out.slots_unknown |= is_table(uint32_t(c.before)) || is_table(uint32_t(c.after));
            if (c.field != uint8_t(mm::PfnField::OriginalPte)) break;
            for (uint32_t w : {uint32_t(c.before), uint32_t(c.after)})
                if (w && mm::SoftwarePte::kind(w) == mm::PteKind::Pagefile) out.slots.push_back(mm::SoftwarePte::slot(w));
            break;
        case Store::Slot:
        case Store::SlotContent: out.slots.push_back(c.target); break;
        case Store::Space:
        case Store::SpaceCreate: out.slots_unknown = true; break;
        default: break;
    }
}

namespace {
// A new version of a map's texels, with the cells that changed since the last one when known.
void bump(uint64_t& version, MapDelta& delta, bool unknown, const std::vector<uint32_t>& cells) {
    delta.from = version++;
    delta.known = !unknown;
    delta.cells.clear();
    if (unknown) return;
    delta.cells = cells;
    std::sort(delta.cells.begin(), delta.cells.end());
    delta.cells.erase(std::unique(delta.cells.begin(), delta.cells.end()), delta.cells.end());
}
}  // namespace

void Derived::apply_stale(const sim::Session& s, const Stale& stale) {
    auto any = [&](std::initializer_list<Store> stores) {
        for (Store st : stores)
            if (stale.stores & (1u << unsigned(st))) return true;
        return false;
    };
    // The frame map colours a frame by its state, use and owner (ui/panels/PhysicalPanel.cpp).
    if (stale.everything || stale.frame_colours) bump(m_frames_version, m_frames_delta, stale.everything, stale.colour_frames);
    // The slot map shows each slot's use and owner: the PTE (or the frame's original PTE) naming
    // it. A move whose changes name no slot (a data page zero-filled) leaves it as it is.
    const bool slots_known = !stale.everything && !stale.slots_unknown;
    if ((stale.everything || stale.slot_owners || any({Store::Slot, Store::SlotContent, Store::Space, Store::SpaceCreate})) &&
        !(slots_known && stale.slots.empty()))
        bump(m_slots_version, m_slots_delta, !slots_known, stale.slots);
    const mm::MemoryManager& m = s.machine().mm();
    count_frames(m, stale);
    if (any({Store::PhysBytes, Store::FrameContent, Store::Space, Store::SpaceCreate, Store::Section, Store::Proto, Store::Pfn,
             Store::Os, Store::Object}))
        m_mappings_stale = true;
    const size_t spaces = m.spaces().size();
    if (stale.everything || m_space_stale.size() != spaces) {
        m_space_stale.assign(spaces, 1);
        m_page_classes.resize(spaces);
        m_region_classes.resize(spaces);
    } else if (stale.all_spaces) {
        std::fill(m_space_stale.begin(), m_space_stale.end(), uint8_t(1));
    } else {
        for (uint16_t sp : stale.spaces) m_space_stale[sp] = 1;
    }
    if (stale.everything || stale.all_spaces || !stale.spaces.empty() || m_mappings_stale) ++m_tables_version;
}

// The physical map's legend counts: kept per frame, so a move reclassifies only the frames whose
// PFN entry it changed.
void Derived::count_frames(const mm::MemoryManager& m, const Stale& stale) {
    const uint32_t n = m.pfn().size();
    if (stale.everything || m_frame_class.size() != n) {
        m_frame_class.resize(n);
        m_frame_counts.fill(0);
        for (uint32_t f = 0; f < n; ++f) {
            const auto c = uint8_t(classify_frame(m.pfn()[f]));
            m_frame_class[f] = c;
            ++m_frame_counts[c];
        }
        return;
    }
    for (uint32_t f : stale.pfn_frames) {
        if (f >= n) continue;
        const auto c = uint8_t(classify_frame(m.pfn()[f]));
        --m_frame_counts[m_frame_class[f]];
        ++m_frame_counts[c];
        m_frame_class[f] = c;
    }
}

// Every page's class and region class in one address space, from its VADs and page tables.
void Derived::build_space(uint16_t space) const {
    const mm::MemoryManager& mmgr = m_session->machine().mm();
    const x86::PhysicalMemory& ram = mmgr.ram();
    m_space_stale[space] = 0;
    auto& pages = m_page_classes[space];
    auto& regions = m_region_classes[space];
    const mm::AddressSpace& sp = mmgr.space(space);
    if (!sp.alive()) {
        pages = {};
        regions = {};
        return;
    }
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
    for (uint32_t d = 0; d < 1024; ++d) {
        const uint32_t pde = ram.read_u32(sp.cr3() + d * 4);
        if (!x86::Pte(pde).present()) continue;
        const uint32_t table = x86::Pte(pde).frame();
        if (table >= ram.frame_count() || table == sp.page_directory()) continue;  // (the self-map's "PTEs" are PDEs)
        const uint8_t* words = ram.content(table).data();
        for (uint32_t i = 0; i < 1024; ++i) {
            uint32_t pte;
            std::memcpy(&pte, words + i * 4, 4);
            if (pte == 0) continue;
            const uint32_t vpn = (d << 10) | i;
            const mm::Vad* vad = regions[vpn] == uint8_t(RegionClass::None) && !mmgr.in_compat_arena(sp.id(), vpn << 12)
                                     ? nullptr : mmgr.vad_at(sp.id(), vpn << 12);
            pages[vpn] = uint8_t(classify_pte(pte, vad, mmgr, vpn));
        }
    }
}

namespace {
// The mappings one address space's page tables make: its directory, its tables, its valid and
// transition PTEs; the pagefile slots its PTEs name.
void add_space_mappings(const mm::MemoryManager& mmgr, const mm::AddressSpace& sp, std::vector<std::pair<uint32_t, Mapping>>& mappings,
                        std::map<uint32_t, std::pair<uint16_t, uint32_t>>& slot_owner) {
    const x86::PhysicalMemory& ram = mmgr.ram();
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
            const uint32_t va = ((d << 10) | i) << 12;
            const auto kind = mm::SoftwarePte::kind(pte);
            if (kind == mm::PteKind::Valid && x86::Pte(pte).frame() < ram.frame_count())
                mappings.push_back({x86::Pte(pte).frame(), Mapping{Mapping::Kind::Pte, sp.id(), va, (table << 12) + i * 4, pte}});
            else if (kind == mm::PteKind::Transition && mm::SoftwarePte::frame(pte) < ram.frame_count())
                mappings.push_back({mm::SoftwarePte::frame(pte), Mapping{Mapping::Kind::TransitionPte, sp.id(), va, (table << 12) + i * 4, pte}});
            else if (kind == mm::PteKind::Pagefile)
                slot_owner[mm::SoftwarePte::slot(pte)] = {sp.id(), va};
        }
    }
}

// Prototype PTEs: a valid one maps the frame every process shares for that image page; a data
// section's (mapped files, pagefile-backed sections) the frame every view of it shares — there va
// holds the data prototype index.
void add_prototype_mappings(const mm::MemoryManager& mmgr, std::vector<std::pair<uint32_t, Mapping>>& mappings) {
    const uint32_t frames = mmgr.ram().frame_count();
    const auto& protos = mmgr.prototypes();
    for (uint32_t i = 0; i < protos.size(); ++i) {
        const uint32_t p = protos[i];
        if (x86::Pte(p).present() && x86::Pte(p).frame() < frames)
            mappings.push_back({x86::Pte(p).frame(), Mapping{Mapping::Kind::Prototype, mm::kNoSpace, i, 0, p}});
    }
    for (const mm::DataSection& ds : mmgr.data_sections()) {
        const auto& dprotos = mmgr.data_prototypes(ds.id);
        for (uint32_t page = 0; page < dprotos.size(); ++page) {
            const uint32_t p = dprotos[page];
            if (x86::Pte(p).present() && x86::Pte(p).frame() < frames)
                mappings.push_back({x86::Pte(p).frame(), Mapping{Mapping::Kind::Prototype, mm::kNoSpace, mm::MemoryManager::data_proto_index(ds.id, page), 0, p}});
        }
    }
}
}  // namespace

// The reverse map (who maps each frame) and the pagefile slots' owners, from every live address
// space's tables and the sections' prototype PTEs.
void Derived::build_mappings() const {
    if (!m_mappings_stale || !m_session) return;
    m_mappings_stale = false;
    const mm::MemoryManager& mmgr = m_session->machine().mm();
    std::vector<std::pair<uint32_t, Mapping>> mappings;
    mappings.reserve(m_mappings.size() + 64);
    m_slot_owner.clear();
    for (const mm::AddressSpace& sp : mmgr.spaces())
        if (sp.alive()) add_space_mappings(mmgr, sp, mappings, m_slot_owner);
    add_prototype_mappings(mmgr, mappings);
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
    build_mappings();
    const auto range = std::equal_range(m_map_frames.begin(), m_map_frames.end(), frame);
    const size_t lo = size_t(range.first - m_map_frames.begin());
    return std::span<const Mapping>(m_mappings.data() + lo, size_t(range.second - range.first));
}

const std::vector<uint8_t>& Derived::page_classes(uint16_t space) const {
    static const std::vector<uint8_t> empty;
    if (space >= m_page_classes.size()) return empty;
    if (m_space_stale[space]) build_space(space);
    return m_page_classes[space];
}

const std::vector<uint8_t>& Derived::region_classes(uint16_t space) const {
    static const std::vector<uint8_t> empty;
    if (space >= m_region_classes.size()) return empty;
    if (m_space_stale[space]) build_space(space);
    return m_region_classes[space];
}

std::optional<std::pair<uint16_t, uint32_t>> Derived::slot_owner(uint32_t slot) const {
    build_mappings();
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
