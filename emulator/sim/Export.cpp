#include "sim/Export.h"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "mm/SoftwarePte.h"

namespace pagelab::sim {

using mm::SoftwarePte;
using x86::Pte;

// ---------------------------------------------------------------------------------------------
// CSV

std::string csv_field(std::string_view text) {
    const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                       (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csv_field(fields[i]);
    }
    out += "\r\n";
    return out;
}

std::string vmmap_protection(uint32_t win32) {
    std::string out;
    switch (win32 & 0xFFu) {
        case mm::page::kNoAccess: out = "No access"; break;
        case mm::page::kReadOnly: out = "Read"; break;
        case mm::page::kReadWrite: out = "Read/Write"; break;
        case mm::page::kWriteCopy: out = "Write Copy"; break;
        case mm::page::kExecute: out = "Execute"; break;
        case mm::page::kExecuteRead: out = "Execute/Read"; break;
        case mm::page::kExecuteReadWrite: out = "Execute/Read/Write"; break;
        case mm::page::kExecuteWriteCopy: out = "Execute/Write Copy"; break;
        default: break;
    }
    if (win32 & mm::page::kGuard) out += "/Guard";
    if (win32 & mm::page::kNoCache) out += "/No cache";
    return out;
}

namespace {

std::string kb(uint64_t bytes) { return fmt::format("{}", (bytes + 1023) / 1024); }

// Where the region table of a process ends (as `pagelab state`): user space, and under win95 the
// shared arena once it holds regions.
uint64_t regions_end(const mm::MemoryManager& mmgr, const mm::AddressSpace& sp) {
    if (sp.layout().shared_begin && !mmgr.shared_vads().empty()) return sp.layout().shared_end;
    return sp.layout().user_end;
}

// Page counts of a range of one process, as VMMap sums them.
struct PageSums {
    uint64_t committed = 0, private_ = 0, total_ws = 0, private_ws = 0, shareable_ws = 0, shared_ws = 0;
};

bool section_use(mm::FrameUse u) {
    return u == mm::FrameUse::Image || u == mm::FrameUse::File || u == mm::FrameUse::PagefileSection;
}

PageSums sum_pages(const mm::MemoryManager& mmgr, uint16_t space, const mm::Vad& vad, uint32_t first_vpn, uint32_t end_vpn) {
    PageSums s;
    for (uint32_t vpn = first_vpn; vpn < end_vpn;) {
        const uint32_t va = vpn << 12;
        const auto info = mmgr.pte_info(space, va);
        if (!info.table_present && vad.type != mm::VadType::Mapped) {
            // No page table: every PTE of the 4 MB range is zero, the VAD alone decides.
            const uint32_t stop = std::min(end_vpn, ((vpn >> 10) + 1) << 10);
            if (mmgr.page_state(space, va).state == mm::mem::kCommit) {
                s.committed += stop - vpn;
                if (vad.type == mm::VadType::Private) s.private_ += stop - vpn;
            }
            vpn = stop;
            continue;
        }
        const bool committed = mmgr.page_state(space, va).state == mm::mem::kCommit;
        const uint32_t pte = info.table_present ? info.pte : 0;
        const auto kind = SoftwarePte::kind(pte);
        std::optional<uint32_t> frame;
        if ((kind == mm::PteKind::Valid || kind == mm::PteKind::Transition) && mmgr.frame_exists(pte >> 12)) frame = pte >> 12;
        const mm::FrameUse use = frame ? mmgr.pfn()[*frame].use : mm::FrameUse::None;
        if (committed) ++s.committed;
        if (vad.type == mm::VadType::Private) {
            if (committed) ++s.private_;
        } else if ((frame && use == mm::FrameUse::Private) || kind == mm::PteKind::Pagefile) {
            ++s.private_;  // a private copy of an image or view page
        }
        if (kind == mm::PteKind::Valid && frame) {
            ++s.total_ws;
            if (section_use(use)) {
                ++s.shareable_ws;
                if (mmgr.pfn()[*frame].share_count > 1) ++s.shared_ws;
            } else {
                ++s.private_ws;
            }
        }
        ++vpn;
    }
    return s;
}

std::string region_type(const mm::MemoryManager& mmgr, const mm::Vad& v) {
    if (v.type == mm::VadType::Image) return "Image";
    if (v.type == mm::VadType::Mapped) {
        if (v.section < mmgr.data_sections().size() && mmgr.data_sections()[v.section].kind == mm::DataSectionKind::File)
            return "Mapped File";
        return "Shareable";
    }
    return "Private Data";
}

std::string region_details(const mm::MemoryManager& mmgr, uint16_t space, const mm::Vad& v) {
    std::string d;
    if (v.type == mm::VadType::Image && v.section < mmgr.sections().size()) {
        const uint32_t file = mmgr.sections()[v.section].file;
        if (file < mmgr.files().size()) d = mmgr.files()[file].path;
    } else if (v.type == mm::VadType::Mapped) {
        if (v.section < mmgr.data_sections().size()) {
            const mm::DataSection& s = mmgr.data_sections()[v.section];
            if (s.kind == mm::DataSectionKind::File && s.file < mmgr.files().size()) d = mmgr.files()[s.file].path;
        }
        if (d.empty() && v.mapping < mmgr.mappings().size() && !mmgr.mappings()[v.mapping].name.empty())
            d = mmgr.mappings()[v.mapping].name;
    }
    if (mmgr.in_compat_arena(space, v.base())) d = "MS-DOS/Win16 compatibility arena (the system's, the same in every process)";
    else if (mmgr.in_shared_arena(space, v.base())) d += d.empty() ? "shared arena" : " (shared arena)";
    return d;
}

std::string hex8(uint32_t v) { return fmt::format("{:08X}", v); }

}  // namespace

void write_regions_csv(const os::Machine& m, std::ostream& out, const StateOptions& options) {
    const auto& mmgr = m.mm();
    out << csv_record({"Process", "Address", "Type", "Size", "Committed", "Private", "Total WS", "Private WS", "Shareable WS",
                       "Shared WS", "Blocks", "Protection", "Details"});
    for (const os::Process& p : m.processes()) {
        if (options.process && p.name != *options.process) continue;
        if (p.space == mm::kNoSpace || !mmgr.space(p.space).alive()) continue;
        const auto& sp = mmgr.space(p.space);
        const uint64_t end = regions_end(mmgr, sp);
        uint64_t va = 0;
        while (va < end) {
            mm::MemoryBasicInformation q;
            if (!mmgr.virtual_query(p.space, uint32_t(va), q).ok || q.region_size == 0) break;
            const mm::Vad* vad = q.state == mm::mem::kFree ? nullptr : mmgr.vad_at(p.space, q.base_address);
            if (!vad) {
                out << csv_record({p.name, hex8(q.base_address), "Free", kb(q.region_size), "", "", "", "", "", "", "", "", ""});
                va = uint64_t(q.base_address) + q.region_size;
                continue;
            }
            // The allocation: its blocks, from the VAD's base to its end.
            std::vector<mm::MemoryBasicInformation> blocks;
            for (uint64_t b = vad->base(); b < uint64_t(vad->base()) + vad->size();) {
                mm::MemoryBasicInformation bq;
                if (!mmgr.virtual_query(p.space, uint32_t(b), bq).ok || bq.region_size == 0) break;
                blocks.push_back(bq);
                b = uint64_t(bq.base_address) + bq.region_size;
            }
            const std::string type = region_type(mmgr, *vad);
            auto row = [&](const std::string& address, uint32_t first_vpn, uint32_t end_vpn, const std::string& blocks_text,
                           const std::string& protection, const std::string& details) {
                const PageSums s = sum_pages(mmgr, p.space, *vad, first_vpn, end_vpn);
                out << csv_record({p.name, address, type, kb(uint64_t(end_vpn - first_vpn) << 12), kb(s.committed << 12),
                                   kb(s.private_ << 12), kb(s.total_ws << 12), kb(s.private_ws << 12), kb(s.shareable_ws << 12),
                                   kb(s.shared_ws << 12), blocks_text, protection, details});
            };
            row(hex8(vad->base()), vad->start_vpn, vad->end_vpn, std::to_string(blocks.size()), vmmap_protection(vad->allocation_protect),
                region_details(mmgr, p.space, *vad));
            if (blocks.size() > 1)
                for (const auto& bq : blocks)
                    row("  " + hex8(bq.base_address), bq.base_address >> 12, (bq.base_address >> 12) + (bq.region_size >> 12), "",
                        vmmap_protection(bq.protect), "");
            va = uint64_t(vad->base()) + vad->size();
        }
    }
}

void write_frames_csv(const os::Machine& m, std::ostream& out) {
    const auto& mmgr = m.mm();
    out << csv_record({"Physical Address", "List", "Use", "Priority", "Image", "Offset", "File Name", "Process", "Virtual Address"});
    std::string buf;
    for (uint32_t f = 0; f < mmgr.pfn().size(); ++f) {
        const mm::PfnEntry& e = mmgr.pfn()[f];
        const bool in_use = e.state != mm::FrameState::Free && e.state != mm::FrameState::Zeroed;
        std::string offset, file, process, va;
        if (e.use == mm::FrameUse::Image && e.proto_index().raw() < mmgr.prototypes().size() && !mmgr.sections().empty()) {
            const mm::ImageSection& sec = mmgr.section_of_proto(e.proto_index().raw());
            const uint32_t page = e.proto_index().raw() - sec.first_proto;
            if (page < sec.pages.size()) offset = fmt::format("0x{:X}", sec.pages[page].file_offset);
            if (sec.file < mmgr.files().size()) file = mmgr.files()[sec.file].path;
        } else if ((e.use == mm::FrameUse::File || e.use == mm::FrameUse::PagefileSection) && e.proto_index().is_data()) {
            const uint32_t id = e.proto_index().data_section();
            if (id < mmgr.data_sections().size() && mmgr.data_sections()[id].kind == mm::DataSectionKind::File) {
                offset = fmt::format("0x{:X}", uint64_t(e.proto_index().data_page()) << 12);
                const uint32_t fi = mmgr.data_sections()[id].file;
                if (fi < mmgr.files().size()) file = mmgr.files()[fi].path;
            }
        }
        if (in_use && e.owner != 0xFFFF) process = m.space_name(e.owner);
        if (in_use && e.use == mm::FrameUse::Private) {
            const uint32_t v = mmgr.va_of_pte(e.pte_address());
            va = hex8(v);
            if (e.owner == 0xFFFF) process = mmgr.in_compat_arena(mm::kNoSpace, v) ? "system" : mmgr.in_shared_arena(mm::kNoSpace, v) ? "shared" : "";
        } else if (in_use && e.use == mm::FrameUse::PageTable && (e.owner != 0xFFFF || mmgr.shared_table((e.pte_address() & 0xFFF) / 4) == f)) {
            va = hex8(((e.pte_address() & 0xFFF) / 4) << 22);
        }
        buf += csv_record({fmt::format("0x{:08X}", uint64_t(f) << 12), mm::frame_state_name(e.state),
                           in_use ? mm::frame_use_name(e.use) : "Unused", in_use ? "5" : "", e.use == mm::FrameUse::Image ? "Yes" : "No",
                           offset, file, process, va});
        if (buf.size() >= (1 << 16)) {
            out << buf;
            buf.clear();
        }
    }
    out << buf;
}

void write_state_csv(const os::Machine& m, std::ostream& out, CsvTable table, const StateOptions& options) {
    if (table != CsvTable::Frames) write_regions_csv(m, out, options);
    if (table == CsvTable::All) out << "\r\n";
    if (table != CsvTable::Regions) write_frames_csv(m, out);
}

// ---------------------------------------------------------------------------------------------
// WinDbg

namespace {

bool is_nt(const mm::MemoryManager& mmgr) { return mmgr.config().personality == mm::Personality::Nt; }
// The NT self-map: the PTE of va at 0xC0000000 + (va >> 12) * 4, the PDE at 0xC0300000 + (va >> 22) * 4.
// Windows 95 had no such map: its entries are shown at their physical addresses.
uint32_t pde_at(const mm::MemoryManager& mmgr, const mm::AddressSpace& sp, uint32_t va) {
    return is_nt(mmgr) ? 0xC0300000u + (va >> 22) * 4 : sp.cr3() + (va >> 22) * 4;
}
uint32_t pte_at(const mm::MemoryManager& mmgr, const mm::MemoryManager::PteInfo& info, uint32_t va) {
    return is_nt(mmgr) ? 0xC0000000u + (va >> 12) * 4 : info.pte_address ? info.pte_address : (info.pde & ~0xFFFu) + x86::pte_index(va) * 4;
}

// Kd's names of the 5-bit MM protection ("Protect: 4 - ReadWrite").
std::string mm_protect_text(uint32_t p) {
    static const char* const kBase[] = {"NoAccess", "Readonly", "Execute", "ExecuteRead", "ReadWrite", "WriteCopy", "ReadWriteExecute",
                                        "ReadWriteExecuteCopy"};
    if (p == mm::mmprot::kDecommit) return fmt::format("{:x} - Decommitted", p);
    if (p == mm::mmprot::kNoAccess) return fmt::format("{:x} - NoAccess", p);
    std::string out = fmt::format("{:x} - {}", p, kBase[p & 7]);
    if (p & mm::mmprot::kNoCache) out += " NoCache";
    if (p & mm::mmprot::kGuard) out += " Guard";
    return out;
}

constexpr int kColumn = 27;  // where the PTE column starts

std::string pad(std::string s) {
    if (s.size() < size_t(kColumn)) s.resize(kColumn, ' ');
    return s;
}

// Balanced-tree levels of n VADs in address order (NT keeps them in an AVL tree; PageLab in a
// sorted map): the middle one is the root.
void tree_levels(std::vector<int>& level, size_t lo, size_t hi, int depth) {
    if (lo >= hi) return;
    const size_t mid = (lo + hi - 1) / 2;
    level[mid] = depth;
    tree_levels(level, lo, mid, depth + 1);
    tree_levels(level, mid + 1, hi, depth + 1);
}

}  // namespace

std::string windbg_vad(const os::Machine& m, uint16_t space) {
    const auto& mmgr = m.mm();
    std::vector<const mm::Vad*> vads;
    if (mmgr.space(space).alive())
        for (const mm::Vad* v : mmgr.regions(space))
            if (v != &mm::MemoryManager::compat_arena()) vads.push_back(v);
    std::vector<int> level(vads.size(), 0);
    tree_levels(level, 0, vads.size(), 0);
    std::string out = "VAD     level      start      end    commit\n";
    int sum = 0, depth = 0;
    for (size_t i = 0; i < vads.size(); ++i) {
        const mm::Vad& v = *vads[i];
        uint32_t commit = 0;
        if (v.type == mm::VadType::Private) {
            for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn)
                if (mmgr.page_state(space, vpn << 12).state == mm::mem::kCommit) ++commit;
        } else {
            commit = uint32_t(sum_pages(mmgr, space, v, v.start_vpn, v.end_vpn).private_);
        }
        const std::string type = v.type == mm::VadType::Private ? "Private" : v.type == mm::VadType::Image ? "Mapped  Exe" : "Mapped";
        std::string details = region_details(mmgr, space, v);
        // (A made-up kernel address per VAD: PageLab's VADs live in no kernel pool.)
        const uint32_t vad_address = 0x8A000000u + (uint32_t(space) * 256 + uint32_t(i)) * 0x40u;
        out += fmt::format("{:08x} ({:2}) {:>10x} {:>8x} {:>9} {:<13}{}{}\n", vad_address, level[i], v.start_vpn, v.end_vpn - 1, commit, type,
                           mm::protection_name(v.allocation_protect), details.empty() ? "" : "  " + details);
        sum += level[i] + 1;
        depth = std::max(depth, level[i]);
    }
    out += fmt::format("\nTotal VADs: {:5}  average level: {:4}  maximum depth: {}\n", vads.size(),
                       vads.empty() ? 0 : sum / int(vads.size()), depth);
    return out;
}

