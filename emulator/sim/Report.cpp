#include "sim/Report.h"

#include <map>
#include <ostream>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "mm/SoftwarePte.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using mm::SoftwarePte;
using x86::Pte;

std::string windbg_flags(uint32_t entry) {
    const Pte p(entry);
    std::string s(11, '-');
    if (p.copy_on_write()) s[0] = 'C';
    if (p.global()) s[1] = 'G';
    if (p.large_page()) s[2] = 'L';
    if (p.dirty()) s[3] = 'D';
    if (p.accessed()) s[4] = 'A';
    if (p.cache_disabled()) s[5] = 'N';
    if (p.write_through()) s[6] = 'T';
    s[7] = p.user() ? 'U' : 'K';
    s[8] = p.writable() || p.software_write() ? 'W' : 'R';  // (NT MP: Write is the software bit 11)
    s[9] = 'E';  // non-PAE x86 has no execute-disable bit: every valid page can be executed
    s[10] = p.present() ? 'V' : '-';
    return s;
}

std::string pte_summary(const mm::MemoryManager& m, uint32_t pte) {
    (void)m;
    const auto prot = [&](uint32_t raw) { return mm::protection_name(mm::to_win32_protection(SoftwarePte::protection(raw))); };
    switch (SoftwarePte::kind(pte)) {
        case mm::PteKind::Valid: return trf("valid, frame 0x{frame:X}, {flags}", "frame"_a = pte >> 12, "flags"_a = windbg_flags(pte));
        case mm::PteKind::Zero: return tr("zero: ask the VAD");
        case mm::PteKind::DemandZero: return trf("demand-zero, {protection}", "protection"_a = prot(pte));
        case mm::PteKind::Pagefile: return trf("pagefile slot {slot}, {protection}", "slot"_a = SoftwarePte::slot(pte), "protection"_a = prot(pte));
        case mm::PteKind::Transition: return trf("transition, frame 0x{frame:X}, {protection}", "frame"_a = SoftwarePte::frame(pte), "protection"_a = prot(pte));
        case mm::PteKind::Prototype: return trf("prototype #{index}", "index"_a = SoftwarePte::prototype_index(pte));
        case mm::PteKind::Decommitted: return tr("decommitted");
    }
    return "?";
}

namespace {

std::string size_text(uint64_t bytes) {
    if (bytes % (1024 * 1024) == 0 && bytes) return fmt::format("{} MB", bytes / (1024 * 1024));
    return fmt::format("{} KB", (bytes + 1023) / 1024);
}
const char* state_name(uint32_t s) {
    return s == mm::mem::kCommit ? "Commit" : s == mm::mem::kReserve ? "Reserve" : "Free";
}
const char* type_name(uint32_t t) {
    return t == mm::mem::kPrivate ? "Private" : t == mm::mem::kMapped ? "Mapped" : t == mm::mem::kImage ? "Image" : "Free";
}
// The NT self-map puts the PTE of va at 0xC0000000 + (va >> 12) * 4 and the PDE at 0xC0300000 + (va >> 22) * 4.
uint32_t nt_pte_va(uint32_t va) { return 0xC0000000u + (va >> 12) * 4; }
uint32_t nt_pde_va(uint32_t va) { return 0xC0300000u + (va >> 22) * 4; }

// Where the region table of a process ends: its private user space, and under win95 the shared
// arena as well once regions live there (every win95 process sees them).
uint64_t regions_end(const mm::MemoryManager& mmgr, const mm::AddressSpace& sp) {
    if (sp.layout().shared_begin && !mmgr.shared_vads().empty()) return sp.layout().shared_end;
    return sp.layout().user_end;
}
// The PDE indexes whose page tables the !pte listing shows: private user space, and the shared
// arena's tables under win95 (the same ones in every directory).
uint32_t listed_pdes(const mm::AddressSpace& sp) {
    if (sp.layout().shared_begin) return sp.layout().shared_end >> 22;
    return uint32_t((uint64_t(sp.layout().user_end) + 0x3FFFFF) >> 22);
}

struct Mapper {
    std::map<uint32_t, std::pair<uint16_t, uint32_t>> slot_owner;  // slot -> (space, va)
};

Mapper map_slots(const os::Machine& m) {
    Mapper out;
    const auto& mmgr = m.mm();
    for (const auto& sp : mmgr.spaces()) {
        if (!sp.alive()) continue;
        for (const mm::Vad* vp : mmgr.regions(sp.id())) {
            const mm::Vad& vad = *vp;
            for (uint32_t vpn = vad.start_vpn; vpn < vad.end_vpn; ++vpn) {
                const auto info = mmgr.pte_info(sp.id(), vpn << 12);
                if (!info.table_present) {
                    vpn = ((vpn >> 10) + 1) * 1024 - 1;
                    continue;
                }
                uint32_t sw = info.pte;
                if (info.kind == mm::PteKind::Valid) sw = mmgr.pfn()[info.pte >> 12].original_pte;
                if (info.kind == mm::PteKind::Transition) sw = mmgr.pfn()[SoftwarePte::frame(info.pte)].original_pte;
                if (SoftwarePte::kind(sw) == mm::PteKind::Pagefile) out.slot_owner[SoftwarePte::slot(sw)] = {sp.id(), vpn << 12};
            }
        }
    }
    return out;
}

}  // namespace

