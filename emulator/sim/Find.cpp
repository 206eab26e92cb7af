#include "sim/Find.h"
#include "i18n/I18n.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "sim/Report.h"
#include "sim/Session.h"

namespace pagelab::sim {

using namespace fmt::literals;

using mm::EventKind;
using mm::SoftwarePte;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(uint8_t(c)));
    return out;
}
std::string trim(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(uint8_t(s[a]))) ++a;
    while (b > a && std::isspace(uint8_t(s[b - 1]))) --b;
    return std::string(s.substr(a, b - a));
}
// Hex digits with an optional 0x; nothing else (a 32-bit value).
std::optional<uint32_t> parse_hex(std::string_view s) {
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
    if (s.empty() || s.size() > 8) return std::nullopt;
    uint32_t v = 0;
    for (char c : s) {
        if (!std::isxdigit(uint8_t(c))) return std::nullopt;
        v = v * 16 + uint32_t(std::isdigit(uint8_t(c)) ? c - '0' : std::tolower(uint8_t(c)) - 'a' + 10);
    }
    return v;
}
// Decimal, or hex with 0x.
std::optional<uint32_t> parse_decimal_or_hex(std::string_view s) {
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return parse_hex(s);
    if (s.empty() || s.size() > 10) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (!std::isdigit(uint8_t(c))) return std::nullopt;
        v = v * 10 + uint64_t(c - '0');
    }
    if (v > 0xFFFFFFFFu) return std::nullopt;
    return uint32_t(v);
}