std::string windbg_pte(const os::Machine& m, uint16_t space, uint32_t va) {
    const auto& mmgr = m.mm();
    const auto& sp = mmgr.space(space);
    const auto info = mmgr.pte_info(space, va);
    std::string out = fmt::format("{:>31}\n", fmt::format("VA {:08x}", va));
    out += pad(fmt::format("PDE at {:08X}", pde_at(mmgr, sp, va))) + fmt::format("PTE at {:08X}\n", pte_at(mmgr, info, va));
    const bool pde_valid = (info.pde & 1) != 0;
    if (!pde_valid) {
        out += fmt::format("contains {:08X}\nnot valid\n", info.pde);
        return out;
    }
    out += pad(fmt::format("contains {:08X}", info.pde)) + fmt::format("contains {:08X}\n", info.table_present ? info.pte : 0u);
    out += pad(fmt::format("pfn {:<10x}{}", info.pde >> 12, windbg_flags(info.pde)));
    if (!info.table_present) {
        out += "(page table beyond RAM)\n";
        return out;
    }
    const uint32_t pte = info.pte;
    if (pte & 1) {
        out += fmt::format("pfn {:<10x}{}\n", pte >> 12, windbg_flags(pte));
        return out;
    }
    out += "not valid\n";
    const std::string indent(kColumn, ' ');
    switch (SoftwarePte::kind(pte)) {
        case mm::PteKind::Zero: break;
        case mm::PteKind::DemandZero:
            out += indent + "DemandZero\n" + indent + "Protect: " + mm_protect_text(SoftwarePte::protection(pte)) + "\n";
            break;
        case mm::PteKind::Pagefile:
            out += indent + "PageFile:  0\n" + indent + fmt::format("Offset: {:x}\n", SoftwarePte::slot(pte)) + indent + "Protect: " +
                   mm_protect_text(SoftwarePte::protection(pte)) + "\n";
            break;
        case mm::PteKind::Transition:
            out += indent + fmt::format("Transition: {:x}\n", SoftwarePte::frame(pte)) + indent + "Protect: " +
                   mm_protect_text(SoftwarePte::protection(pte)) + "\n";
            break;
        case mm::PteKind::Prototype:
            // NT stores the prototype PTE's address here; PageLab stores its index.
            out += indent + fmt::format("Proto: {:08X}\n", SoftwarePte::prototype_index(pte));
            break;
        case mm::PteKind::Decommitted: out += indent + "Protect: " + mm_protect_text(SoftwarePte::protection(pte)) + "\n"; break;
        case mm::PteKind::Valid: break;
    }
    return out;
}

