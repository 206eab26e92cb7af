#include "sim/Trace.h"

#include <iterator>
#include <ostream>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "mm/SoftwarePte.h"
#include "sim/JsonWriter.h"
#include "sim/Report.h"
#include "sim/Touched.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

std::string content_id(const core::PageRef& p) {
    if (p.is_zero_page()) return "zero";
    // FNV-1a over the 4 KB: a short, stable name for the bytes.
    uint32_t h = 2166136261u;
    const uint8_t* d = p.data();
    bool all_zero = true;
    for (uint32_t i = 0; i < core::kPageSize; ++i) {
        h = (h ^ d[i]) * 16777619u;
        all_zero = all_zero && d[i] == 0;
    }
    return all_zero ? "zero" : fmt::format("bytes#{:08x}", h);
}

const char* pfn_field_name(uint8_t f) {
    static const char* const kNames[] = {"pte_address", "original_pte", "flink", "blink", "share_count",
                                         "owner",       "state",        "use",   "flags", "list"};
    return f < 10 ? kNames[f] : "?";
}

std::string pfn_value(uint8_t field, uint64_t v) {
    switch (mm::PfnField(field)) {
        case mm::PfnField::State: return mm::frame_state_name(mm::FrameState(v));
        case mm::PfnField::Use: return mm::frame_use_name(mm::FrameUse(v));
        case mm::PfnField::List: return mm::frame_list_name(mm::FrameList(v));
        case mm::PfnField::Flink:
        case mm::PfnField::Blink: return v == mm::kNoFrame ? "none" : fmt::format("0x{:X}", v);
        case mm::PfnField::Owner: return v == 0xFFFF ? "none" : fmt::format("{}", v);
        case mm::PfnField::PteAddress:
        case mm::PfnField::OriginalPte: return fmt::format("0x{:08X}", v);
        default: return fmt::format("{}", v);
    }
}

std::string vad_text(const os::Machine& machine, uint64_t blob) {
    const mm::MemoryManager& m = machine.mm();
    if (blob == core::kNoBlob) return i18n::tr("none");
    const mm::Vad& v = m.vad_blob(blob);
    std::string users;
    if (!v.users.empty()) {
        users = " used by";
        for (uint16_t u : v.users) users += " " + machine.space_name(u);
    }
    std::string view;
    if (v.mapping != 0xFFFFFFFFu)
        view = v.type == mm::VadType::Mapped ? fmt::format(" view of #{} from section page {}", v.mapping, v.offset_page)
                                             : fmt::format(" view of #{}", v.mapping);
    // Write watch and locked pages (mm/WriteWatch.cpp): the pages with each mark, by index.
    std::string marks = v.write_watch ? " write-watch" : "";
    for (const auto& [mark, word] : {std::pair{mm::Vad::kPageWritten, " written"}, std::pair{mm::Vad::kPageLocked, " locked"}}) {
        std::string pages;
        for (size_t i = 0; i < v.page_marks.size(); ++i)
            if (v.page_marks[i] & mark) pages += fmt::format("{}{}", pages.empty() ? "" : ",", i);
        if (!pages.empty()) marks += fmt::format("{} page {}", word, pages);
    }
    return fmt::format("[{:08X}-{:08X} {} {}{}{}{}{}]", v.base(), v.base() + v.size() - 1, mm::vad_type_name(v.type),
                       mm::protection_name(v.allocation_protect), v.mem_commit ? " committed" : "", view, users, marks);
}

// A TLB entry is journaled in two halves: field 0 the flags and page, field 2 the frame.
std::string tlb_text(uint8_t field, uint64_t half) {
    if (field == 2) return fmt::format("frame 0x{:X}", half);
    const auto e = x86::TlbEntry::unpack(half);
    if (!e.valid) return "empty";
    return fmt::format("page 0x{:05X} {}{}{}", e.vpn, e.writable ? "W" : "R", e.user ? "U" : "K", e.dirty ? "D" : "");
}

std::string hex_list(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "|") + x;
    return s;
}

// The name of an address space in a change's sentence ("system" for the shared kernel part).
std::string space_label(const os::Machine& m, uint32_t space) {
    return space == 0xFFFF ? std::string(tr("system")) : m.space_name(uint16_t(space));
}