// The processes a name could mean at any moment of the run: those that exist now, and those the
// scenario's create_process steps bind.
bool is_process_name(const Session& s, const std::string& name) {
    if (s.machine().find_process(name)) return true;
    for (const Step& st : s.scenario().steps)
        if (st.op == Op::CreateProcess)
            if (const Arg* as = st.arg("as"); as && as->text == name) return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Go to

const std::map<std::string, uint64_t>* bindings_at(const Session& s, size_t cursor) {
    // The number of steps whose events are all applied (first_event_of_step is increasing).
    size_t lo = 0, hi = s.step_count();
    while (lo < hi) {
        const size_t mid = (lo + hi + 1) / 2;
        if (s.first_event_of_step(mid) <= cursor) lo = mid;
        else hi = mid - 1;
    }
    if (lo == 0) return nullptr;
    return s.result(lo - 1).bindings.get();
}

std::variant<GotoTarget, std::string> parse_goto(const Session& s, std::string_view text_in, size_t cursor) {
    const std::string text = trim(text_in);
    const std::string low = lower(text);
    GotoTarget t;
    auto keyword = [&](std::string_view kw) -> std::optional<std::string> {
        if (low.rfind(kw, 0) == 0 && low.size() > kw.size() && (std::isspace(uint8_t(low[kw.size()])) || low[kw.size()] == ':'))
            return trim(std::string_view(text).substr(kw.size() + 1));
        return std::nullopt;
    };
    const auto& mmgr = s.machine().mm();
    if (auto rest = keyword("pfn") ? keyword("pfn") : keyword("frame")) {
        const auto f = parse_hex(*rest);
        if (!f) return i18n::trf("{text}: a frame number is hex (pfn 0x12 or pfn 12)", "text"_a = text);
        if (*f >= mmgr.config().frames)
            return i18n::trfn("{text}: the machine has {count} frame (0x0-0x{last:X})", "{text}: the machine has {count} frames (0x0-0x{last:X})",
                              mmgr.config().frames, "text"_a = text, "count"_a = mmgr.config().frames, "last"_a = mmgr.config().frames - 1);
        t.kind = TargetKind::Frame;
        t.value = *f;
        return t;
    }
    if (auto rest = keyword("slot")) {
        const auto n = parse_decimal_or_hex(*rest);
        if (!n) return i18n::trf("{text}: a slot number is decimal (slot 3) or 0x-hex", "text"_a = text);
        if (*n == 0 || *n > mmgr.pagefile().capacity())
            return mmgr.pagefile().capacity() == 0 ? i18n::trf("{text}: the machine has no pagefile", "text"_a = text)
                                                   : i18n::trf("{text}: the pagefile's slots are 1 to {last}", "text"_a = text,
                                                               "last"_a = mmgr.pagefile().capacity());
        t.kind = TargetKind::Slot;
        t.value = *n;
        return t;
    }
    std::string addr = text;
    if (const size_t colon = text.find(':'); colon != std::string::npos) {
        const std::string proc = trim(std::string_view(text).substr(0, colon));
        if (!is_process_name(s, proc)) return i18n::trf("{text}: '{process}' is not a process of this scenario", "text"_a = text, "process"_a = proc);
        t.process = proc;
        addr = trim(std::string_view(text).substr(colon + 1));
    }
    const std::string bad = i18n::trf("{text}: not a hex address, a name the scenario binds (buf, buf+0x1000), pfn N or slot N", "text"_a = text);
    if (addr.empty()) return bad;
    // A bound name (+offset) first: a name made of hex letters ("beef") is still the name.
    if (const auto expr = parse_address(addr); expr && !expr->name.empty()) {
        std::optional<uint64_t> base;
        if (const auto* b = bindings_at(s, cursor); b && b->count(expr->name)) base = b->at(expr->name);
        if (!base) {
            for (size_t i = 0; i < s.step_count() && !base; ++i) {
                const auto& b = *s.result(i).bindings;
                if (auto it = b.find(expr->name); it != b.end()) {
                    base = it->second;
                    t.note = s.first_event_of_step(i + 1) > cursor
                                 ? i18n::trf("{name} is bound by step {step}, later than this moment", "name"_a = expr->name, "step"_a = i + 1)
                                 : i18n::trf("{name} is bound by step {step}, at this moment", "name"_a = expr->name, "step"_a = i + 1);
                }
            }
        }
        if (base) {
            const int64_t v = int64_t(*base) + expr->offset;
            if (v < 0 || v > 0xFFFFFFFFll) return i18n::trf("{text}: the address is outside 32 bits", "text"_a = text);
            t.value = uint32_t(v);
            return t;
        }
        if (!parse_hex(addr)) return bad;
    }
    if (const auto v = parse_hex(addr)) {
        t.value = *v;
        return t;
    }
    return bad;
}

namespace {

// Every listed, non-zero PTE of the live address spaces and the shared tables: f(space, va, pte)
// (space kNoSpace for a win95 shared table), and every present PDE: g(space, idx, pde).
template <class F, class G>
void for_each_entry(const os::Machine& m, F&& f, G&& g) {
    const auto& mmgr = m.mm();
    const mm::Layout& lay = mm::layout_of(mmgr.config().personality);
    const uint32_t limit = lay.shared_begin ? lay.shared_end >> 22 : uint32_t((uint64_t(lay.user_end) + 0x3FFFFF) >> 22);
    auto shared = [&](uint32_t idx) { return lay.shared_begin && mmgr.shared_table(idx) != mm::kNoFrame; };
    for (const auto& sp : mmgr.spaces()) {
        if (!sp.alive()) continue;
        for (uint32_t idx = 0; idx < limit; ++idx) {
            const uint32_t pde = mmgr.ram().read_u32(sp.cr3() + idx * 4);
            if (!(pde & 1) || !mmgr.frame_exists(pde >> 12)) continue;
            g(sp.id(), idx, pde);
            if (shared(idx) && mmgr.shared_table(idx) == (pde >> 12)) continue;
            for (uint32_t i = 0; i < 1024; ++i)
                if (const uint32_t pte = mmgr.ram().read_u32((pde & ~0xFFFu) + i * 4)) f(sp.id(), (idx << 22) | (i << 12), pte);
        }
    }
    if (lay.shared_begin)
        for (uint32_t idx = 0; idx < limit; ++idx) {
            const uint32_t t = mmgr.shared_table(idx);
            if (t == mm::kNoFrame) continue;
            for (uint32_t i = 0; i < 1024; ++i)
                if (const uint32_t pte = mmgr.ram().read_u32((t << 12) + i * 4)) f(mm::kNoSpace, (idx << 22) | (i << 12), pte);
        }
}

FrameFacts facts_now(const mm::MemoryManager& mmgr, uint32_t f) {
    const mm::PfnEntry& e = mmgr.pfn()[f];
    return FrameFacts{e.state, e.use, e.owner, e.share_count, e.backlink_word(), e.original_pte, (e.flags & mm::PfnEntry::kModified) != 0};
}

FrameAt frame_at(const os::Machine& m, uint32_t frame) {
    FrameAt out;
    out.frame = frame;
    out.facts = facts_now(m.mm(), frame);
    for_each_entry(
        m,
        [&](uint16_t space, uint32_t va, uint32_t pte) {
            const auto k = SoftwarePte::kind(pte);
            if ((k == mm::PteKind::Valid || k == mm::PteKind::Transition) && (pte >> 12) == frame) out.mapped_by.push_back({space, va});
        },
        [&](uint16_t space, uint32_t idx, uint32_t pde) {
            if ((pde >> 12) == frame) out.mapped_by.push_back({space, idx << 22});
        });
    return out;
}

std::string where_text(const Session& s, uint16_t space, uint32_t va) {
    return fmt::format("{} {:08X}", space_label(s, space), va);
}

}  // namespace

Located resolve_location(const Session& s, const GotoTarget& target) {
    const os::Machine& m = s.machine();
    const auto& mmgr = m.mm();
    Located out;
    out.target = target;
    if (target.kind == TargetKind::Frame) {
        out.frame = frame_at(m, target.value);
        const FrameFacts& f = out.frame->facts;
        out.summary = fmt::format("frame 0x{:X}: {} {}", target.value, mm::frame_state_name(f.state), mm::frame_use_name(f.use));
        if (f.owner != 0xFFFF) out.summary += i18n::trf(" of {process}", "process"_a = m.space_name(f.owner));
        for (const auto& [sp, va] : out.frame->mapped_by) out.summary += i18n::trf(", mapped at {where}", "where"_a = where_text(s, sp, va));
        return out;
    }
    if (target.kind == TargetKind::Slot) {
        SlotAt slot;
        slot.slot = target.value;
        slot.in_use = mmgr.pagefile().in_use(target.value);
        auto check = [&](uint16_t space, uint32_t va, uint32_t sw) {
            if (SoftwarePte::kind(sw) == mm::PteKind::Pagefile && SoftwarePte::slot(sw) == target.value) slot.pages.push_back({space, va});
        };
        for_each_entry(
            m,
            [&](uint16_t space, uint32_t va, uint32_t pte) {
                const auto k = SoftwarePte::kind(pte);
                if (k == mm::PteKind::Valid && mmgr.frame_exists(pte >> 12)) check(space, va, mmgr.pfn()[pte >> 12].original_pte);
                else if (k == mm::PteKind::Transition && mmgr.frame_exists(pte >> 12)) check(space, va, mmgr.pfn()[pte >> 12].original_pte);
                else check(space, va, pte);
            },
            [](uint16_t, uint32_t, uint32_t) {});
        out.slot = slot;
        out.summary = i18n::trf("pagefile slot {slot}: {state}", "slot"_a = target.value, "state"_a = slot.in_use ? i18n::tr("in use") : i18n::tr("free"));
        for (const auto& [sp, va] : slot.pages) out.summary += i18n::trf(", holds {where}", "where"_a = where_text(s, sp, va));
        return out;
    }
    for (const os::Process& p : m.processes()) {
        if (p.space == mm::kNoSpace || !mmgr.space(p.space).alive()) continue;
        if (target.process && p.name != *target.process) continue;
        AddressAt a;
        a.space = p.space;
        a.process = p.name;
        a.region_known = mmgr.virtual_query(p.space, target.value, a.region).ok;
        a.pte = mmgr.pte_info(p.space, target.value);
        a.pte_text = a.pte.table_present ? pte_summary(mmgr, a.pte.pte) : std::string(i18n::tr("no page table"));
        a.frame = resident_frame(m, p.space, target.value);
        uint32_t sw = a.pte.table_present ? a.pte.pte : 0;
        if (a.frame) sw = mmgr.pfn()[*a.frame].original_pte;
        if (SoftwarePte::kind(sw) == mm::PteKind::Pagefile) a.slot = SoftwarePte::slot(sw);
        out.addresses.push_back(a);
    }
    for (const AddressAt& a : out.addresses)
        if (a.frame) {
            out.frame = frame_at(m, *a.frame);
            break;
        }
    std::string text;
    for (const AddressAt& a : out.addresses) {
        if (!text.empty()) text += "; ";
        text += fmt::format("{}: {:08X}", a.process, target.value);
        if (a.region_known) {
            const auto& q = a.region;
            text += q.state == mm::mem::kFree ? " free" : fmt::format(" {} {}", q.state == mm::mem::kCommit ? "commit" : "reserve", mm::protection_name(q.protect));
        }
        text += ", PTE " + a.pte_text;
    }
    if (out.addresses.empty()) text = i18n::trf("{va:08X}: no process has an address space now", "va"_a = target.value);
    if (!target.note.empty()) text += " (" + target.note + ")";
    out.summary = text;
    return out;
}

// ---------------------------------------------------------------------------------------------
// What an event touched

namespace {

// What an event's arguments name, by kind: a dispatcher (each event kind's arguments are listed
// with its sentence in mm/Events.cpp).
void touches_of_args(const core::EventRecord& ev, EventTouches& t) {
    const auto& a = ev.args;
    auto page = [&](uint32_t va) { t.ranges.push_back({va & ~0xFFFull, (va & ~0xFFFull) + 0x1000}); };
    auto range = [&](uint32_t base, uint32_t size) {
        if (size) t.ranges.push_back({base, uint64_t(base) + size});
    };
    auto frame = [&](uint32_t f) { t.frames.insert(f); };
    auto slot = [&](uint32_t sl) {
        if (sl) t.slots.insert(sl);
    };
    switch (EventKind(ev.kind)) {
        case EventKind::SpaceCreated:
        case EventKind::SpaceDeleted:
        case EventKind::Cr3Loaded:
        case EventKind::FrameTaken:
        case EventKind::FrameZeroed:
        case EventKind::FilePageWritten: frame(a[0]); break;
        case EventKind::PageFault:
        case EventKind::AccessViolation:
        case EventKind::GuardPage:
        case EventKind::OutOfMemory:
        case EventKind::Retry:
        case EventKind::LoaderStart:
        case EventKind::SectionPageCommitted:
        case EventKind::InterlockedAdd:
        case EventKind::WriteWatched:
        case EventKind::LockDropped:
        case EventKind::BadEntry: page(a[0]); break;
        case EventKind::AccessDone: range(a[0], std::max<uint32_t>(a[3], 1)); break;
        case EventKind::PageTableCreated:
        case EventKind::PageTableFreed:
        case EventKind::SharedTableCreated:
        case EventKind::SharedTableFreed:
            range(a[0] & ~0x3FFFFFu, 0x400000);
            frame(a[1]);
            break;
        case EventKind::DemandZero:
        case EventKind::SoftFault:
        case EventKind::PageMapped:
        case EventKind::SecondChance:
        case EventKind::PageTrimmed:
        case EventKind::PageRepurposed:
        case EventKind::ImageRead:
        case EventKind::PrototypeSoftFault:
        case EventKind::Relocated:
        case EventKind::FilePageRead:
            page(a[0]);
            frame(a[1]);
            break;
        case EventKind::PagefileRead:
        case EventKind::PagefileWrite:
        case EventKind::PageDropped:
        case EventKind::ModifiedWritten:
        case EventKind::DirtyBitSet:
            page(a[0]);
            frame(a[1]);
            slot(a[2]);
            break;
        case EventKind::VictimChosen:
            if ((a[3] & 3) == mm::kVictimMapped) page(a[0]);
            frame(a[1]);
            break;
        case EventKind::CopyOnWrite:
            page(a[0]);
            frame(a[1]);
            frame(a[2]);
            break;
        case EventKind::ImagePageDropped:
        case EventKind::DataPageDropped:
            frame(a[1]);
            slot(a[2]);
            break;
        case EventKind::Reserved:
        case EventKind::Committed:
        case EventKind::Decommitted:
        case EventKind::Released:
        case EventKind::Protected:
        case EventKind::ImageMapped:
        case EventKind::ImageUnmapped:
        case EventKind::LoaderStack:
        case EventKind::ViewMapped:
        case EventKind::ViewUnmapped:
        case EventKind::ViewFlushed:
        case EventKind::SharedRegionJoined:
        case EventKind::SharedRegionLeft:
        case EventKind::SharedViewReturned:
        case EventKind::MemReset:
        case EventKind::WriteWatchReset:
        case EventKind::PagesLocked:
        case EventKind::PagesUnlocked:
        case EventKind::UnlockNotLocked:
        case EventKind::LockIgnored: range(a[0], a[1]); break;
        case EventKind::UnmapInsideView: range(a[1], a[2]); break;
        case EventKind::DebuggerWrite:
            page(a[0]);
            frame(a[1] >> 12);
            break;
        default: break;
    }
}

}  // namespace

EventTouches event_touches(const Session& s, size_t e) {
    EventTouches t;
    t.space = s.event(e).space;
    touches_of_args(s.event(e), t);
    // The frames and slots its changes touch.
    auto frame = [&](uint32_t f) { t.frames.insert(f); };
    auto slot = [&](uint32_t sl) {
        if (sl) t.slots.insert(sl);
    };
    const auto& changes = s.machine().journal().changes();
    for (size_t c = s.first_change(e); c < s.first_change(e + 1); ++c) {
        const core::Change& ch = changes[c];
        switch (ch.store) {
            case core::Store::PhysBytes: frame(ch.target >> 12); break;
            case core::Store::FrameContent:
            case core::Store::Pfn: frame(ch.target); break;
            case core::Store::Slot:
            case core::Store::SlotContent: slot(ch.target); break;
            default: break;
        }
    }
    return t;
}

// ---------------------------------------------------------------------------------------------
// Event filter

std::set<EventKind> kinds_named(std::string_view name_in) {
    const std::string name = lower(name_in);
    using K = EventKind;
    for (size_t k = 0; k < size_t(K::Count_); ++k)
        if (name == mm::event_kind_name(K(k))) return {K(k)};
    if (name == "file-read") return {K::FilePageRead};
    if (name == "soft") return {K::SoftFault, K::PrototypeSoftFault};
    if (name == "cow") return {K::CopyOnWrite};
    if (name == "fault" || name == "faults")
        return {K::PageFault, K::DemandZero, K::ImageRead,   K::FilePageRead, K::PagefileRead, K::SoftFault,
                K::PrototypeSoftFault, K::CopyOnWrite, K::AccessViolation, K::GuardPage, K::DirtyBitSet};
    if (name == "hard") return {K::PagefileRead, K::ImageRead, K::FilePageRead};
    if (name == "page-in") return {K::PagefileRead, K::ImageRead, K::FilePageRead, K::SoftFault, K::PrototypeSoftFault, K::DemandZero};
    if (name == "page-out")
        return {K::VictimChosen, K::PagefileWrite, K::ModifiedWritten, K::PageDropped, K::ImagePageDropped, K::DataPageDropped,
                K::FilePageWritten};
    if (name == "trim") return {K::PageTrimmed, K::PageRepurposed};
    if (name == "replacement") return {K::VictimChosen, K::SecondChance};
    if (name == "region")
        return {K::Reserved, K::Committed, K::Decommitted, K::Released, K::Protected, K::MemReset, K::WriteWatched,
                K::WriteWatchReset, K::PagesLocked, K::PagesUnlocked, K::UnlockNotLocked, K::LockDropped};
    if (name == "loader")
        return {K::LoaderFindFile, K::LoaderProcessObject, K::LoaderImports, K::LoaderDll, K::LoaderNotAtBase, K::LoaderStack,
                K::LoaderStart, K::LoaderFailed, K::LoaderUnload, K::LoaderBadImage, K::Relocated,
                K::LoaderDataFile, K::LoaderNoImports};
    if (name == "file")
        return {K::FileCreated, K::FileOpened, K::HandleClosed, K::FileReadCall, K::FileWriteCall, K::FileSizeSet, K::FilePageRead,
                K::FilePageWritten};
    if (name == "mapping")
        return {K::DataSectionCreated, K::DataSectionGrown, K::MappingCreated, K::MappingOpened, K::MappingDeleted, K::ViewMapped,
                K::ViewUnmapped, K::ViewFlushed, K::SectionPageCommitted, K::DataPageDropped, K::DataSectionDeleted,
                K::MappingNameGone, K::SharedViewReturned, K::UnmapInsideView, K::HandleDuplicated};
    return {};
}

bool EventFilter::matches(const Session& s, size_t e) const {
    const core::EventRecord& ev = s.event(e);
    const EventKind kind = EventKind(ev.kind);
    if (kind == EventKind::Operation && !include_operations) return false;
    if (!kinds.empty() && !kinds.count(kind)) return false;
    if (process && (ev.space == mm::kNoSpace || s.machine().space_name(ev.space) != *process)) return false;
    if (range || frame || slot) {
        const EventTouches t = event_touches(s, e);
        if (range) {
            bool hit = false;
            for (const auto& [a, b] : t.ranges)
                if (a <= range->second && b > range->first) hit = true;
            if (!hit) return false;
        }
        if (frame && !t.frames.count(*frame)) return false;
        if (slot && !t.slots.count(*slot)) return false;
    }
    if (!words.empty()) {
        const std::string hay = lower(std::string(mm::event_kind_name(kind)) + " " + s.explain(e));
        for (const std::string& w : words)
            if (hay.find(w) == std::string::npos) return false;
    }
    return true;
}

std::variant<EventFilter, std::string> parse_event_filter(std::string_view text) {
    EventFilter f;
    std::string rest(text);
    size_t i = 0;
    while (i < rest.size()) {
        while (i < rest.size() && std::isspace(uint8_t(rest[i]))) ++i;
        size_t j = i;
        while (j < rest.size() && !std::isspace(uint8_t(rest[j]))) ++j;
        if (i == j) break;
        const std::string term = rest.substr(i, j - i);
        i = j;
        const size_t colon = term.find(':');
        const std::string key = colon == std::string::npos ? std::string() : lower(term.substr(0, colon));
        const std::string value = colon == std::string::npos ? std::string() : term.substr(colon + 1);
        if (key == "kind") {
            size_t p = 0;
            while (p <= value.size()) {
                const size_t q = std::min(value.find(',', p), value.size());
                const std::string name = value.substr(p, q - p);
                const auto ks = kinds_named(name);
                if (ks.empty())
                    return i18n::trf("kind:{name}: not an event kind (page-fault, pagefile-write, …), a fault kind (demand-zero, "
                                     "copy-on-write, soft, …) or a group (fault, hard, page-in, page-out, trim, cow, replacement, "
                                     "region, loader, file, mapping)",
                                     "name"_a = name);
                f.kinds.insert(ks.begin(), ks.end());
                p = q + 1;
            }
        } else if (key == "process") {
            if (value.empty()) return std::string(i18n::tr("process: needs a process name"));
            f.process = value;
        } else if (key == "range") {
            const size_t dash = value.find('-');
            const auto lo = dash == std::string::npos ? std::nullopt : parse_hex(value.substr(0, dash));
            const auto hi = dash == std::string::npos ? std::nullopt : parse_hex(value.substr(dash + 1));
            if (!lo || !hi || *lo > *hi) return i18n::trf("range:{value}: write range:LO-HI in hex, LO <= HI (range:10000-1FFFF)", "value"_a = value);
            f.range = std::pair{*lo, *hi};
        } else if (key == "at") {
            const auto va = parse_hex(value);
            if (!va) return i18n::trf("at:{value}: not a hex address", "value"_a = value);
            f.range = std::pair{*va & ~0xFFFu, *va | 0xFFFu};
        } else if (key == "frame" || key == "pfn") {
            const auto n = parse_hex(value);
            if (!n) return i18n::trf("{term}: a frame number is hex", "term"_a = term);
            f.frame = *n;
        } else if (key == "slot") {
            const auto n = parse_decimal_or_hex(value);
            if (!n) return i18n::trf("{term}: a slot number is decimal", "term"_a = term);
            f.slot = *n;
        } else {
            f.words.push_back(lower(term));
        }
    }
    // kind:operation names the steps' own events, which other filters leave out.
    if (f.kinds.count(EventKind::Operation)) f.include_operations = true;
    return f;
}

std::string filter_text(const EventFilter& f) {
    std::vector<std::string> terms;
    if (!f.kinds.empty()) {
        std::string k;
        for (EventKind kind : f.kinds) k += (k.empty() ? "" : ",") + std::string(mm::event_kind_name(kind));
        terms.push_back("kind:" + k);
    }
    if (f.process) terms.push_back("process:" + *f.process);
    if (f.range) terms.push_back(fmt::format("range:{:X}-{:X}", f.range->first, f.range->second));
    if (f.frame) terms.push_back(fmt::format("frame:{:X}", *f.frame));
    if (f.slot) terms.push_back(fmt::format("slot:{}", *f.slot));
    for (const std::string& w : f.words) terms.push_back(w);
    return fmt::format("{}", fmt::join(terms, " "));
}

EventFilter filter_like(const Session& s, size_t e) {
    EventFilter f;
    const core::EventRecord& ev = s.event(e);
    f.kinds = {EventKind(ev.kind)};
    f.include_operations = EventKind(ev.kind) == EventKind::Operation;
    if (ev.space != mm::kNoSpace) f.process = s.machine().space_name(ev.space);
    return f;
}

std::optional<size_t> next_match(const Session& s, const EventFilter& f, size_t event, Direction d) {
    const size_t n = s.event_count();
    if (d == Direction::Forward) {
        for (size_t e = event == kNoEvent ? 0 : event + 1; e < n; ++e)
            if (f.matches(s, e)) return e;
        return std::nullopt;
    }
    for (size_t e = event == kNoEvent ? n : std::min(event, n); e-- > 0;)
        if (f.matches(s, e)) return e;
    return std::nullopt;
}

std::vector<size_t> matching_events(const Session& s, const EventFilter& f, size_t first, size_t end, size_t limit) {
    std::vector<size_t> out;
    end = std::min(end, s.event_count());
    for (size_t e = first; e < end && out.size() < limit; ++e)
        if (f.matches(s, e)) out.push_back(e);
    return out;
}

}  // namespace pagelab::sim
