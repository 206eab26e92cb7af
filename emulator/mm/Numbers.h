// The numbers the memory manager passes around, named by what they mean. A bare uint32_t in the
// memory manager can be a frame, a PTE's physical address, a prototype PTE's index or a virtual
// address; these types keep the first and third apart from the rest at the parts' interfaces.
#pragma once

#include <cstdint>

namespace pagelab::mm {

// An address space's id: the index of its mm::AddressSpace, in creation order.
using SpaceId = uint16_t;
// No address space: the owner of a frame no process owns, an event of the whole machine.
inline constexpr SpaceId kNoSpace = 0xFFFF;
// The win95 shared arena seen as a space of its own: the VAD set and the page tables every win95
// process shares (journaled as Store::Vad with this target; a frame mapped there has no owner, so
// the value is kNoSpace's).
inline constexpr SpaceId kSharedArena = kNoSpace;

// A physical frame's number (its physical address >> 12). Made only on purpose — FrameNumber(n),
// FrameNumber::of_entry(pte) — so that a PTE's address or a prototype index cannot pass for one at a
// part's interface; it reads as its number wherever a number is wanted (an index into the PFN
// database or into RAM, a comparison with kNoFrame).
class FrameNumber {
public:
    constexpr explicit FrameNumber(uint32_t number) : m_number(number) {}
    constexpr operator uint32_t() const { return m_number; }
    // The frame a valid or transition entry names (bits 12-31).
    static constexpr FrameNumber of_entry(uint32_t entry) { return FrameNumber(entry >> 12); }
    static constexpr FrameNumber none() { return FrameNumber(0xFFFFFFFFu); }  // kNoFrame
    constexpr bool is_none() const { return m_number == 0xFFFFFFFFu; }

private:
    uint32_t m_number;
};

// ----- Prototype PTE indexes -----
// An image section's prototype PTEs are numbered from 0 in creation order (section after
// section); a data section's live in their own range, kDataProtoBase + section * kDataProtoStride
// + page, so that a section can grow (a larger read-write mapping of the same file) without moving
// anybody's prototype PTEs. The index is what a prototype-form PTE holds (where NT holds the
// prototype PTE's address) and what the PFN entry of a section's frame holds in its pte_address.
inline constexpr uint32_t kDataProtoBase = 0x8000000u;  // bit 27 of the 28-bit prototype index
inline constexpr uint32_t kDataProtoStride = 0x10000u;  // pages per data section (256 MB)
inline constexpr uint32_t kMaxDataSections = 0x800u;

class ProtoIndex {
public:
    // As stored in a prototype-form PTE (SoftwarePte::prototype_index) or a section frame's PFN entry.
    static constexpr ProtoIndex from_raw(uint32_t raw) { return ProtoIndex(raw); }
    static constexpr ProtoIndex image(uint32_t index) { return ProtoIndex(index); }
    static constexpr ProtoIndex data(uint32_t section, uint32_t page) {
        return ProtoIndex(kDataProtoBase + section * kDataProtoStride + page);
    }
    constexpr uint32_t raw() const { return m_raw; }
    constexpr bool is_data() const { return m_raw >= kDataProtoBase; }
    constexpr uint32_t data_section() const { return (m_raw - kDataProtoBase) / kDataProtoStride; }
    constexpr uint32_t data_page() const { return (m_raw - kDataProtoBase) % kDataProtoStride; }
    constexpr bool operator==(const ProtoIndex&) const = default;

private:
    constexpr explicit ProtoIndex(uint32_t raw) : m_raw(raw) {}
    uint32_t m_raw;
};

// The physical address of a PTE or a PDE: its table's (or directory's) frame << 12, + index * 4.
// Made only on purpose — PteAddress(a) — so that a prototype index cannot pass for one; it reads
// as the address wherever an address is wanted (a read of RAM, va_of_pte, a comparison).
class PteAddress {
public:
    constexpr explicit PteAddress(uint32_t address) : m_address(address) {}
    constexpr operator uint32_t() const { return m_address; }
    static constexpr PteAddress none() { return PteAddress(0); }  // no PTE maps the frame

private:
    uint32_t m_address;
};

// What a frame's PFN entry points back at (NT's MMPFN.PteAddress), a tagged value: the PTE or PDE
// that maps it, by physical address, or — a section's frame — its prototype PTE, by index. It is
// stored as one word (the journal's and the trace's `pte_address`), the frame's use saying which
// (is_section_use); given to the PFN database as this, and read back as one of the two types.
class Backlink {
public:
    static constexpr Backlink pte(PteAddress address) { return Backlink(address, false); }
    static constexpr Backlink proto(ProtoIndex index) { return Backlink(index.raw(), true); }
    constexpr bool is_proto() const { return m_proto; }
    constexpr uint32_t word() const { return m_word; }  // as stored and journaled

private:
    constexpr Backlink(uint32_t word, bool proto) : m_word(word), m_proto(proto) {}
    uint32_t m_word;
    bool m_proto;
};

// What a core::Store::Cpu change sets (its field).
enum class CpuField : uint8_t {
    Cr3 = 0,          // the page directory's physical address
    CurrentSpace = 1, // the running address space (kNoSpace: none)
    ClockHand = 2,    // Clock's hand (ReplacementPolicy)
    SharedTable = 3,  // a win95 shared page table's frame; target = its PDE index (SharedArena)
};

// ----- Sizes -----
inline constexpr uint32_t kAllocationGranularity = 0x10000;  // 64 KB: region bases and view offsets
inline constexpr uint64_t round_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }
// The first page past [address, address + size): the end of the pages a call covers.
inline constexpr uint64_t page_end(uint32_t address, uint64_t size) { return round_up(uint64_t(address) + size, 0x1000); }

}  // namespace pagelab::mm