// A store of physical memory: a PDE or PTE (decoded) or plain bytes.
std::string phys_change(const os::Machine& m, const core::Change& c) {
    const mm::MemoryManager& mmgr = m.mm();
    auto name = [&](uint32_t space) { return space_label(m, space); };
    // A PTE's change: "PTE of 00010000 (A) @ pa 00003040: 00000000 -> 00004027  (valid, frame 0x4, ...)".
    auto pte_change = [&](uint32_t va, const std::string& owner) {
        return trf("PTE of {va:08X} ({owner}) @ pa {pa:08X}: {before:08X} -> {after:08X}  ({summary})", "va"_a = va, "owner"_a = owner,
                   "pa"_a = c.target, "before"_a = c.before, "after"_a = c.after, "summary"_a = pte_summary(mmgr, uint32_t(c.after)));
    };
    if (const auto where = c.field == 4 ? locate_entry(mmgr, c.target) : std::nullopt) {
        switch (where->kind) {
            case EntryLocation::Kind::Pde: {
                const uint32_t pde = c.after;
                const std::string what = (pde & 1) ? trf("present, page table in frame 0x{frame:X}, {flags}", "frame"_a = pde >> 12, "flags"_a = windbg_flags(pde))
                                                   : std::string(tr("not present"));
                return trf("PDE {index:03X} of {owner} @ pa {pa:08X}: {before:08X} -> {after:08X}  ({what})", "index"_a = where->va >> 22,
                           "owner"_a = name(where->space), "pa"_a = c.target, "before"_a = c.before, "after"_a = c.after, "what"_a = what);
            }
            case EntryLocation::Kind::SharedPte:
                return pte_change(where->va, where->va < 0x00400000u ? tr("compatibility arena") : tr("shared arena"));
            case EntryLocation::Kind::SystemPte: return pte_change(where->va, tr("system"));
            case EntryLocation::Kind::Pte: return pte_change(where->va, name(where->space));
        }
    }
    return trfn("memory @ pa {pa:08X} [{count} byte]: {before} -> {after}", "memory @ pa {pa:08X} [{count} bytes]: {before} -> {after}", c.field,
                "pa"_a = c.target, "count"_a = c.field, "before"_a = fmt::format("{:0{}X}", c.before, c.field * 2),
                "after"_a = fmt::format("{:0{}X}", c.after, c.field * 2));
}

// The CPU's registers: CR3, the running process, a shared page table, the clock hand.
std::string cpu_change(const os::Machine& m, const core::Change& c) {
    auto name = [&](uint32_t space) { return space_label(m, space); };
    if (c.field == 0) return fmt::format("CR3: {:08X} -> {:08X}", c.before, c.after);
    if (c.field == 1) return trf("running: {before} -> {after}", "before"_a = c.before == mm::kNoSpace ? std::string(tr("nobody")) : name(uint32_t(c.before)),
                                 "after"_a = c.after == mm::kNoSpace ? std::string(tr("nobody")) : name(uint32_t(c.after)));
    if (c.field == 3) {
        auto t = [](uint64_t f) { return f == mm::kNoFrame ? std::string(tr("none")) : trf("frame 0x{frame:X}", "frame"_a = f); };
        return trf("shared page table for 0x{va:08X}: {before} -> {after}", "va"_a = c.target << 22, "before"_a = t(c.before), "after"_a = t(c.after));
    }
    return trf("clock hand: frame 0x{before:X} -> 0x{after:X}", "before"_a = c.before, "after"_a = c.after);
}

// A prototype PTE of an image or data section.
std::string proto_change(const core::Change& c) {
    auto proto = [&](uint32_t w) {
        if (w & 1) return trf("valid, frame 0x{frame:X}", "frame"_a = w >> 12);
        if (mm::MemoryManager::is_data_proto(c.target)) {
            if (w == 0) return std::string(tr("reserved"));
            const auto k = mm::SoftwarePte::kind(w);
            if (k == mm::PteKind::Pagefile) return trf("pagefile slot {slot}", "slot"_a = w >> 12);
            if (k == mm::PteKind::DemandZero) return std::string(tr("demand-zero"));
        }
        if (mm::SoftwarePte::kind(w) == mm::PteKind::Pagefile) return trf("pagefile slot {slot}", "slot"_a = w >> 12);
        return trf("in file, page {page}", "page"_a = w >> 12);
    };
    if (mm::MemoryManager::is_data_proto(c.target))
        return trf("prototype PTE of data section {section} page {page}: {before:08X} -> {after:08X}  ({what})", "section"_a = mm::MemoryManager::data_proto_section(c.target),
                   "page"_a = mm::MemoryManager::data_proto_page(c.target), "before"_a = c.before, "after"_a = c.after, "what"_a = proto(uint32_t(c.after)));
    return trf("prototype PTE {index}: {before:08X} -> {after:08X}  ({what})", "index"_a = c.target, "before"_a = c.before, "after"_a = c.after, "what"_a = proto(uint32_t(c.after)));
}