std::string windbg_pfn(const os::Machine& m, uint32_t frame) {
    const auto& mmgr = m.mm();
    const mm::PfnEntry& e = mmgr.pfn()[frame];
    const bool active = e.state == mm::FrameState::Active;
    // pteaddress: the entry mapping the frame, at its self-map address under nt.
    // (A section frame's is its prototype PTE's index, shown as the word it is.)
    uint32_t pte_address = e.backlink_word(), containing = 0;
    if (e.use == mm::FrameUse::Private || e.use == mm::FrameUse::PageTable || e.use == mm::FrameUse::PageDirectory ||
        e.use == mm::FrameUse::System) {
        const mm::PteAddress mapped_by = e.pte_address();
        containing = mapped_by >> 12;
        if (is_nt(mmgr) && mapped_by) {
            if (e.use == mm::FrameUse::Private) pte_address = 0xC0000000u + (mmgr.va_of_pte(mapped_by) >> 12) * 4;
            else if (e.use == mm::FrameUse::PageTable) pte_address = 0xC0300000u + (mapped_by & 0xFFFu);
        }
        if (e.use == mm::FrameUse::PageDirectory) {
            pte_address = is_nt(mmgr) ? 0xC0300C00u : frame << 12;
            containing = frame;
        }
    }
    const uint32_t flink = active ? 0 : e.flink;
    const uint32_t blink = active ? e.share_count : e.blink;
    const bool modified = (e.flags & mm::PfnEntry::kModified) != 0;
    std::string out = fmt::format("    PFN {:08X} at address {:08X}\n", frame, 0x81000000u + frame * 0x18u);
    out += fmt::format("    flink       {:08X}  blink / share count {:08X}  pteaddress {:08X}\n", flink, blink, pte_address);
    out += fmt::format("    reference count {:04X}                                 color 0\n", active ? 1 : 0);
    std::string last = fmt::format("    restore pte {:08X}  containing page        {:06X}  {:<11}{}", e.original_pte, containing,
                                   mm::frame_state_name(e.state), modified ? "M" : "");
    while (last.back() == ' ') last.pop_back();
    out += last + "\n";
    if (modified) out += "    Modified\n";
    return out;
}

