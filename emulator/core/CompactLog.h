// A log of fixed-size records kept packed: the journal's changes and events (issue 18: session
// history and the journaled replay took 16 and 24 bytes a record, 100 MB for a 100,000-operation
// thrash, 2.3 GB for a 10 M access heavy replay).
//
// The newest records stay plain in a tail (between kBlock and 2 * kBlock of them once the log has
// grown), so that the writers keep working in place: a batch writes into the tail, a counter
// merges into the last record, an event's arguments are completed shortly after it begins. Older
// records are packed by blocks of kBlock with a Codec (each record against the one before it in
// its block); reading one unpacks its block into a small cache, so a walk through the log (undo,
// redo, a trace) unpacks each block once. Records are read by value: nothing may keep a reference
// into the log.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/Check.h"

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#endif

namespace pagelab::core {

// Little-endian base-128 integers, and zigzag for signed ones.
namespace varint {
inline void put(uint8_t*& out, uint64_t v) {
    while (v >= 0x80) {
        *out++ = uint8_t(v) | 0x80;
        v >>= 7;
    }
    *out++ = uint8_t(v);
}
inline unsigned length(uint64_t v) {
    unsigned n = 1;
    while (v >= 0x80) v >>= 7, ++n;
    return n;
}
inline uint64_t get(const uint8_t*& p) {
    if (!(p[0] & 0x80)) [[likely]]
        return *p++;  // (most values the journal packs take one byte)
    // Unrolled up to five bytes (every 32-bit value), a loop past that.
    uint64_t v = p[0] & 0x7Fu;
    if (!(p[1] & 0x80)) {
        v |= uint64_t(p[1]) << 7;
        p += 2;
        return v;
    }
    v |= uint64_t(p[1] & 0x7Fu) << 7;
    if (!(p[2] & 0x80)) {
        v |= uint64_t(p[2]) << 14;
        p += 3;
        return v;
    }
    v |= uint64_t(p[2] & 0x7Fu) << 14;
    if (!(p[3] & 0x80)) {
        v |= uint64_t(p[3]) << 21;
        p += 4;
        return v;
    }
    v |= uint64_t(p[3] & 0x7Fu) << 21;
    if (!(p[4] & 0x80)) {
        v |= uint64_t(p[4]) << 28;
        p += 5;
        return v;
    }
    v |= uint64_t(p[4] & 0x7Fu) << 28;
    p += 5;
    for (unsigned shift = 35;; shift += 7) {
        const uint8_t b = *p++;
        v |= uint64_t(b & 0x7F) << shift;
        if (!(b & 0x80)) return v;
    }
}
inline uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }
}  // namespace varint

// A growable array of plain records, for the journal's changes and events: std::vector's
// interface as far as readers use it (size, [], iteration, back), plus growth that leaves the new
// records uninitialised for a batch to fill in place (std::vector's resize writes every one
// first, and with a custom allocator loops over them one by one).
template <class T>
class RecordLog {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
    RecordLog() = default;
    RecordLog(const RecordLog& o) { *this = o; }
    RecordLog& operator=(const RecordLog& o) {
        if (this != &o) {
            m_size = 0;
            reserve(o.m_size);
            if (o.m_size) std::memcpy(m_data, o.m_data, o.m_size * sizeof(T));
            m_size = o.m_size;
        }
        return *this;
    }
    RecordLog(RecordLog&& o) noexcept
        : m_data(std::exchange(o.m_data, nullptr)), m_size(std::exchange(o.m_size, 0)),
          m_capacity(std::exchange(o.m_capacity, 0)) {}
    RecordLog& operator=(RecordLog&& o) noexcept {
        if (this != &o) {
            std::free(m_data);
            m_data = std::exchange(o.m_data, nullptr);
            m_size = std::exchange(o.m_size, 0);
            m_capacity = std::exchange(o.m_capacity, 0);
        }
        return *this;
    }
    ~RecordLog() { std::free(m_data); }

    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    bool empty() const { return m_size == 0; }
    const T* data() const { return m_data; }
    T* data() { return m_data; }
    const T& operator[](size_t i) const { return m_data[i]; }
    T& operator[](size_t i) { return m_data[i]; }
    const T& back() const { return m_data[m_size - 1]; }
    T& back() { return m_data[m_size - 1]; }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }

    [[gnu::always_inline]] void push_back(const T& v) {
        if (m_size == m_capacity) [[unlikely]]
            grow(m_size + 1);
        m_data[m_size++] = v;
    }
    void reserve(size_t n) {
        if (n > m_capacity) reallocate(n);
    }
    // Grows to n records (the new ones uninitialised) or drops the records from n on.
    void resize_uninitialized(size_t n) {
        if (n > m_capacity) grow(n);
        m_size = n;
    }
    void shrink_to_fit() {
        if (m_capacity > m_size) reallocate(m_size);
    }

