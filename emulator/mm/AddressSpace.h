// An address space: its page directory (CR3), its personality's layout and its regions —
// NT's VADs (virtual address descriptors), one per reservation. Which pages of a VAD are
// committed, and with what protection, is kept where NT keeps it: in the PTEs (a zero PTE means
// "ask the VAD", and a VAD created with MEM_COMMIT answers "committed").
#pragma once

#include <cstdint>
#include <vector>
#include <map>
#include <optional>
#include <string>

namespace pagelab::mm {

enum class Personality : uint8_t { Nt, Win95 };
const char* personality_name(Personality p);

enum class VadType : uint8_t { Private, Mapped, Image };
const char* vad_type_name(VadType t);

struct Vad {
    uint32_t start_vpn = 0;
    uint32_t end_vpn = 0;  // exclusive
    VadType type = VadType::Private;
    uint32_t allocation_protect = 0;  // Win32 PAGE_* value given at reservation
    bool mem_commit = false;          // reserved and committed in one call: zero PTEs are committed
    uint32_t section = 0xFFFFFFFFu;   // image VADs: the image section mapped (page i = prototype first+i)
    // Image VADs: the process's own protection of each page VirtualProtect changed while the page
    // is not a private copy (MM protection + 1; 0 = the prototype PTE's). Empty: none changed.
    // NT keeps this in the process PTE (MI_PTE_LOOKUP_NEEDED form) and the working-set list entry
    // (docs/x86-paging.md "Protection of shared image pages").
    std::vector<uint8_t> own_protection;
    // Mapped VADs (views): the data section's page the view starts at (offset / 4 KB) and the
    // file mapping object it was mapped through. `section` is the data section.
    uint32_t offset_page = 0;
    uint32_t mapping = 0xFFFFFFFFu;
    // Shared-arena VADs (win95, MemoryManager::shared_vads()): the address spaces using the
    // region, in ascending order. The region lives until the last one is gone. Empty for a
    // process's own VADs.
    std::vector<uint16_t> users;
    // MEM_WRITE_WATCH (private regions): the region keeps GetWriteWatch's bitmap.
    bool write_watch = false;
    // Per page (index from start_vpn), kPageWritten: written since the last ResetWriteWatch;
    // kPageLocked: locked by VirtualLock. Empty: no page has a mark.
    std::vector<uint8_t> page_marks;
    static constexpr uint8_t kPageWritten = 1, kPageLocked = 2;
    bool has_mark(uint32_t vpn, uint8_t mark) const {
        const uint32_t i = vpn - start_vpn;
        return i < page_marks.size() && (page_marks[i] & mark);
    }

    uint32_t base() const { return start_vpn << 12; }
    uint32_t size() const { return (end_vpn - start_vpn) << 12; }
    bool contains_vpn(uint32_t vpn) const { return vpn >= start_vpn && vpn < end_vpn; }
    bool operator==(const Vad&) const = default;
};

// The address-space layout of a personality (DESIGN.md §2, WINDOWS.md "Windows 95 layout").
struct Layout {
    uint32_t null_trap_end;      // accesses below trap as NULL-pointer dereferences
    uint32_t alloc_lowest;       // lowest address VirtualAlloc hands out
    uint32_t user_end;           // first address past private user space (exclusive)
    uint32_t shared_begin;       // win95 shared arena (0 = none)
    uint32_t shared_end;
    uint32_t system_begin;       // kernel (nt) or system arena (win95)
    bool system_user_accessible; // win95: the system arena is not protected from user code
};
const Layout& layout_of(Personality p);

// Lookups over a set of VADs keyed by start VPN: an address space's own, or the memory
// manager's shared-arena set.
using VadMap = std::map<uint32_t, Vad>;
const Vad* find_vad_in(const VadMap& vads, uint32_t va);
const Vad* next_vad_in(const VadMap& vads, uint32_t vpn);
bool range_is_free_in(const VadMap& vads, uint32_t start_vpn, uint32_t end_vpn);
std::optional<uint32_t> find_gap_in(const VadMap& vads, uint32_t pages, uint32_t low, uint32_t high, bool top_down);

// Names the arena an address falls in ("null trap", "private arena", "shared arena", ...).
const char* arena_name(Personality p, uint32_t va);

class AddressSpace {
public:
    AddressSpace(uint16_t id, Personality personality) : m_id(id), m_personality(personality) {}

    uint16_t id() const { return m_id; }
    Personality personality() const { return m_personality; }
    const Layout& layout() const { return layout_of(m_personality); }
    uint32_t page_directory() const { return m_pd_frame; }  // frame number (CR3 >> 12)
    uint32_t cr3() const { return m_pd_frame << 12; }
    bool alive() const { return m_alive; }
    const std::map<uint32_t, Vad>& vads() const { return m_vads; }

    // The process's own VADs only. Under win95 the shared arena's regions are not here: ask
    // MemoryManager::vad_at / regions, which see both.
    // (The VAD found last is tried first: a run of faults mostly falls in one region.)
    const Vad* find_vad(uint32_t va) const {
        if (const Vad* v = m_last_found.vad; v && v->contains_vpn(va >> 12)) return v;
        return m_last_found.vad = find_vad_in(m_vads, va);
    }
    // First VAD whose start is >= vpn, or null.
    const Vad* next_vad(uint32_t vpn) const { return next_vad_in(m_vads, vpn); }
    bool range_is_free(uint32_t start_vpn, uint32_t end_vpn) const { return range_is_free_in(m_vads, start_vpn, end_vpn); }
    // Lowest (or highest, top_down) 64 KB-aligned base in [low, high) with `pages` free pages.
    std::optional<uint32_t> find_gap(uint32_t pages, uint32_t low, uint32_t high, bool top_down) const {
        return find_gap_in(m_vads, pages, low, high, top_down);
    }

    // Raw mutators for the memory manager (which journals) and for undo/redo.
    void raw_insert(const Vad& v) {
        m_last_found.vad = nullptr;
        m_vads[v.start_vpn] = v;
    }
    void raw_erase(uint32_t start_vpn) {
        m_last_found.vad = nullptr;
        m_vads.erase(start_vpn);
    }
    void raw_set_page_directory(uint32_t frame) { m_pd_frame = frame; }
    void raw_set_alive(bool alive) { m_alive = alive; }

private:
    uint16_t m_id;
    Personality m_personality;
    uint32_t m_pd_frame = 0;
    bool m_alive = true;
    std::map<uint32_t, Vad> m_vads;  // key: start_vpn
    // find_vad's hint: a VAD of m_vads or null; a copy starts without one (it would point into
    // the other space's map).
    struct Hint {
        const Vad* vad = nullptr;
        Hint() = default;
        Hint(const Hint&) {}
        Hint& operator=(const Hint&) {
            vad = nullptr;
            return *this;
        }
    };
    mutable Hint m_last_found;
};

}  // namespace pagelab::mm