namespace {
std::string handle_text(const os::Machine& m, const mm::HandleEntry& e) {
    const auto& mmgr = m.mm();
    if (e.kind == mm::HandleKind::File)
        return fmt::format("File     {}  ({}{})", mmgr.files()[e.object].path, (e.access & mm::generic::kRead) ? "R" : "",
                           (e.access & mm::generic::kWrite) ? "W" : "");
    const mm::MappingObject& o = mmgr.mappings()[e.object];
    return fmt::format("Section  mapping object #{}{}  (access 0x{:X})", o.id, o.name.empty() ? "" : " \"" + o.name + "\"", e.access);
}

// Files, handle tables, file mapping objects and data sections (Process Explorer / !handle and
// !ca style), when the scenario has any.
void write_objects_text(const os::Machine& m, std::ostream& out, const StateOptions& options) {
    const auto& mmgr = m.mm();
    bool any_handles = false;
    for (const os::Process& p : m.processes())
        if (p.space != mm::kNoSpace && !mmgr.handles(p.space).empty()) any_handles = true;
    if (!any_handles && mmgr.mappings().empty() && mmgr.data_sections().empty()) return;
    out << "\n" << tr("Handles:") << "\n";
    for (const os::Process& p : m.processes()) {
        if (options.process && p.name != *options.process) continue;
        if (p.space == mm::kNoSpace) continue;
        for (const auto& [h, e] : mmgr.handles(p.space))
            out << fmt::format("  {:<8} 0x{:<4X} {}\n", p.name, h, handle_text(m, e));
    }
    if (options.process) return;
    out << tr("File mapping objects:") << "\n";
    for (const mm::MappingObject& o : mmgr.mappings()) {
        if (!o.alive()) continue;
        out << fmt::format("  #{:<3} {:<16} {:<18} size 0x{:<8X} data section {}  handles {}  views {}\n", o.id,
                           o.name.empty() ? "(unnamed)" : "\"" + o.name + "\"", mm::protection_name(o.protect), o.size, o.section,
                           o.handles, o.views);
    }
    out << tr("Data sections (control areas):") << "\n";
    for (const mm::DataSection& sec : mmgr.data_sections()) {
        if (!sec.alive) continue;
        const auto& protos = mmgr.data_prototypes(sec.id);
        uint32_t resident = 0;
        for (uint32_t p : protos) resident += p & 1;
        out << fmt::format("  {:<3} {:<28} {} pages, {} in frames, {} view{}{}\n", sec.id,
                           sec.kind == mm::DataSectionKind::File ? mmgr.files()[sec.file].path : std::string("(pagefile-backed)"),
                           sec.pages, resident, sec.views, sec.views == 1 ? "" : "s", sec.reserve ? ", SEC_RESERVE" : "");
        for (uint32_t page = 0; page < protos.size(); ++page) {
            const uint32_t p = protos[page];
            std::string what;
            if (p & 1) what = fmt::format("valid, frame 0x{:X}{}", p >> 12, (mmgr.pfn()[p >> 12].flags & mm::PfnEntry::kModified) ? " (modified)" : "");
            else if (p == 0) what = "reserved";
            else if (sec.kind == mm::DataSectionKind::Pagefile && mm::SoftwarePte::kind(p) == mm::PteKind::Pagefile)
                what = fmt::format("pagefile slot {}", p >> 12);
            else if (sec.kind == mm::DataSectionKind::Pagefile) what = "demand-zero";
            else continue;  // in the file: the usual state, not listed
            out << fmt::format("      page {:<5} prototype PTE {:08X}  {}\n", page, p, what);
        }
    }
}
// A process's regions, as VirtualQuery answers them (VMMap style).
void write_regions_text(const os::Machine& m, const os::Process& p, std::ostream& out) {
    const auto& mmgr = m.mm();
    const auto& sp = mmgr.space(p.space);
    out << fmt::format("  {:<10} {:<8} {:>10} {:<8} {:<20} {}\n", "Address", "Type", "Size", "State", "Protection", "Details");
    uint64_t va = 0;
    while (va < regions_end(mmgr, sp)) {
        mm::MemoryBasicInformation q;
        if (!mmgr.virtual_query(p.space, uint32_t(va), q).ok || q.region_size == 0) break;
        std::string details;
        if (q.state != mm::mem::kFree)
            details = fmt::format("allocation {:08X}, {}", q.allocation_base, mm::protection_name(q.allocation_protect));
        if (mmgr.in_compat_arena(p.space, q.base_address))
            details += std::string(" ") + tr("(MS-DOS/Win16 compatibility arena: the system's, the same in every process)");
        // Protection is VirtualQuery's Protect, for every state (nt reserved: 0; win95
        // reserved and free memory: NOACCESS).
        out << fmt::format("  {:08X}   {:<8} {:>10} {:<8} {:<20} {}\n", q.base_address, type_name(q.type),
                           size_text(q.region_size), state_name(q.state), mm::protection_name(q.protect), details);
        va = uint64_t(q.base_address) + q.region_size;
    }
}

// A process's page directory and its tables' non-zero entries (WinDbg !pte style).
void write_page_tables_text(const os::Machine& m, const os::Process& p, std::ostream& out) {
    const auto& mmgr = m.mm();
    const auto& sp = mmgr.space(p.space);
    out << "  " << tr("Page tables (WinDbg !pte style):") << "\n";
    const bool nt = sp.personality() == mm::Personality::Nt;
    for (uint32_t idx = 0; idx < listed_pdes(sp); ++idx) {
        const uint32_t pde = mmgr.ram().read_u32(sp.cr3() + idx * 4);
        if (!(pde & 1)) continue;
        const uint32_t table = pde >> 12;
        out << fmt::format("    PDE at {:08X} contains {:08X}  pfn {:<5X} {}  ({}page table for {:08X}-{:08X})\n",
                           nt ? nt_pde_va(idx << 22) : sp.cr3() + idx * 4, pde, table, windbg_flags(pde),
                           mmgr.shared_table(idx) == table ? "shared " : "", idx << 22, (idx << 22) + 0x3FFFFF);
        if (!mmgr.frame_exists(table)) {  // (a debugger's PDE)
            out << "      " << trf("(frame 0x{frame:X} is beyond the {frames} frames of RAM: no page table there)", "frame"_a = table,
                                      "frames"_a = mmgr.config().frames) << "\n";
            continue;
        }
        for (uint32_t i = 0; i < 1024; ++i) {
            const uint32_t pte = mmgr.ram().read_u32((table << 12) + i * 4);
            if (pte == 0) continue;
            const uint32_t va_i = (idx << 22) | (i << 12);
            out << fmt::format("      VA {:08X}  PTE at {:08X} contains {:08X}  ", va_i,
                               nt ? nt_pte_va(va_i) : (table << 12) + i * 4, pte);
            if (pte & 1) out << fmt::format("pfn {:<5X} {}\n", pte >> 12, windbg_flags(pte));
            else out << trf("not valid: {summary}", "summary"_a = pte_summary(mmgr, pte)) << "\n";
        }
    }
}

// Every frame in use (RAMMap style) and the list counts.
void write_physical_text(const os::Machine& m, std::ostream& out) {
    const auto& mmgr = m.mm();
    out << "\n" << tr("Physical memory (RAMMap style):") << "\n";
    out << fmt::format("  {:<6} {:<9} {:<16} {:<10} {:<10} {:>5}  {}\n", "Frame", "List", "Use", "Process", "VA", "Share", "PTE");
    for (uint32_t f = 0; f < mmgr.pfn().size(); ++f) {
        const mm::PfnEntry& e = mmgr.pfn()[f];
        if (e.state == mm::FrameState::Zeroed || e.state == mm::FrameState::Free) continue;
        std::string owner = e.owner == 0xFFFF ? "" : m.space_name(e.owner);
        std::string va;
        if (e.use == mm::FrameUse::Private) va = fmt::format("{:08X}", mmgr.va_of_pte(e.pte_address()));
        else if (e.use == mm::FrameUse::PageTable && (e.owner != 0xFFFF || mmgr.shared_table((e.pte_address() & 0xFFF) / 4) == f))
            va = fmt::format("{:08X}", ((e.pte_address() & 0xFFF) / 4) << 22);
        if (e.use == mm::FrameUse::Private && e.owner == 0xFFFF &&
            mmgr.in_shared_arena(mm::kNoSpace, mmgr.va_of_pte(e.pte_address())))
            owner = "shared";
        if (e.use == mm::FrameUse::Private && e.owner == 0xFFFF &&
            mmgr.in_compat_arena(mm::kNoSpace, mmgr.va_of_pte(e.pte_address())))
            owner = "system";  // win95's compatibility arena: the system VM's page
        if (e.use == mm::FrameUse::File || e.use == mm::FrameUse::PagefileSection)
            va = fmt::format("sec {} pg {}", e.proto_index().data_section(),
                             e.proto_index().data_page());
        out << fmt::format("  {:<6X} {:<9} {:<16} {:<10} {:<10} {:>5}  {}\n", f, mm::frame_state_name(e.state),
                           mm::frame_use_name(e.use), owner, va, e.share_count,
                           e.backlink_word() ? fmt::format("{:08X}", e.backlink_word()) : "");
    }
    out << fmt::format("  Free: {}  Zeroed: {}  Standby: {}  Modified: {}  Active (pageable): {}\n",
                       mmgr.pfn().list(mm::FrameList::Free).count, mmgr.pfn().list(mm::FrameList::Zeroed).count,
                       mmgr.pfn().list(mm::FrameList::Standby).count, mmgr.pfn().list(mm::FrameList::Modified).count,
                       mmgr.pfn().list(mm::FrameList::Active).count);
}

// The pagefile's used slots and whose page each holds.
void write_pagefile_text(const os::Machine& m, std::ostream& out) {
    const auto& mmgr = m.mm();
    out << "\n" << tr("Pagefile:") << "\n";
    const Mapper slots = map_slots(m);
    for (uint32_t s = 1; s <= mmgr.pagefile().capacity(); ++s) {
        if (!mmgr.pagefile().in_use(s)) continue;
        auto it = slots.slot_owner.find(s);
        out << fmt::format("  slot {:<5} {}\n", s,
                           it == slots.slot_owner.end() ? std::string("(unreferenced)")
                                                         : fmt::format("{} {:08X}", m.space_name(it->second.first), it->second.second));
    }
}

}  // namespace