private:
    [[gnu::noinline]] void grow(size_t at_least) { reallocate(std::max<size_t>({at_least, m_capacity * 2, 64})); }
    void reallocate(size_t n) {
        if (n == 0) {
            std::free(m_data);
            m_data = nullptr;
            m_capacity = 0;
            return;
        }
        T* p = static_cast<T*>(std::realloc(static_cast<void*>(m_data), n * sizeof(T)));
        if (!p) throw std::bad_alloc();
        m_data = p;
        m_capacity = n;
    }
    T* m_data = nullptr;
    size_t m_size = 0;
    size_t m_capacity = 0;
};

// The packed blocks' bytes, one block after another in large chunks rather than a heap allocation
// each: a 10 M access heavy replay packs about 420,000 blocks, and allocating them one by one
// took a third of its time (malloc, and the kernel's page faults under it). Chunks grow from
// 16 KB to 4 MB; one of 2 MB or more is offered to the kernel for huge pages (Linux), so that
// filling it takes one page fault rather than 512.
class PackedBlocks {
public:
    PackedBlocks() = default;
    PackedBlocks(const PackedBlocks& o) { *this = o; }
    PackedBlocks& operator=(const PackedBlocks& o) {
        if (this == &o) return *this;
        m_chunks.clear();
        for (const Chunk& c : o.m_chunks) {
            m_chunks.push_back(Chunk{allocate(c.capacity), c.capacity, c.used});
            if (c.used) std::memcpy(m_chunks.back().data.get(), c.data.get(), c.used);
        }
        m_at = o.m_at;
        m_len = o.m_len;
        m_current = o.m_current;
        m_relocated = o.m_relocated;
        return *this;
    }
    PackedBlocks(PackedBlocks&&) noexcept = default;
    PackedBlocks& operator=(PackedBlocks&&) noexcept = default;

    size_t size() const { return m_at.size(); }
    const uint8_t* data(size_t b) const { return m_chunks[m_at[b] >> 32].data.get() + uint32_t(m_at[b]); }
    size_t bytes(size_t b) const { return m_len[b]; }

    // Room for a new block of up to `most` bytes at the end; append() then says how many were written.
    uint8_t* room(size_t most) {
        if (m_chunks.empty() || m_chunks[m_current].capacity - m_chunks[m_current].used < most) next_chunk(most);
        return m_chunks[m_current].data.get() + m_chunks[m_current].used;
    }
    void append(size_t bytes) {
        m_at.push_back(claim(bytes));
        m_len.push_back(uint32_t(bytes));
    }
    // Block b's bytes become these: in place when they fit, else at the end (the old room stays
    // unused until a truncation gives it back).
    void replace(size_t b, const uint8_t* bytes, size_t n) {
        if (n > m_len[b]) {
            std::memcpy(room(n), bytes, n);
            m_at[b] = claim(n);
            m_relocated = true;
        } else {
            std::memmove(m_chunks[m_at[b] >> 32].data.get() + uint32_t(m_at[b]), bytes, n);
        }
        m_len[b] = uint32_t(n);
    }
    // Keeps the first b blocks; the room after the last one kept is written next.
    void truncate(size_t b) {
        m_at.resize(b);
        m_len.resize(b);
        uint64_t end = 0;  // (chunk << 32 | offset) just past the last byte kept
        if (m_relocated) {
            for (size_t k = 0; k < b; ++k) end = std::max(end, m_at[k] + m_len[k]);
        } else if (b) {
            end = m_at[b - 1] + m_len[b - 1];
        }
        if (m_chunks.empty()) return;
        m_current = size_t(end >> 32);
        m_chunks[m_current].used = uint32_t(end);
        // One chunk past the current one stays, empty, for what comes next.
        while (m_chunks.size() > m_current + 2) m_chunks.pop_back();
        for (size_t k = m_current + 1; k < m_chunks.size(); ++k) m_chunks[k].used = 0;
        if (b == 0) m_relocated = false;
    }
    void reserve(size_t blocks) {
        m_at.reserve(blocks);
        m_len.reserve(blocks);
    }
    // Gives back the chunks past the current one (the current one keeps its room).
    void shrink_to_fit() {
        while (m_chunks.size() > m_current + 1) m_chunks.pop_back();
        m_chunks.shrink_to_fit();
        m_at.shrink_to_fit();
        m_len.shrink_to_fit();
    }
    // The packed blocks' own bytes (memory_bytes() adds the room around them).
    size_t payload_bytes() const {
        size_t bytes = 0;
        for (uint32_t n : m_len) bytes += n;
        return bytes;
    }
    size_t memory_bytes() const {
        size_t bytes = m_chunks.capacity() * sizeof(Chunk) + m_at.capacity() * sizeof(uint64_t) +
                       m_len.capacity() * sizeof(uint32_t);
        for (const Chunk& c : m_chunks) bytes += c.capacity;
        return bytes;
    }

private:
    struct Free {
        void operator()(uint8_t* p) const { std::free(p); }
    };
    struct Chunk {
        std::unique_ptr<uint8_t[], Free> data;
        size_t capacity;
        size_t used;
    };
    static constexpr size_t kFirstChunk = size_t(16) << 10;
    static constexpr size_t kLastChunk = size_t(4) << 20;
    static constexpr size_t kHugePage = size_t(2) << 20;