// Files, handles, mapping objects and data sections.
std::string object_change(const os::Machine& m, const core::Change& c) {
    const mm::MemoryManager& mmgr = m.mm();
    auto name = [&](uint32_t space) { return space_label(m, space); };
    switch (mm::ObjectField(c.field)) {
        case mm::ObjectField::FileCreate: return fmt::format("file {} created", c.target);
        case mm::ObjectField::FilePage:
            return fmt::format("file {} page {} content: {} -> {}", c.target >> 20, c.target & 0xFFFFF,
                               content_id(mmgr.recorded_page(uint32_t(c.before))), content_id(mmgr.recorded_page(uint32_t(c.after))));
        case mm::ObjectField::FileSize: return fmt::format("file {} size: {} -> {}", c.target, c.before, c.after);
        case mm::ObjectField::Handle: {
            auto h = [&](uint64_t blob) -> std::string {
                if (blob == core::kNoBlob) return "none";
                const mm::HandleEntry& e = mmgr.handle_blob(blob);
                return e.kind == mm::HandleKind::File ? fmt::format("file {} access 0x{:08X}", e.object, e.access)
                                                      : fmt::format("mapping #{} access 0x{:X}", e.object, e.access);
            };
            return fmt::format("handle 0x{:X} of {}: {} -> {}", uint32_t(c.aux) * 4, name(c.target), h(c.before), h(c.after));
        }
        case mm::ObjectField::Mapping: {
            auto o = [&](uint64_t blob) -> std::string {
                if (blob == core::kNoBlob) return "none";
                const mm::MappingObject& x = mmgr.mapping_blob(blob);
                return fmt::format("[section {} {} size 0x{:X}{} handles {} views {}]", x.section, mm::protection_name(x.protect),
                                   x.size, x.name.empty() ? "" : " \"" + x.name + "\"", x.handles, x.views);
            };
            return fmt::format("mapping object #{}: {} -> {}", c.target, o(c.before), o(c.after));
        }
        case mm::ObjectField::DataSection: {
            auto o = [&](uint64_t blob) -> std::string {
                if (blob == core::kNoBlob) return "none";
                const mm::DataSection& x = mmgr.data_section_blob(blob);
                return fmt::format("[{} {} pages mappings {} views {}{}]",
                                   x.kind == mm::DataSectionKind::File ? fmt::format("file {}", x.file) : std::string("pagefile"),
                                   x.pages, x.mappings, x.views, x.alive ? "" : " gone");
            };
            return fmt::format("data section {}: {} -> {}", c.target, o(c.before), o(c.after));
        }
    }
    return "?";
}

}  // namespace