void write_state_text(const os::Machine& m, std::ostream& out, const StateOptions& options) {
    const auto& mmgr = m.mm();
    out << trf("Machine: {personality} personality, {frames} frames ({free} free), pagefile {used} of {slots} slots used, CR3 {cr3:08X}",
               "personality"_a = mm::personality_name(mmgr.config().personality), "frames"_a = mmgr.pfn().size(), "free"_a = mmgr.frames_free(),
               "used"_a = mmgr.pagefile().used(), "slots"_a = mmgr.pagefile().capacity(), "cr3"_a = mmgr.cr3()) << "\n";
    out << trf("Commit charge: {charge} of {limit} pages", "charge"_a = mmgr.counter(mm::Counter::CommitCharge), "limit"_a = mmgr.commit_limit()) << "\n";
    for (const os::Process& p : m.processes()) {
        if (options.process && p.name != *options.process) continue;
        if (p.space == mm::kNoSpace) {
            out << "\n" << trf("Process {name} ({state}): no address space", "name"_a = p.name, "state"_a = os::process_state_name(p.state)) << "\n";
            continue;
        }
        const auto& sp = mmgr.space(p.space);
        if (!sp.alive()) {
            out << "\n" << trf("Process {name} ({state}), address space {space}: gone", "name"_a = p.name, "state"_a = os::process_state_name(p.state), "space"_a = p.space) << "\n";
            continue;
        }
        out << "\n" << trf("Process {name} ({state}), address space {space}, page directory frame 0x{frame:X} (CR3 {cr3:08X})", "name"_a = p.name,
                           "state"_a = os::process_state_name(p.state), "space"_a = p.space, "frame"_a = sp.page_directory(), "cr3"_a = sp.cr3()) << "\n";
        write_regions_text(m, p, out);
        write_page_tables_text(m, p, out);
    }
    if (!options.process) {
        write_physical_text(m, out);
        write_pagefile_text(m, out);
    }
    write_objects_text(m, out, options);
    out << "\n" << tr("Counters:") << "\n";
    for (size_t i = 0; i < mm::kCounterCount; ++i)
        out << fmt::format("  {:<20} {}\n", mm::counter_name(mm::Counter(i)), mmgr.counters()[i]);
}