    static std::unique_ptr<uint8_t[], Free> allocate(size_t bytes) {
        void* p = bytes >= kHugePage ? std::aligned_alloc(kHugePage, bytes) : std::malloc(bytes);
        if (!p) throw std::bad_alloc();
#if defined(__linux__) && !defined(__EMSCRIPTEN__) && defined(MADV_HUGEPAGE)
        if (bytes >= kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // (a hint: refused, nothing changes)
#endif
        return std::unique_ptr<uint8_t[], Free>(static_cast<uint8_t*>(p));
    }
    // Takes the next `bytes` of the current chunk (written through room()); returns where they are.
    uint64_t claim(size_t bytes) {
        Chunk& c = m_chunks[m_current];
        PL_CHECK(c.used + bytes <= c.capacity);
        const uint64_t at = uint64_t(m_current) << 32 | c.used;
        c.used += bytes;
        return at;
    }
    void next_chunk(size_t most) {
        if (!m_chunks.empty() && m_current + 1 < m_chunks.size() && m_chunks[m_current + 1].capacity >= most) {
            ++m_current;
            m_chunks[m_current].used = 0;
            return;
        }
        while (m_chunks.size() > (m_chunks.empty() ? 0 : m_current + 1)) m_chunks.pop_back();
        const size_t grown = m_chunks.empty() ? kFirstChunk : std::min(m_chunks.back().capacity * 2, kLastChunk);
        size_t capacity = std::max(grown, most);
        if (capacity >= kHugePage) capacity = (capacity + kHugePage - 1) / kHugePage * kHugePage;  // (aligned_alloc takes whole multiples)
        m_chunks.push_back(Chunk{allocate(capacity), capacity, 0});
        m_current = m_chunks.size() - 1;
        PL_CHECK(m_current < 0xFFFFFFFFu && capacity < 0xFFFFFFFFu);
    }

    std::vector<Chunk> m_chunks;
    std::vector<uint64_t> m_at;   // block b: chunk << 32 | offset
    std::vector<uint32_t> m_len;  // block b: bytes
    size_t m_current = 0;         // the chunk written next
    bool m_relocated = false;     // a block was moved past later ones (replace)
};

// A Codec has a Packer, made fresh for each block, that packs records one by one (encode) and
// unpacks them in the same order (decode); a Packer is made from the log's Context (what the codec
// may consult besides the block: ChangeCodec needs nothing, EventCodec may be given a forecast)
// and a guess carried from the block packed before it (guess(): EventCodec's next forecast
// index). A guess only helps the encoder choose: a block decodes the same whatever guess packed it.
template <class T, class Codec>
class CompactLog {
public:
    static constexpr size_t kBlock = 512;
    using Context = typename Codec::Context;

