// Physical memory: N frames of 4 KB. A frame's bytes are allocated on first write (a frame never
// written reads as zero). Page directories and page tables live here like any other data, so
// their entries are real words in real frames. Every write goes through the journal.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/Journal.h"
#include "core/Page.h"

namespace pagelab::x86 {

// Little-endian loads and stores of 1, 2 or 4 bytes (3: half of a straddling access). Constant
// sizes compile to one instruction each (a variable-size memcpy would be a call); a store keeps
// only the low `size` bytes of value.
[[gnu::always_inline]] inline uint32_t load_bytes(const uint8_t* p, uint32_t size) {
    switch (size) {
        case 1: return *p;
        case 2: { uint16_t v; std::memcpy(&v, p, 2); return v; }
        case 4: { uint32_t v; std::memcpy(&v, p, 4); return v; }
        default: { uint32_t v = 0; std::memcpy(&v, p, size); return v; }
    }
}
[[gnu::always_inline]] inline void store_bytes(uint8_t* p, uint32_t size, uint32_t value) {
    switch (size) {
        case 1: *p = uint8_t(value); break;
        case 2: { const uint16_t v = uint16_t(value); std::memcpy(p, &v, 2); break; }
        case 4: std::memcpy(p, &value, 4); break;
        default: std::memcpy(p, &value, size); break;
    }
}

class PhysicalMemory {
public:
    PhysicalMemory(uint32_t frames, core::Journal& journal) : m_frames(frames), m_journal(journal) {}

    uint32_t frame_count() const { return uint32_t(m_frames.size()); }
    const core::PageRef& content(uint32_t frame) const { return m_frames[frame]; }
    // Every frame's content reference, for a loop that keeps the table's address in a register
    // (MemoryManager::hit_run): a store through uint8_t* may alias anything, so a
    // member would be reloaded after every store. The table never moves (frames are fixed).
    core::PageRef* frame_table() { return m_frames.data(); }

    uint32_t read_u32(uint32_t pa) const {
        uint32_t v;
        std::memcpy(&v, m_frames[pa >> 12].data() + (pa & 0xFFFu), 4);
        return v;
    }
    // Reads 1, 2 or 4 bytes within one frame (little-endian).
    uint32_t read(uint32_t pa, uint32_t size) const {
        return load_bytes(m_frames[pa >> 12].data() + (pa & 0xFFFu), size);
    }
    // Writes 1, 2 or 4 bytes within one frame; journaled with the old value. Bits of value above
    // size are ignored (and not journaled).
    // Always inline: every store of a replay and every Accessed/Dirty update comes here, and out
    // of line the call and its register saves cost more than the store.
    [[gnu::always_inline]] void write(uint32_t pa, uint32_t size, uint32_t value) {
        if (size < 4) value &= (1u << (8 * size)) - 1;
        const uint32_t old = read(pa, size);
        if (old == value) return;
        m_journal.record(core::Store::PhysBytes, uint8_t(size), pa, old, value);
        store_bytes(m_frames[pa >> 12].mutable_data() + (pa & 0xFFFu), size, value);
    }
    void write_u32(uint32_t pa, uint32_t value) { write(pa, 4, value); }
    // A 4-byte store for a machine whose journal is off (the caller has checked), of a value
    // the caller knows differs from the word there: write_u32 without reading it again.
    [[gnu::always_inline]] void store_u32_unjournaled(uint32_t pa, uint32_t value) {
        std::memcpy(m_frames[pa >> 12].mutable_data() + (pa & 0xFFFu), &value, 4);
    }
    // A 4-byte write whose old value the caller has just read (and which differs from value).
    [[gnu::always_inline]] void write_known(uint32_t pa, uint32_t old, uint32_t value) {
        m_journal.record(core::Store::PhysBytes, 4, pa, old, value);
        std::memcpy(m_frames[pa >> 12].mutable_data() + (pa & 0xFFFu), &value, 4);
    }

    // Replaces a frame's whole content (zero-fill, copy, page-in, page-out); journaled. page_at and
    // old_at, when not core::kNoPlace, are where the new and the old bytes also are right now (a
    // place other than this frame, see core::kInFrame): the journal names it instead of keeping them.
    void set_content(uint32_t frame, core::PageRef page, uint32_t page_at = core::kNoPlace,
                     uint32_t old_at = core::kNoPlace) {
        if (m_journal.enabled()) {
            m_journal.record(core::Store::FrameContent, 0, frame, m_journal.page_record(m_frames[frame], old_at),
                             m_journal.page_record(page, page_at));
        }
        m_frames[frame] = std::move(page);
    }

    // Undo/redo entry points: apply a recorded value without journaling it again.
    void apply_bytes(uint32_t pa, uint32_t size, uint32_t value) {
        std::memcpy(m_frames[pa >> 12].mutable_data() + (pa & 0xFFFu), &value, size);
    }
    void apply_content(uint32_t frame, const core::PageRef& page) { m_frames[frame] = page; }

private:
    std::vector<core::PageRef> m_frames;
    core::Journal& m_journal;
};

}  // namespace pagelab::x86
