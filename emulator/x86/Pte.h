// 32-bit (non-PAE) page-directory and page-table entries, bit for bit as the Intel SDM
// (Vol. 3A §4.3, Figures 4-4, Tables 4-5 and 4-6) lays them out:
//
//   31                         12 11  9 8 7 6 5 4   3   2   1   0
//  +-----------------------------+-----+-+-+-+-+---+---+---+---+---+
//  |  page frame number (20 bits) | AVL |G|PS|D|A|PCD|PWT|U/S|R/W| P |
//  +-----------------------------+-----+-+-+-+-+---+---+---+---+---+
//
// In a PTE bit 7 is PAT; in a PDE it is PS (4 MB page, unused by PageLab: PSE is off) and D is
// ignored. The three AVL bits belong to the operating system; NT uses bit 9 for copy-on-write
// and bit 10 for "maps a prototype page" in a valid PTE. When P is 0 the other 31 bits are
// the operating system's: mm/SoftwarePte.h decodes them.
#pragma once

#include <cstdint>

namespace pagelab::x86 {

enum class Writable : bool { No = false, Yes = true };
enum class User : bool { No = false, Yes = true };

class Pte {
public:
    static constexpr uint32_t kPresent = 1u << 0;
    static constexpr uint32_t kWrite = 1u << 1;
    static constexpr uint32_t kUser = 1u << 2;
    static constexpr uint32_t kWriteThrough = 1u << 3;
    static constexpr uint32_t kCacheDisable = 1u << 4;
    static constexpr uint32_t kAccessed = 1u << 5;
    static constexpr uint32_t kDirty = 1u << 6;
    static constexpr uint32_t kLargePage = 1u << 7;  // PS in a PDE, PAT in a PTE
    static constexpr uint32_t kGlobal = 1u << 8;
    static constexpr uint32_t kCopyOnWrite = 1u << 9;  // AVL bit 0 (NT)
    static constexpr uint32_t kPrototype = 1u << 10;   // AVL bit 1 (NT)
    static constexpr uint32_t kAvl2 = 1u << 11;        // AVL bit 2
    // NT (multiprocessor kernels) keeps a writable page's R/W clear until its first write when a
    // clean copy of it is on disk; this software bit says the page may be written (MMPTE "Write").
    static constexpr uint32_t kSoftwareWrite = kAvl2;
    static constexpr uint32_t kFrameMask = 0xFFFFF000u;

    constexpr Pte() = default;
    constexpr explicit Pte(uint32_t raw) : m_raw(raw) {}

    static constexpr Pte make_valid(uint32_t frame, Writable w, User u) {
        return Pte((frame << 12) | kPresent | (w == Writable::Yes ? kWrite : 0) |
                   (u == User::Yes ? kUser : 0));
    }

    constexpr uint32_t raw() const { return m_raw; }
    constexpr bool is_zero() const { return m_raw == 0; }
    constexpr bool present() const { return m_raw & kPresent; }
    constexpr bool writable() const { return m_raw & kWrite; }
    constexpr bool user() const { return m_raw & kUser; }
    constexpr bool write_through() const { return m_raw & kWriteThrough; }
    constexpr bool cache_disabled() const { return m_raw & kCacheDisable; }
    constexpr bool accessed() const { return m_raw & kAccessed; }
    constexpr bool dirty() const { return m_raw & kDirty; }
    constexpr bool large_page() const { return m_raw & kLargePage; }
    constexpr bool global() const { return m_raw & kGlobal; }
    constexpr bool copy_on_write() const { return m_raw & kCopyOnWrite; }
    constexpr bool prototype() const { return m_raw & kPrototype; }
    constexpr bool software_write() const { return m_raw & kSoftwareWrite; }
    constexpr uint32_t avl() const { return (m_raw >> 9) & 7u; }
    constexpr uint32_t frame() const { return m_raw >> 12; }

    constexpr Pte with(uint32_t bits, bool on) const { return Pte(on ? (m_raw | bits) : (m_raw & ~bits)); }
    constexpr Pte with_frame(uint32_t frame) const { return Pte((m_raw & ~kFrameMask) | (frame << 12)); }

    constexpr bool operator==(const Pte&) const = default;

private:
    uint32_t m_raw = 0;
};
static_assert(sizeof(Pte) == 4, "a PTE is one 32-bit word");

// A linear address splits into directory index, table index and byte offset (SDM Figure 4-2).
constexpr uint32_t pde_index(uint32_t va) { return va >> 22; }
constexpr uint32_t pte_index(uint32_t va) { return (va >> 12) & 0x3FFu; }
constexpr uint32_t page_offset(uint32_t va) { return va & 0xFFFu; }
constexpr uint32_t page_base(uint32_t va) { return va & ~0xFFFu; }
constexpr uint32_t vpn(uint32_t va) { return va >> 12; }

// Page-fault error code pushed by the processor (SDM Vol. 3A §4.7, Figure 4-12).
namespace pf {
inline constexpr uint32_t kProtection = 1u << 0;  // 0: not present; 1: protection violation
inline constexpr uint32_t kWrite = 1u << 1;       // the access was a write
inline constexpr uint32_t kUser = 1u << 2;        // the access came from user mode (CPL 3)
}  // namespace pf

}  // namespace pagelab::x86