namespace {

// One process: its regions (VirtualQuery) and its non-zero PTEs.
nlohmann::ordered_json process_json(const os::Machine& m, const os::Process& p) {
    const auto& mmgr = m.mm();
    nlohmann::ordered_json pj;
    if (p.space == mm::kNoSpace) {
        pj["name"] = p.name;
        pj["state"] = os::process_state_name(p.state);
        return pj;
    }
    const auto& sp = mmgr.space(p.space);
    pj["name"] = p.name;
    pj["state"] = os::process_state_name(p.state);
    pj["page_directory"] = sp.page_directory();
    nlohmann::ordered_json regions = nlohmann::ordered_json::array();
    nlohmann::ordered_json ptes = nlohmann::ordered_json::array();
    if (sp.alive()) {
        uint64_t va = 0;
        while (va < regions_end(mmgr, sp)) {
            mm::MemoryBasicInformation q;
            if (!mmgr.virtual_query(p.space, uint32_t(va), q).ok || q.region_size == 0) break;
            regions.push_back({{"base", q.base_address}, {"allocation_base", q.allocation_base},
                               {"allocation_protect", mm::protection_name(q.allocation_protect)},
                               {"size", q.region_size}, {"state", state_name(q.state)},
                               {"protect", mm::protection_name(q.protect)}, {"type", type_name(q.type)}});
            va = uint64_t(q.base_address) + q.region_size;
        }
        for (uint32_t idx = 0; idx < listed_pdes(sp); ++idx) {
            const uint32_t pde = mmgr.ram().read_u32(sp.cr3() + idx * 4);
            if (!(pde & 1) || !mmgr.frame_exists(pde >> 12)) continue;
            for (uint32_t i = 0; i < 1024; ++i) {
                const uint32_t pte = mmgr.ram().read_u32(((pde >> 12) << 12) + i * 4);
                if (pte == 0) continue;
                ptes.push_back({{"va", (idx << 22) | (i << 12)}, {"pde", pde}, {"pte", pte},
                                {"kind", mm::pte_kind_name(SoftwarePte::kind(pte))}, {"text", pte_summary(mmgr, pte)}});
            }
        }
    }
    pj["regions"] = regions;
    pj["ptes"] = ptes;
    return pj;
}

// Handles, file mapping objects and data sections.
void objects_json(const os::Machine& m, nlohmann::ordered_json& j) {
    const auto& mmgr = m.mm();
    nlohmann::ordered_json handles = nlohmann::ordered_json::array();
    for (const os::Process& p : m.processes()) {
        if (p.space == mm::kNoSpace) continue;
        for (const auto& [h, e] : mmgr.handles(p.space))
            handles.push_back({{"process", p.name}, {"handle", h}, {"kind", e.kind == mm::HandleKind::File ? "file" : "mapping"},
                               {"object", e.object}, {"access", e.access}});
    }
    j["handles"] = handles;
    nlohmann::ordered_json mappings = nlohmann::ordered_json::array();
    for (const mm::MappingObject& o : mmgr.mappings())
        if (o.alive())
            mappings.push_back({{"id", o.id}, {"name", o.name}, {"protect", mm::protection_name(o.protect)}, {"size", o.size},
                                {"section", o.section}, {"handles", o.handles}, {"views", o.views}});
    j["mappings"] = mappings;
    nlohmann::ordered_json sections = nlohmann::ordered_json::array();
    for (const mm::DataSection& sec : mmgr.data_sections())
        if (sec.alive)
            sections.push_back({{"id", sec.id}, {"kind", sec.kind == mm::DataSectionKind::File ? "file" : "pagefile"},
                                {"file", sec.kind == mm::DataSectionKind::File ? mmgr.files()[sec.file].path : std::string()},
                                {"pages", sec.pages}, {"views", sec.views}, {"reserve", sec.reserve},
                                {"prototypes", mmgr.data_prototypes(sec.id)}});
    j["data_sections"] = sections;
}

}  // namespace