// A dispatcher over the journal's stores; the longer ones have their own function above.
std::string describe_change(const os::Machine& m, const core::Change& c) {
    const mm::MemoryManager& mmgr = m.mm();
    auto name = [&](uint32_t space) { return space_label(m, space); };
    switch (c.store) {
        case core::Store::PhysBytes: return phys_change(m, c);
        case core::Store::Cpu: return cpu_change(m, c);
        case core::Store::Proto: return proto_change(c);
        case core::Store::Object: return object_change(m, c);
        case core::Store::FrameContent:
            return fmt::format("frame 0x{:X} content: {} -> {}", c.target, content_id(mmgr.recorded_page(uint32_t(c.before))),
                               content_id(mmgr.recorded_page(uint32_t(c.after))));
        case core::Store::Pfn:
            return fmt::format("pfn 0x{:X}.{}: {} -> {}", c.target, pfn_field_name(c.field), pfn_value(c.field, c.before),
                               pfn_value(c.field, c.after));
        case core::Store::ListHead: {
            static const char* const kField[] = {"first", "last", "count"};
            auto v = [&](uint64_t x) { return c.field == 2 ? fmt::format("{}", x) : pfn_value(uint8_t(mm::PfnField::Flink), x); };
            return fmt::format("{} list.{}: {} -> {}", mm::frame_list_name(mm::FrameList(c.target)), kField[c.field % 3],
                               v(c.before), v(c.after));
        }
        case core::Store::ListMove: {
            // (An LRU touch.)
            const std::string from = c.before == mm::kNoFrame
                                         ? std::string("the front")
                                         : "after " + pfn_value(uint8_t(mm::PfnField::Flink), c.before);
            return fmt::format("pfn 0x{:X} moves to the back of the {} list: from {} to after 0x{:X}", c.target,
                               mm::frame_list_name(mm::FrameList(c.field)), from, c.after);
        }
        case core::Store::Slot:
            return trf("pagefile slot {slot}: {before} -> {after}", "slot"_a = c.target, "before"_a = c.before ? tr("in use") : tr("free"),
                       "after"_a = c.after ? tr("in use") : tr("free"));
        case core::Store::SlotContent:
            return fmt::format("pagefile slot {} content: {} -> {}", c.target, content_id(mmgr.recorded_page(uint32_t(c.before))),
                               content_id(mmgr.recorded_page(uint32_t(c.after))));
        case core::Store::Counter:
            return fmt::format("counter {}: {} -> {}", mm::counter_name(mm::Counter(c.target)), c.before, c.after);
        case core::Store::Tlb:
            if (c.field == 1) return fmt::format("TLB next victim: {} -> {}", c.before, c.after);
            return fmt::format("TLB[{}]: {} -> {}", c.target, tlb_text(c.field, c.before), tlb_text(c.field, c.after));
        case core::Store::Vad:
            if (c.target == mm::kNoSpace)
                return trf("shared-arena VAD: {before} -> {after}", "before"_a = vad_text(m, c.before), "after"_a = vad_text(m, c.after));
            return trf("VAD of {owner}: {before} -> {after}", "owner"_a = name(c.target), "before"_a = vad_text(m, c.before), "after"_a = vad_text(m, c.after));
        case core::Store::Space:
            if (c.field == 0) return fmt::format("address space {}: page directory frame 0x{:X} -> 0x{:X}", c.target, c.before, c.after);
            return fmt::format("address space {}: {} -> {}", c.target, c.before ? "alive" : "deleted", c.after ? "alive" : "deleted");
        case core::Store::SpaceCreate: return fmt::format("address space {} created ({})", c.target, mm::personality_name(mm::Personality(c.aux)));
        case core::Store::Section:
            if (c.field == 0) return fmt::format("image section {} created", c.target);
            return fmt::format("image section {} views: {} -> {}", c.target, c.before, c.after);
        case core::Store::Os:
            if (c.field == 2) return fmt::format("modules of process {} changed", c.target);
            if (c.field == 0) return fmt::format("process {} created (address space {})", c.target, c.aux);
            return fmt::format("process {}: {} -> {}", c.target, os::process_state_name(os::ProcessState(c.before)),
                               os::process_state_name(os::ProcessState(c.after)));
    }
    return "?";
}

std::string describe_machine(const mm::MachineConfig& c) {
    // The words are the catalogue's (English in the golden traces, which never set a language).
    return trf("{personality}, {frames} frames, pagefile {pagefile} pages, policy {policy}, {tlb}", "personality"_a = mm::personality_name(c.personality),
               "frames"_a = c.frames, "pagefile"_a = c.pagefile_pages, "policy"_a = mm::policy_name(c.policy),
               "tlb"_a = c.tlb_entries ? trf("TLB of {entries} entries", "entries"_a = c.tlb_entries) : std::string(tr("no TLB")));
}