    // What the codec may consult. Set it before the records it helps are packed, and never change
    // it afterwards (blocks packed with it are read through it).
    void set_context(const Context& context) { m_context = context; }
    const Context& context() const { return m_context; }

    size_t size() const { return packed() + m_tail.size(); }
    bool empty() const { return size() == 0; }
    T operator[](size_t i) const {
        const size_t p = packed();
        if (i >= p) return m_tail[i - p];
        return unpacked(i / kBlock)[i % kBlock];
    }
    T back() const { return (*this)[size() - 1]; }

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = T;
        const_iterator() = default;
        const_iterator(const CompactLog* log, size_t i) : m_log(log), m_i(i) {}
        T operator*() const { return (*m_log)[m_i]; }
        T operator[](difference_type d) const { return (*m_log)[size_t(difference_type(m_i) + d)]; }
        const_iterator& operator++() { return ++m_i, *this; }
        const_iterator operator++(int) { const_iterator t = *this; ++m_i; return t; }
        const_iterator& operator--() { return --m_i, *this; }
        const_iterator operator--(int) { const_iterator t = *this; --m_i; return t; }
        const_iterator& operator+=(difference_type d) { return m_i = size_t(difference_type(m_i) + d), *this; }
        const_iterator& operator-=(difference_type d) { return m_i = size_t(difference_type(m_i) - d), *this; }
        friend const_iterator operator+(const_iterator a, difference_type d) { return a += d; }
        friend const_iterator operator+(difference_type d, const_iterator a) { return a += d; }
        friend const_iterator operator-(const_iterator a, difference_type d) { return a -= d; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b) { return difference_type(a.m_i) - difference_type(b.m_i); }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_i == b.m_i; }
        friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.m_i <=> b.m_i; }

    private:
        const CompactLog* m_log = nullptr;
        size_t m_i = 0;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

    // Calls f(record) for the records [from, to) in order, or for [to, from) newest first when
    // to < from: a jump through the log unpacks each block once, into a buffer of its own.
    template <class F>
    void walk(size_t from, size_t to, F&& f) const {
        PL_CHECK(from <= size() && to <= size());
        const size_t p = packed();
        std::array<T, kBlock> records;
        size_t have = kNone;
        auto at = [&](size_t i) -> const T& {
            if (i >= p) return m_tail[i - p];
            if (i / kBlock != have) {
                have = i / kBlock;
                unpack(have, records.data());
            }
            return records[i % kBlock];
        };
        if (from <= to)
            for (size_t i = from; i < to; ++i) f(at(i));
        else
            for (size_t i = from; i-- > to;) f(at(i));
    }

    // Writers. push_back appends; append_uninitialized makes room for n records at the end and
    // returns where they go (a batch: nothing else may write until resize() says how many were
    // written); last() is the newest record, to change in place.
    void push_back(const T& v) {
        m_tail.push_back(v);
        if (m_tail.size() >= 2 * kBlock) [[unlikely]]
            pack_full();
    }
    T* append_uninitialized(size_t n) {
        const size_t at = m_tail.size();
        m_tail.resize_uninitialized(at + n);
        return m_tail.data() + at;
    }
    T& last() {
        PL_CHECK(!m_tail.empty());  // (the tail keeps at least one record once the log has one)
        return m_tail.back();
    }
    // Changes one record in place wherever it is (a packed one is unpacked and packed again).
    template <class F>
    void modify(size_t i, F&& f) {
        PL_CHECK(i < size());
        const size_t p = packed();
        if (i >= p) return f(m_tail[i - p]);
        std::array<T, kBlock> records;
        const uint64_t guess = unpack(i / kBlock, records.data(), m_guess);
        f(records[i % kBlock]);
        m_scratch.resize(kBlock * Codec::kMaxBytes);
        m_blocks.replace(i / kBlock, m_scratch.data(), encode_block(records.data(), m_scratch.data(), guess).bytes);
        forget(i / kBlock);
    }
    // Keeps the first n records (n <= size()), or, after append_uninitialized, says how many of the
    // records made room for were written.
    void resize(size_t n) {
        const size_t p = packed();
        if (n > p || p == 0) {
            PL_CHECK(n - p <= m_tail.capacity());
            m_tail.resize_uninitialized(n - p);
            if (m_tail.size() >= 2 * kBlock) pack_full();
            return;
        }
        if (n == 0) {
            m_blocks.truncate(0);
            m_tail.resize_uninitialized(0);
            for (auto& c : m_cache) c.block = kNone;
            m_guess = 0;
            return;
        }
        // The cut falls in a packed block (or at its end): its first records become the tail, which
        // so keeps the newest record; they are packed again from the guess that packed them.
        const size_t b = (n - 1) / kBlock;
        std::array<T, kBlock> records;
        m_guess = unpack(b, records.data(), m_guess);
        m_tail.resize_uninitialized(n - b * kBlock);
        if (!m_tail.empty()) std::memcpy(static_cast<void*>(m_tail.data()), records.data(), m_tail.size() * sizeof(T));
        m_blocks.truncate(b);
        for (auto& c : m_cache)
            if (c.block >= b) c.block = kNone;
    }
    void clear() { resize(0); }
    // Room for this many records in all without growing the block table.
    void reserve(size_t n) { m_blocks.reserve(n / kBlock + 1); }
    void shrink_to_fit() {
        m_tail.shrink_to_fit();
        m_blocks.shrink_to_fit();
    }
    size_t memory_bytes() const { return m_tail.capacity() * sizeof(T) + m_blocks.memory_bytes(); }
    size_t packed_blocks() const { return m_blocks.size(); }
    size_t packed_bytes() const { return m_blocks.payload_bytes(); }