nlohmann::ordered_json state_json(const os::Machine& m, const StateOptions& options) {
    const auto& mmgr = m.mm();
    nlohmann::ordered_json j;
    j["personality"] = mm::personality_name(mmgr.config().personality);
    j["frames"] = mmgr.pfn().size();
    j["frames_free"] = mmgr.frames_free();
    j["commit_charge"] = mmgr.counter(mm::Counter::CommitCharge);
    j["commit_limit"] = mmgr.commit_limit();
    j["cr3"] = mmgr.cr3();
    nlohmann::ordered_json procs = nlohmann::ordered_json::array();
    for (const os::Process& p : m.processes()) {
        if (options.process && p.name != *options.process) continue;
        procs.push_back(process_json(m, p));
    }
    j["processes"] = procs;
    nlohmann::ordered_json frames = nlohmann::ordered_json::array();
    for (uint32_t f = 0; f < mmgr.pfn().size(); ++f) {
        const mm::PfnEntry& e = mmgr.pfn()[f];
        frames.push_back({{"frame", f}, {"state", mm::frame_state_name(e.state)}, {"use", mm::frame_use_name(e.use)},
                          {"owner", e.owner == 0xFFFF ? std::string() : m.space_name(e.owner)},
                          {"share_count", e.share_count}, {"pte_address", e.backlink_word()}});
    }
    j["physical"] = frames;
    nlohmann::ordered_json slots = nlohmann::ordered_json::array();
    for (uint32_t s = 1; s <= mmgr.pagefile().capacity(); ++s)
        if (mmgr.pagefile().in_use(s)) slots.push_back(s);
    j["pagefile_slots_in_use"] = slots;
    nlohmann::ordered_json counters;
    for (size_t i = 0; i < mm::kCounterCount; ++i) counters[std::string(mm::counter_name(mm::Counter(i)))] = mmgr.counters()[i];
    j["counters"] = counters;
    objects_json(m, j);
    return j;
}