std::string describe_step(const Step& s) {
    if (s.op == Op::Pause) return "say";
    std::string out = op_name(s.op);
    for (const auto& [key, a] : s.args) {
        std::string v;
        switch (a.type) {
            case ArgType::Address:
                v = a.address.name.empty() ? fmt::format("0x{:08X}", a.address.offset)
                    : a.address.offset == 0 ? a.address.name
                    : fmt::format("{}{}0x{:X}", a.address.name, a.address.offset < 0 ? "-" : "+",
                                  a.address.offset < 0 ? -a.address.offset : a.address.offset);
                break;
            case ArgType::Number: v = fmt::format("0x{:X}", a.number); break;
            case ArgType::Value:
                v = a.address.name.empty() ? fmt::format("0x{:X}", a.number)
                    : a.address.offset == 0 ? a.address.name
                    : fmt::format("{}{}0x{:X}", a.address.name, a.address.offset < 0 ? "-" : "+",
                                  a.address.offset < 0 ? -a.address.offset : a.address.offset);
                break;
            case ArgType::Protection: v = mm::protection_name(uint32_t(a.number)); break;
            case ArgType::AllocType: {
                std::vector<std::string> parts;
                if (a.number & mm::mem::kReserve) parts.push_back("reserve");
                if (a.number & mm::mem::kCommit) parts.push_back("commit");
                if (a.number & mm::mem::kTopDown) parts.push_back("top_down");
                if (a.number & mm::mem::kReset) parts.push_back("reset");
                if (a.number & mm::mem::kWriteWatch) parts.push_back("write_watch");
                if (a.number & mm::kAtRoundToPage) parts.push_back("round_to_page");
                v = hex_list(parts);
                break;
            }
            case ArgType::FreeType: v = a.number == mm::mem::kRelease ? "release" : a.number == mm::mem::kDecommit ? "decommit" : fmt::format("0x{:X}", a.number); break;
            case ArgType::Text: v = "\"" + a.text + "\""; break;
            default: v = a.text; break;
        }
        out += fmt::format(" {}={}", key, v);
    }
    return out;
}

namespace {
// A fault kind as the transcript names it; the scenario keyword (demand-zero, soft...) is the English.
const char* fault_text(mm::FaultKind k) {
    switch (k) {
        case mm::FaultKind::DemandZero: return tr("demand-zero");
        case mm::FaultKind::ImageRead: return tr("image-read");
        case mm::FaultKind::FileRead: return tr("file-read");
        case mm::FaultKind::PagefileRead: return tr("pagefile-read");
        case mm::FaultKind::Soft: return tr("soft");
        case mm::FaultKind::CopyOnWrite: return tr("copy-on-write");
        case mm::FaultKind::AccessViolation: return tr("access-violation");
        case mm::FaultKind::GuardPage: return tr("guard-page");
        case mm::FaultKind::DirtyBit: return tr("dirty-bit");
        case mm::FaultKind::None: break;
    }
    return mm::fault_kind_name(k);
}
}  // namespace

std::string describe_result(const Step& s, const StepResult& r) {
    if (s.op == Op::Pause) return "";
    std::string out = r.ok ? tr("ok") : r.error == mm::Error::Success ? std::string(tr("failed")) : trf("failed: {error}", "error"_a = mm::error_name(r.error));
    if (r.ok && r.error != mm::Error::Success) out += trf(" (GetLastError {error})", "error"_a = mm::error_name(r.error));
    if (r.ok && r.data) {
        std::string text;
        for (char ch : *r.data) text += (ch >= 0x20 && ch < 0x7F) ? std::string(1, ch) : fmt::format("\\x{:02X}", uint8_t(ch));
        out += trfn(", read {count} byte: \"{text}\"", ", read {count} bytes: \"{text}\"", r.data->size(), "count"_a = r.data->size(), "text"_a = text);
    } else if (r.ok && r.has_value) {
        if (s.op == Op::VirtualProtect) out += trf(", returns {protection} (old protection)", "protection"_a = mm::protection_name(r.value));
        else out += trf(", returns 0x{value:08X}", "value"_a = r.value);
    }
    if (r.ok && r.pages) {
        std::string list;
        for (uint32_t va : *r.pages) list += fmt::format("{}0x{:08X}", list.empty() ? "" : ", ", va);
        out += r.pages->empty() ? std::string(tr(", no page written")) : trf(", written: {pages}", "pages"_a = list);
    }
    if (r.query) {
        const auto& q = *r.query;
        out += fmt::format(" [BaseAddress {:08X} AllocationBase {:08X} AllocationProtect {} RegionSize {:08X} State {} Protect {} Type {}]",
                           q.base_address, q.allocation_base, mm::protection_name(q.allocation_protect), q.region_size,
                           q.state == mm::mem::kCommit ? "MEM_COMMIT" : q.state == mm::mem::kReserve ? "MEM_RESERVE" : "MEM_FREE",
                           mm::protection_name(q.protect),
                           q.type == mm::mem::kPrivate ? "MEM_PRIVATE" : q.type == mm::mem::kMapped ? "MEM_MAPPED" : q.type == mm::mem::kImage ? "MEM_IMAGE" : "0");
    }
    if (r.faults) {
        std::string f;
        for (int k = 1; k <= int(mm::kLastFaultKind); ++k)
            if (r.faults & (1u << k)) f += (f.empty() ? "" : ", ") + std::string(fault_text(mm::FaultKind(k)));
        out += trf(", faults: {faults}", "faults"_a = f);
    }
    if (!r.note.empty()) out += " (" + r.note + ")";
    return out;
}