private:
    static constexpr size_t kNone = ~size_t(0);
    size_t packed() const { return m_blocks.size() * kBlock; }

    // Packs kBlock records at `out` (room for kBlock * Codec::kMaxBytes) from a guess; returns the
    // bytes written and the guess for the next block.
    struct Encoded {
        size_t bytes;
        uint64_t guess;
    };
    Encoded encode_block(const T* records, uint8_t* out, uint64_t guess) const {
        typename Codec::Packer packer(m_context, guess);
        uint8_t* p = out;
        for (size_t i = 0; i < kBlock; ++i) packer.encode(records[i], p);
        return Encoded{size_t(p - out), packer.guess()};
    }
    // Unpacks block b; returns a guess that packs it again as it is (the codec's first_guess(): the
    // one given when the block tells none).
    uint64_t unpack(size_t b, T* records, uint64_t guess = 0) const {
        const uint8_t* p = m_blocks.data(b);
        typename Codec::Packer packer(m_context, guess);
        for (size_t i = 0; i < kBlock; ++i) records[i] = packer.decode(p);
        PL_CHECK(p == m_blocks.data(b) + m_blocks.bytes(b));
        return packer.first_guess();
    }
    // Packs the tail's oldest whole blocks, leaving it between kBlock and 2 * kBlock records.
    [[gnu::noinline]] void pack_full() {
        const size_t blocks = m_tail.size() / kBlock - 1;
        for (size_t k = 0; k < blocks; ++k) {
            const Encoded e = encode_block(m_tail.data() + k * kBlock, m_blocks.room(kBlock * Codec::kMaxBytes), m_guess);
            m_blocks.append(e.bytes);
            m_guess = e.guess;
        }
        const size_t rest = m_tail.size() - blocks * kBlock;
        std::memmove(static_cast<void*>(m_tail.data()), m_tail.data() + blocks * kBlock, rest * sizeof(T));
        m_tail.resize_uninitialized(rest);
    }
    const T* unpacked(size_t b) const {
        for (auto& c : m_cache)
            if (c.block == b) return c.records.data();
        Cached& c = m_cache[m_next++ % m_cache.size()];
        unpack(b, c.records.data());
        c.block = b;
        return c.records.data();
    }
    void forget(size_t b) {
        for (auto& c : m_cache)
            if (c.block == b) c.block = kNone;
    }

    struct Cached {
        size_t block = kNone;
        std::array<T, kBlock> records;
    };
    Context m_context{};
    uint64_t m_guess = 0;  // (the guess for the next block packed)
    PackedBlocks m_blocks;
    RecordLog<T> m_tail;
    mutable std::array<Cached, 4> m_cache{};
    mutable size_t m_next = 0;
    std::vector<uint8_t> m_scratch;  // (modify's re-packed block)
};

}  // namespace pagelab::core
