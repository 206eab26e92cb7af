#include "sim/Touched.h"

#include <algorithm>

#include "mm/Section.h"

namespace pagelab::sim {

using core::Store;
using mm::EventKind;

namespace {

// The address an event is about, in its arguments (mm/Events.h), if it has one.
struct EventAddress {
    uint32_t va;
    bool access;  // an access or its fault, not a page the memory manager handles on its own
};
std::optional<EventAddress> event_address(const core::EventRecord& ev) {
    const auto& a = ev.args;
    switch (EventKind(ev.kind)) {
        case EventKind::AccessDone:
        case EventKind::PageFault:
        case EventKind::AccessViolation:
        case EventKind::GuardPage:
        case EventKind::DebuggerWrite:
        case EventKind::Retry:
        case EventKind::InterlockedAdd: return EventAddress{a[0], true};
        case EventKind::VictimChosen:
            if (a[3] != mm::kVictimMapped) return std::nullopt;  // a section's page no process maps: a0 is no address
            return EventAddress{a[0], false};
        case EventKind::PageTableCreated:
        case EventKind::PageTableFreed:
        case EventKind::DemandZero:
        case EventKind::PagefileRead:
        case EventKind::SoftFault:
        case EventKind::PageMapped:
        case EventKind::SecondChance:
        case EventKind::PagefileWrite:
        case EventKind::PageDropped:
        case EventKind::PageTrimmed:
        case EventKind::PageRepurposed:
        case EventKind::ModifiedWritten:
        case EventKind::ImageRead:
        case EventKind::PrototypeSoftFault:
        case EventKind::CopyOnWrite:
        case EventKind::Relocated:
        case EventKind::FilePageRead:
        case EventKind::SectionPageCommitted:
        case EventKind::DirtyBitSet:
        case EventKind::BadEntry:
        case EventKind::SharedTableCreated:
        case EventKind::SharedTableFreed:
        // Regions: their base.
        case EventKind::Reserved:
        case EventKind::Committed:
        case EventKind::Decommitted:
        case EventKind::Released:
        case EventKind::Protected:
        case EventKind::ImageMapped:
        case EventKind::ImageUnmapped:
        case EventKind::ViewMapped:
        case EventKind::ViewUnmapped:
        case EventKind::ViewFlushed:
        case EventKind::LoaderStack:
        case EventKind::LoaderStart:
        case EventKind::SharedRegionJoined:
        case EventKind::SharedRegionLeft:
        case EventKind::SharedViewReturned:
        case EventKind::MemReset:
        case EventKind::WriteWatched:
        case EventKind::WriteWatchReset:
        case EventKind::PagesLocked:
        case EventKind::PagesUnlocked:
        case EventKind::UnlockNotLocked:
        case EventKind::LockDropped:
        case EventKind::LockIgnored:
        case EventKind::LockQuota: return EventAddress{a[0], false};
        case EventKind::LoaderNotAtBase: return EventAddress{a[2], false};
        case EventKind::UnmapInsideView: return EventAddress{a[1], false};
        default: return std::nullopt;
    }
}

template <class T>
void add_once(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

const TouchedEntry* find_entry(const std::vector<TouchedEntry>& entries, bool pde, bool first) {
    const TouchedEntry* found = nullptr;
    for (const TouchedEntry& e : entries)
        if (e.is_pde() == pde) {
            found = &e;
            if (first) break;
        }
    return found;
}

}  // namespace

std::optional<EntryLocation> locate_entry(const mm::MemoryManager& m, uint32_t pa) {
    const uint32_t frame = pa >> 12;
    if (frame >= m.pfn().size()) return std::nullopt;
    const mm::PfnEntry& e = m.pfn()[frame];
    const uint32_t index = (pa & 0xFFF) / 4;
    if (e.use == mm::FrameUse::PageDirectory) return EntryLocation{EntryLocation::Kind::Pde, e.owner, index << 22};
    if (e.use != mm::FrameUse::PageTable) return std::nullopt;
    // A win95 shared page table (shared arena, or the compatibility arena below 4 MB): one PTE
    // for every process.
    if (m.shared_table((e.pte_address() & 0xFFF) / 4) == frame) return EntryLocation{EntryLocation::Kind::SharedPte, mm::kNoSpace, m.va_of_pte(pa)};
    if (e.owner == mm::kNoSpace) {
        // The system page table shared by every directory (kernel / win95 system arena).
        const uint32_t base = m.config().personality == mm::Personality::Win95 ? 0xC0000000u : 0x80000000u;
        return EntryLocation{EntryLocation::Kind::SystemPte, mm::kNoSpace, base + index * 4096};
    }
    return EntryLocation{EntryLocation::Kind::Pte, e.owner, m.va_of_pte(pa)};
}

const TouchedEntry* Touched::pte(bool first) const { return find_entry(entries, false, first); }
const TouchedEntry* Touched::pde(bool first) const { return find_entry(entries, true, first); }

Touched touched(Session& s, size_t first, size_t end) {
    Touched t;
    const mm::MemoryManager& m = s.machine().mm();
    end = std::min(end, s.event_count());
    size_t event = first;
    s.visit(
        first, end,
        [&](size_t e) {
            event = e;
            const core::EventRecord& ev = s.event(e);
            if (EventKind(ev.kind) == EventKind::Operation) return;
            t.space = ev.space;
            if (const auto a = event_address(ev)) {
                t.va = a->va;
                t.va_space = ev.space;
                t.va_is_access = a->access;
                t.va_event = e;
            }
            if (EventKind(ev.kind) == EventKind::Cr3Loaded) t.tlb.flushed = t.tlb.flushed || !m.tlb().empty();
        },
        [&](const core::Change& c) {
            switch (c.store) {
                case Store::PhysBytes:
                    if (c.field == 4 && (c.target & 3u) == 0) {
                        if (const auto where = locate_entry(m, c.target)) {
                            auto it = std::find_if(t.entries.begin(), t.entries.end(), [&](const TouchedEntry& x) { return x.pa == c.target; });
                            if (it == t.entries.end()) t.entries.push_back(TouchedEntry{*where, c.target, c.before, c.after, event});
                            else it->after = c.after;
                            break;
                        }
                    }
                    add_once(t.frames, c.target >> 12);
                    break;
                case Store::FrameContent: add_once(t.frames, c.target); break;
                case Store::Pfn:
                    // List links move when a neighbour joins or leaves a list: not news about this frame.
                    if (c.field != uint8_t(mm::PfnField::Flink) && c.field != uint8_t(mm::PfnField::Blink)) add_once(t.frames, c.target);
                    break;
                case Store::Slot:
                case Store::SlotContent: add_once(t.slots, c.target); break;
                case Store::Vad: {
                    const uint64_t blob = c.after != core::kNoBlob ? c.after : c.before;
                    if (blob != core::kNoBlob) add_once(t.regions, {uint16_t(c.target), m.vad_blob(blob).base()});
                    break;
                }
                case Store::Proto: add_once(t.prototypes, c.target); break;
                case Store::Cpu:
                    if (c.field == 1 && c.after != mm::kNoSpace) t.switched_to = uint16_t(c.after);
                    break;
                case Store::Counter:
                    if (c.target == uint32_t(mm::Counter::TlbHits)) t.tlb.lookup = TlbTouch::Lookup::Hit;
                    else if (c.target == uint32_t(mm::Counter::TlbMisses)) t.tlb.lookup = TlbTouch::Lookup::Miss;
                    break;
                case Store::Tlb:
                    if (c.field == 0) {
                        const x86::TlbEntry before = x86::TlbEntry::unpack(c.before), after = x86::TlbEntry::unpack(c.after);
                        if (after.valid) add_once(t.tlb.filled, c.target);
                        else if (before.valid && EventKind(s.event(event).kind) != EventKind::Cr3Loaded) add_once(t.tlb.invalidated, before.vpn);
                    }
                    break;
                case Store::Object:
                    switch (mm::ObjectField(c.field)) {
                        case mm::ObjectField::FileCreate:
                        case mm::ObjectField::FileSize: add_once(t.files, c.target); break;
                        case mm::ObjectField::FilePage: add_once(t.files, c.target >> 20); break;  // (file << 20) | page
                        case mm::ObjectField::Handle: add_once(t.handles, {uint16_t(c.target), uint32_t(c.aux) * 4}); break;
                        case mm::ObjectField::Mapping: add_once(t.mappings, c.target); break;
                        case mm::ObjectField::DataSection: add_once(t.data_sections, c.target); break;
                    }
                    break;
                default: break;
            }
        });
    return t;
}

}  // namespace pagelab::sim