namespace {

// One step of the JSON trace: its call, result, events and their changes.
void write_json_step(Session& session, JsonWriter& w, size_t i) {
    const Scenario& sc = session.scenario();
    w.begin_object();
    w.key("step");
    w.value(uint64_t(i + 1));
    w.key("line");
    w.value(sc.steps[i].loc.line);
    w.key("do");
    w.value(describe_step(sc.steps[i]));
    w.key("result");
    w.value(describe_result(sc.steps[i], session.result(i)));
    w.key("events");
    w.begin_array();
    bool in_event = false;
    session.visit(
        session.first_event_of_step(i), session.first_event_of_step(i + 1),
        [&](size_t e) {
            if (in_event) {
                w.end_array();
                w.end_object();
            }
            in_event = true;
            w.begin_object();
            w.key("event");
            w.value(uint64_t(e));
            w.key("kind");
            w.value(mm::event_kind_name(mm::EventKind(session.event(e).kind)));
            w.key("text");
            w.value(session.explain(e));
            w.key("changes");
            w.begin_array();
        },
        [&](const core::Change& c) {
            w.begin_object();
            w.key("store");
            w.value(int(c.store));
            w.key("field");
            w.value(uint32_t(c.field));
            w.key("target");
            w.value(c.target);
            w.key("before");
            w.value(c.before);
            w.key("after");
            w.value(c.after);
            w.key("text");
            w.value(describe_change(session.machine(), c));
            w.end_object();
        });
    if (in_event) {
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

// The JSON trace, streamed as it is walked (the same bytes as an ordered_json document dumped
// with indent 1): the text of a long run is never held in memory.
void write_trace_json(Session& session, std::ostream& out) {
    const Scenario& sc = session.scenario();
    JsonWriter w(out, 1);
    w.begin_object();
    w.key("pagelab_trace");
    w.value(1);
    w.key("title");
    w.value(sc.title);
    w.key("machine");
    w.value(describe_machine(sc.machine));
    w.key("steps");
    w.begin_array();
    for (size_t i = 0; i < session.step_count(); ++i) write_json_step(session, w, i);
    w.end_array();
    w.end_object();
    w.raw("\n");
}

// The text trace (the golden format).
void write_trace_text(Session& session, std::ostream& out) {
    const Scenario& sc = session.scenario();
    // Lines are gathered in a buffer written 64 KB at a time (a stream operation per line halves
    // the rate on a synchronised std::cout).
    std::string buf;
    buf.reserve(1 << 17);
    auto spill = [&](bool always) {
        if (always || buf.size() >= (1 << 16)) {
            out.write(buf.data(), std::streamsize(buf.size()));
            buf.clear();
        }
    };
    buf += "# PageLab trace, format 1\n";
    buf += "# " + sc.title + "\n";
    buf += "# machine: " + describe_machine(sc.machine) + "\n";
    for (size_t i = 0; i < session.step_count(); ++i) {
        fmt::format_to(std::back_inserter(buf), "step {} (line {}): {}\n", i + 1, sc.steps[i].loc.line, describe_step(sc.steps[i]));
        session.visit(
            session.first_event_of_step(i), session.first_event_of_step(i + 1),
            [&](size_t e) {
                const auto kind = mm::EventKind(session.event(e).kind);
                if (kind == mm::EventKind::Operation) fmt::format_to(std::back_inserter(buf), "  [{}] step\n", e);
                else fmt::format_to(std::back_inserter(buf), "  [{}] {} {}\n", e, mm::event_kind_name(kind), session.explain(e));
                spill(false);
            },
            [&](const core::Change& c) {
                buf += "      ";
                buf += describe_change(session.machine(), c);
                buf += '\n';
                spill(false);
            });
        const std::string res = describe_result(sc.steps[i], session.result(i));
        if (!res.empty()) buf += "  => " + res + "\n";
        spill(false);
    }
    spill(true);
}

}  // namespace

void write_trace(Session& session, std::ostream& out, TraceFormat format) {
    // One pass over the journal for the whole trace (see Session::VisitBatch).
    Session::VisitBatch batch(session);
    if (format == TraceFormat::Json) write_trace_json(session, out);
    else write_trace_text(session, out);
}

}  // namespace pagelab::sim