void write_state_windbg(const os::Machine& m, std::ostream& out, const StateOptions& options) {
    const auto& mmgr = m.mm();
    for (const os::Process& p : m.processes()) {
        if (options.process && p.name != *options.process) continue;
        if (p.space == mm::kNoSpace || !mmgr.space(p.space).alive()) {
            out << fmt::format("\n* Process {} ({}): no address space\n", p.name, os::process_state_name(p.state));
            continue;
        }
        const auto& sp = mmgr.space(p.space);
        out << fmt::format("\n* Process {} (address space {}), DirBase {:08x}\n", p.name, p.space, sp.cr3());
        out << "\nkd> !vad\n" << windbg_vad(m, p.space);
        const mm::Layout& lay = sp.layout();
        const uint32_t limit = lay.shared_begin ? lay.shared_end >> 22 : uint32_t((uint64_t(lay.user_end) + 0x3FFFFF) >> 22);
        for (uint32_t idx = 0; idx < limit; ++idx) {
            const uint32_t pde = mmgr.ram().read_u32(sp.cr3() + idx * 4);
            if (!(pde & 1) || !mmgr.frame_exists(pde >> 12)) continue;
            for (uint32_t i = 0; i < 1024; ++i) {
                if (mmgr.ram().read_u32((pde & ~0xFFFu) + i * 4) == 0) continue;
                const uint32_t va = (idx << 22) | (i << 12);
                out << fmt::format("\nkd> !pte {:x}\n", va) << windbg_pte(m, p.space, va);
            }
        }
    }
    if (options.process) return;
    for (uint32_t f = 0; f < mmgr.pfn().size(); ++f) {
        const mm::PfnEntry& e = mmgr.pfn()[f];
        if (e.state == mm::FrameState::Free || e.state == mm::FrameState::Zeroed) continue;
        out << fmt::format("\nkd> !pfn {:x}\n", f) << windbg_pfn(m, f);
    }
}

}  // namespace pagelab::sim
