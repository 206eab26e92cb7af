// Printing a diff (sim/Diff.h): the text `pagelab diff` prints, its JSON, and the words both use.
#include "sim/Diff.h"

#include <ostream>
#include <set>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "sim/DiffOverlay.h"
#include "sim/JsonWriter.h"
#include "sim/Report.h"
#include "sim/Session.h"

// ---------------------------------------------------------------------------------------------
// Printing

namespace pagelab::sim {

using namespace fmt::literals;
using diff_detail::is_section_use;
using i18n::tr;
using i18n::trf;
using core::Change;
using core::Store;
using mm::PfnField;
using mm::SoftwarePte;
using x86::Pte;

std::string process_name(const Session& s, uint16_t process) {
    const os::Machine& m = s.machine();
    if (process < m.processes().size()) return m.processes()[process].name;
    // Created after the machine's position: its creation record names its address space, or
    // (a failed CreateProcess) its step binds the name.
    const auto& changes = m.journal().changes();
    for (size_t i = 0; i < changes.size(); ++i) {
        const Change& c = changes[i];
        if (c.store != Store::Os || c.field != uint8_t(os::OsField::ProcessCreate) || c.target != process) continue;
        if (c.aux != mm::kNoSpace) return m.space_name(c.aux);
        const auto& events = m.journal().events();
        auto it = std::upper_bound(events.begin(), events.end(), uint32_t(i),
                                   [](uint32_t ch, const core::EventRecord& e) { return ch < e.first_change; });
        if (it != events.begin()) {
            const Step& step = s.scenario().steps[s.step_of_event(size_t(it - events.begin()) - 1)];
            if (const Arg* as = step.arg("as")) return as->text;
        }
        break;
    }
    return fmt::format("process {}", process);
}

std::string space_label(const Session& s, uint16_t space) {
    return space == mm::kNoSpace ? std::string("shared") : s.machine().space_name(space);
}

std::string entry_text(const mm::MemoryManager& m, EntryLevel level, uint32_t word) {
    if (level == EntryLevel::Pde) {
        if (word == 0) return "00000000 (none)";
        if (!(word & Pte::kPresent)) return fmt::format("{:08X} (not present)", word);
        return fmt::format("{:08X} (valid, page table in frame 0x{:X}, {})", word, word >> 12, windbg_flags(word));
    }
    return fmt::format("{:08X} ({})", word, pte_summary(m, word));
}

namespace {
const char* state_word(uint32_t s) { return s == mm::mem::kCommit ? "Commit" : s == mm::mem::kReserve ? "Reserve" : "Free"; }
const char* type_word(uint32_t t) {
    return t == mm::mem::kPrivate ? "Private" : t == mm::mem::kMapped ? "Mapped" : t == mm::mem::kImage ? "Image" : "";
}
}  // namespace

std::string size_words(uint64_t bytes) {
    if (bytes % (1024 * 1024) == 0 && bytes) return fmt::format("{} MB", bytes / (1024 * 1024));
    return fmt::format("{} KB", (bytes + 1023) / 1024);
}
namespace {
std::string owner_text(const Session& s, uint16_t owner) { return owner == 0xFFFF ? std::string() : s.machine().space_name(owner); }
}  // namespace

std::string frame_facts_text(const Session& s, const FrameFacts& f) {
    std::string out = fmt::format("{} {}", mm::frame_state_name(f.state), mm::frame_use_name(f.use));
    if (f.owner != 0xFFFF) out += " of " + owner_text(s, f.owner);
    out += fmt::format(", share {}", f.share_count);
    if (f.pte_address || is_section_use(f.use)) {
        if (is_section_use(f.use) && mm::MemoryManager::is_data_proto(f.pte_address))
            out += fmt::format(", data section {} page {}", mm::MemoryManager::data_proto_section(f.pte_address),
                               mm::MemoryManager::data_proto_page(f.pte_address));
        else if (is_section_use(f.use)) out += fmt::format(", image prototype #{}", f.pte_address);
        else out += fmt::format(", pte {:08X}", f.pte_address);
    }
    if (f.original_pte) out += fmt::format(", restore {:08X}", f.original_pte);
    if (f.modified) out += ", modified";
    return out;
}

namespace {
std::string mapping_text(const std::optional<mm::MappingObject>& o) {
    if (!o) return "none";
    return fmt::format("[{} {} size 0x{:X}{} handles {} views {}]",
                       o->image() ? fmt::format("image section {}", o->image_section) : fmt::format("data section {}", o->section),
                       mm::protection_name(o->protect), o->size, o->name.empty() ? "" : " \"" + o->name + "\"", o->handles, o->views);
}
std::string data_section_text(const mm::MemoryManager& m, const std::optional<mm::DataSection>& x) {
    if (!x) return "none";
    return fmt::format("[{} {} pages, mappings {}, views {}{}{}]",
                       x->kind == mm::DataSectionKind::File && x->file < m.files().size() ? m.files()[x->file].path : std::string("pagefile-backed"),
                       x->pages, x->mappings, x->views, x->reserve ? ", SEC_RESERVE" : "", x->alive ? "" : ", gone");
}
std::string handle_text(const mm::MemoryManager& m, const std::optional<mm::HandleEntry>& e) {
    if (!e) return "none";
    if (e->kind == mm::HandleKind::File)
        return fmt::format("File {} ({}{})", e->object < m.files().size() ? m.files()[e->object].path : fmt::format("#{}", e->object),
                           (e->access & mm::generic::kRead) ? "R" : "", (e->access & mm::generic::kWrite) ? "W" : "");
    return fmt::format("Section, mapping object #{} (access 0x{:X})", e->object, e->access);
}
std::string process_state_text(const std::optional<os::ProcessState>& p) { return p ? os::process_state_name(*p) : "none"; }
std::string views_text(const std::optional<uint32_t>& v) { return v ? fmt::format("{} view{}", *v, *v == 1 ? "" : "s") : "none"; }
std::string section_name(const Session& s, uint32_t id) {
    const auto& m = s.machine().mm();
    if (id < m.sections().size() && m.sections()[id].file < m.files().size()) return m.files()[m.sections()[id].file].path;
    return fmt::format("image section {}", id);
}
}  // namespace

std::string page_facts_text(const PageFacts& f) {
    if (f.state == mm::mem::kFree) return "Free";
    return fmt::format("{} {} {} (allocation {:08X} {})", state_word(f.state), mm::protection_name(f.protect), type_word(f.type),
                       f.allocation_base, mm::protection_name(f.allocation_protect));
}

namespace {
// One address space's part of the diff: its regions and its PDEs and PTEs.
void write_space_diff(const Session& s, const Diff& d, uint16_t sp, std::ostream& out) {
    const auto& mmgr = s.machine().mm();
    if (sp == mm::kNoSpace) out << "\n" << tr("Shared page tables (win95: the same entries in every process):") << "\n";
    else out << "\n" << trf("Process {name} (address space {space}):", "name"_a = s.machine().space_name(sp), "space"_a = sp) << "\n";
    bool header = false;
    for (const RegionChange& r : d.regions) {
        if (r.space != sp) continue;
        if (!header) out << "  " << tr("Regions (VirtualQuery):") << "\n";
        header = true;
        out << fmt::format("    {:08X} {:>8}  {}\n             {:>8}  -> {}\n", r.base, size_words(r.size), page_facts_text(r.before), "",
                           page_facts_text(r.after));
    }
    header = false;
    for (const EntryChange& e : d.entries) {
        if (e.space != sp) continue;
        if (!header) out << "  " << tr("Page tables:") << "\n";
        header = true;
        if (e.level == EntryLevel::Pde)
            out << fmt::format("    PDE {:03X} ({:08X}-{:08X})  {} -> {}\n", e.va >> 22, e.va, e.va + 0x3FFFFF,
                               entry_text(mmgr, e.level, e.before), entry_text(mmgr, e.level, e.after));
        else
            out << fmt::format("    PTE {:08X}  {} -> {}\n", e.va, entry_text(mmgr, e.level, e.before), entry_text(mmgr, e.level, e.after));
    }
}
}  // namespace

void write_diff_text(const Session& s, const Diff& d, std::ostream& out) {
    const auto& mmgr = s.machine().mm();
    out << trf("Diff of {file}", "file"_a = s.scenario().path) << "\n";
    out << "  " << trf("from: {moment}  (cursor {cursor})", "moment"_a = describe_moment(s, d.from), "cursor"_a = d.from) << "\n";
    out << "  " << trf("to:   {moment}  (cursor {cursor})", "moment"_a = describe_moment(s, d.to), "cursor"_a = d.to) << "\n";
    if (d.empty()) {
        out << "\n" << tr("No difference.") << "\n";
        return;
    }
    if (!d.processes.empty()) {
        out << "\n" << tr("Processes:") << "\n";
        for (const ProcessChange& p : d.processes)
            out << fmt::format("  {}: {} -> {}\n", process_name(s, p.process), process_state_text(p.before), process_state_text(p.after));
    }
    // Per address space: its regions and entries (shared tables last).
    std::set<uint32_t> spaces;
    for (const RegionChange& r : d.regions) spaces.insert(r.space);
    for (const EntryChange& e : d.entries) spaces.insert(e.space == mm::kNoSpace ? 0x10000u : e.space);
    for (uint32_t key : spaces) write_space_diff(s, d, key == 0x10000u ? mm::kNoSpace : uint16_t(key), out);
    if (!d.frames.empty()) {
        out << "\n" << tr("Frames (RAMMap lists):") << "\n";
        for (const FrameChange& f : d.frames) {
            if (f.before == f.after) out << fmt::format("  0x{:<5X} {}: bytes written\n", f.frame, frame_facts_text(s, f.after));
            else
                out << fmt::format("  0x{:<5X} {}\n          -> {}{}\n", f.frame, frame_facts_text(s, f.before), frame_facts_text(s, f.after),
                                   f.bytes_written ? "; bytes written" : "");
        }
    }
    if (!d.slots.empty()) {
        out << "\n" << tr("Pagefile slots:") << "\n";
        for (const SlotChange& c : d.slots)
            out << fmt::format("  slot {:<5} {} -> {}{}\n", c.slot, c.before ? "in use" : "free", c.after ? "in use" : "free",
                               c.written ? ", written" : "");
    }
    if (!d.mappings.empty()) {
        out << "\n" << tr("File mapping objects:") << "\n";
        for (const MappingChange& c : d.mappings) out << fmt::format("  #{:<3} {} -> {}\n", c.id, mapping_text(c.before), mapping_text(c.after));
    }
    if (!d.data_sections.empty()) {
        out << "\n" << tr("Data sections (control areas):") << "\n";
        for (const DataSectionChange& c : d.data_sections)
            out << fmt::format("  {:<4} {} -> {}\n", c.id, data_section_text(mmgr, c.before), data_section_text(mmgr, c.after));
    }
    if (!d.image_sections.empty()) {
        out << "\n" << tr("Image sections:") << "\n";
        for (const ImageSectionChange& c : d.image_sections)
            out << fmt::format("  {:<4} {}: {} -> {}\n", c.id, section_name(s, c.id), views_text(c.before), views_text(c.after));
    }
    if (!d.handles.empty()) {
        out << "\n" << tr("Handles:") << "\n";
        for (const HandleChange& c : d.handles)
            out << fmt::format("  {:<8} 0x{:<4X} {} -> {}\n", s.machine().space_name(c.space), c.handle, handle_text(mmgr, c.before),
                               handle_text(mmgr, c.after));
    }
    if (!d.counters.empty()) {
        out << "\n" << tr("Counters:") << "\n";
        for (const CounterChange& c : d.counters) out << fmt::format("  {:<20} {} -> {}\n", c.name, c.before, c.after);
    }
}

nlohmann::ordered_json diff_json(const Session& s, const Diff& d) {
    using J = nlohmann::ordered_json;
    const auto& mmgr = s.machine().mm();
    J j;
    j["pagelab_diff"] = 1;
    j["scenario"] = s.scenario().path;
    j["from"] = {{"cursor", d.from}, {"moment", describe_moment(s, d.from)}};
    j["to"] = {{"cursor", d.to}, {"moment", describe_moment(s, d.to)}};
    auto opt = [](bool has, auto&& make) -> J { return has ? J(make()) : J(nullptr); };
    J procs = J::array();
    for (const ProcessChange& p : d.processes)
        procs.push_back({{"process", process_name(s, p.process)}, {"id", p.process},
                         {"before", opt(p.before.has_value(), [&] { return os::process_state_name(*p.before); })},
                         {"after", opt(p.after.has_value(), [&] { return os::process_state_name(*p.after); })}});
    j["processes"] = procs;
    auto facts = [](const PageFacts& f) {
        return J{{"state", state_word(f.state)}, {"protect", mm::protection_name(f.protect)}, {"type", type_word(f.type)},
                 {"allocation_base", f.allocation_base}, {"allocation_protect", mm::protection_name(f.allocation_protect)}};
    };
    J regions = J::array();
    for (const RegionChange& r : d.regions)
        regions.push_back({{"process", space_label(s, r.space)}, {"base", r.base}, {"size", r.size}, {"before", facts(r.before)},
                           {"after", facts(r.after)}});
    j["regions"] = regions;
    J entries = J::array();
    for (const EntryChange& e : d.entries)
        entries.push_back({{"process", space_label(s, e.space)}, {"level", e.level == EntryLevel::Pde ? "pde" : "pte"}, {"va", e.va},
                           {"before", e.before}, {"after", e.after}, {"before_text", entry_text(mmgr, e.level, e.before)},
                           {"after_text", entry_text(mmgr, e.level, e.after)}});
    j["entries"] = entries;
    auto frame = [&](const FrameFacts& f) {
        return J{{"list", mm::frame_state_name(f.state)}, {"use", mm::frame_use_name(f.use)}, {"owner", owner_text(s, f.owner)},
                 {"share_count", f.share_count}, {"pte_address", f.pte_address}, {"original_pte", f.original_pte},
                 {"modified", f.modified}};
    };
    J frames = J::array();
    for (const FrameChange& f : d.frames)
        frames.push_back({{"frame", f.frame}, {"before", frame(f.before)}, {"after", frame(f.after)}, {"bytes_written", f.bytes_written}});
    j["frames"] = frames;
    J slots = J::array();
    for (const SlotChange& c : d.slots) slots.push_back({{"slot", c.slot}, {"before", c.before}, {"after", c.after}, {"written", c.written}});
    j["slots"] = slots;
    J mappings = J::array();
    for (const MappingChange& c : d.mappings)
        mappings.push_back({{"id", c.id}, {"before", mapping_text(c.before)}, {"after", mapping_text(c.after)}});
    j["mappings"] = mappings;
    J sections = J::array();
    for (const DataSectionChange& c : d.data_sections)
        sections.push_back({{"id", c.id}, {"before", data_section_text(mmgr, c.before)}, {"after", data_section_text(mmgr, c.after)}});
    j["data_sections"] = sections;
    J images = J::array();
    for (const ImageSectionChange& c : d.image_sections)
        images.push_back({{"id", c.id}, {"file", section_name(s, c.id)}, {"before", opt(c.before.has_value(), [&] { return *c.before; })},
                          {"after", opt(c.after.has_value(), [&] { return *c.after; })}});
    j["image_sections"] = images;
    J handles = J::array();
    for (const HandleChange& c : d.handles)
        handles.push_back({{"process", space_label(s, c.space)}, {"handle", c.handle}, {"before", handle_text(mmgr, c.before)},
                           {"after", handle_text(mmgr, c.after)}});
    j["handles"] = handles;
    J counters = J::array();
    for (const CounterChange& c : d.counters) counters.push_back({{"name", c.name}, {"before", c.before}, {"after", c.after}});
    j["counters"] = counters;
    return j;
}

}  // namespace pagelab::sim