namespace {
std::string bits_line(uint32_t e, bool is_pde) {
    const Pte p(e);
    return fmt::format("P={} R/W={} U/S={} PWT={} PCD={} A={} D={} {}={} G={} AVL={}{}{} frame=0x{:05X}", int(p.present()),
                       int(p.writable()), int(p.user()), int(p.write_through()), int(p.cache_disabled()), int(p.accessed()),
                       int(p.dirty()), is_pde ? "PS" : "PAT", int(p.large_page()), int(p.global()), (p.avl() >> 2) & 1,
                       (p.avl() >> 1) & 1, p.avl() & 1, p.frame());
}
// mm::arena_name's names, for the catalogue (the walk translates what it returns).
[[maybe_unused]] const char* const kArenaNames[] = {
    N_("no-access (NULL) region"), N_("user space"), N_("no-access guard below 2 GB"), N_("kernel space"), N_("NULL trap"),
    N_("MS-DOS/16-bit compatibility arena"), N_("private arena"), N_("shared arena"), N_("system arena")};
std::string binary(uint32_t v, int bits) {
    std::string s;
    for (int i = bits - 1; i >= 0; --i) s += ((v >> i) & 1) ? '1' : '0';
    return s;
}
}  // namespace

void write_walk_text(const os::Machine& m, uint16_t space, uint32_t va, std::ostream& out) {
    const auto& mmgr = m.mm();
    const auto& sp = mmgr.space(space);
    out << trf("Translating {va:08X} in {process}'s address space ({arena} arena)", "va"_a = va, "process"_a = m.space_name(space),
               "arena"_a = tr(mm::arena_name(sp.personality(), va))) << "\n";
    if (!sp.alive()) {
        out << "  " << tr("the process has no address space any more") << "\n";
        return;
    }
    out << "  " << trf("CR3 = {cr3:08X}: the page directory is frame 0x{frame:X}", "cr3"_a = sp.cr3(), "frame"_a = sp.page_directory()) << "\n";
    out << "  " << trf("{va:08X} = directory index 0x{pde:03X} | table index 0x{pte:03X} | byte offset 0x{offset:03X}", "va"_a = va,
                       "pde"_a = x86::pde_index(va), "pte"_a = x86::pte_index(va), "offset"_a = x86::page_offset(va)) << "\n";
    out << "             " << trf("bits 31-22 {pde}   bits 21-12 {pte}   bits 11-0 {offset}", "pde"_a = binary(x86::pde_index(va), 10),
                                     "pte"_a = binary(x86::pte_index(va), 10), "offset"_a = binary(x86::page_offset(va), 12)) << "\n";
    const auto info = mmgr.pte_info(space, va);
    out << fmt::format("  PDE = [CR3 + 0x{:03X} * 4] = [{:08X}] = {:08X}\n", x86::pde_index(va), info.pde_address, info.pde);
    out << "        " << bits_line(info.pde, true) << "\n";
    if (!info.table_present && (info.pde & 1)) {
        out << "  " << trf("The PDE names frame 0x{frame:X}, beyond the {frames} frames of RAM: an access stops there with an error "
                           "(a debugger wrote this entry; a real machine would take a machine check).",
                           "frame"_a = info.pde >> 12, "frames"_a = mmgr.config().frames) << "\n";
        return;
    }
    if (!info.table_present) {
        out << "  " << tr("The PDE is not present: no page table covers this address, so an access faults (error code P=0).") << "\n";
        if (const mm::Vad* vad = mmgr.vad_at(space, va); vad && vad->type == mm::VadType::Mapped) {
            const uint32_t index = mm::MemoryManager::view_proto(*vad, va >> 12);
            const bool committed = mmgr.page_state(space, va).state == mm::mem::kCommit;
            out << "  " << trf("The VAD {base:08X}-{end:08X} is a view of mapping object #{mapping}: the page is section {section}'s page {page}, whose "
                               "prototype PTE is {proto:08X}; {then}.",
                               "base"_a = vad->base(), "end"_a = vad->base() + vad->size() - 1, "mapping"_a = vad->mapping, "section"_a = vad->section,
                               "page"_a = mm::MemoryManager::data_proto_page(index), "proto"_a = mmgr.prototype(index),
                               "then"_a = committed ? tr("the first touch builds the PTE from it") : tr("it is reserved, so a touch is an access violation")) << "\n";
        } else if (vad) {
            out << "  " << trf("The VAD {base:08X}-{end:08X} ({type}) says the page is {state}.", "base"_a = vad->base(), "end"_a = vad->base() + vad->size() - 1,
                               "type"_a = mm::vad_type_name(vad->type), "state"_a = vad->mem_commit ? tr("committed (demand-zero)") : tr("reserved only")) << "\n";
        }
        else
            out << "  " << tr("No VAD covers it either: an access is an access violation.") << "\n";
        return;
    }
    out << "  " << trf("PTE = [page table {table:08X} + 0x{index:03X} * 4] = [{address:08X}] = {pte:08X}", "table"_a = info.pde & Pte::kFrameMask,
                       "index"_a = x86::pte_index(va), "address"_a = info.pte_address, "pte"_a = info.pte) << "\n";
    out << "        " << bits_line(info.pte, false) << "\n";
    if (!(info.pte & 1)) {
        out << "  " << trf("The PTE is not present; Windows reads its other bits: {summary}.", "summary"_a = pte_summary(mmgr, info.pte)) << "\n";
        out << "  " << tr("An access faults (error code P=0) and the memory manager resolves it from that.") << "\n";
        return;
    }
    const uint32_t pa = (info.pte & Pte::kFrameMask) | x86::page_offset(va);
    out << "  " << trf("physical address = frame 0x{frame:X} * 4096 + 0x{offset:03X} = {pa:08X}", "frame"_a = info.pte >> 12, "offset"_a = x86::page_offset(va), "pa"_a = pa) << "\n";
    if (!mmgr.frame_exists(info.pte >> 12)) {
        out << "  " << trf("frame 0x{frame:X} is beyond the {frames} frames of RAM: an access stops here with an error (a debugger "
                           "wrote this entry; a real machine would take a machine check).",
                           "frame"_a = info.pte >> 12, "frames"_a = mmgr.config().frames) << "\n";
        return;
    }
    out << "  " << trf("byte there = 0x{value:02X}", "value"_a = mmgr.ram().read(pa, 1)) << "\n";
    const bool user_ok = (info.pde & Pte::kUser) && (info.pte & Pte::kUser);
    const bool write_ok = (info.pde & Pte::kWrite) && (info.pte & Pte::kWrite);
    out << "  " << (!user_ok ? tr("user mode may not touch it") : write_ok ? tr("user mode may read and write") : tr("user mode may read but not write")) << "\n";
    if (user_ok && !write_ok && (info.pte & Pte::kSoftwareWrite))
        out << tr("  (the page is writable: R/W is held at 0 while a pagefile slot holds the same bytes (bit 11, NT's\n"
                  "   Write); the first write faults, and that dirty-bit fault frees the slot and sets R/W and D)\n");
}

nlohmann::ordered_json walk_json(const os::Machine& m, uint16_t space, uint32_t va) {
    const auto& mmgr = m.mm();
    const auto info = mmgr.pte_info(space, va);
    nlohmann::ordered_json j;
    j["va"] = va;
    j["cr3"] = mmgr.space(space).cr3();
    j["pde_index"] = x86::pde_index(va);
    j["pte_index"] = x86::pte_index(va);
    j["offset"] = x86::page_offset(va);
    j["pde_address"] = info.pde_address;
    j["pde"] = info.pde;
    j["table_present"] = info.table_present;
    if (info.table_present) {
        j["pte_address"] = info.pte_address;
        j["pte"] = info.pte;
        j["pte_kind"] = mm::pte_kind_name(info.kind);
        j["pte_text"] = pte_summary(mmgr, info.pte);
        if (info.pte & 1) j["pa"] = (info.pte & Pte::kFrameMask) | x86::page_offset(va);
    }
    return j;
}

}  // namespace pagelab::sim
