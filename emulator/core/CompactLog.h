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
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/Check.h"

namespace pagelab::core {

// Little-endian base-128 integers, and zigzag for signed ones.
namespace varint {
inline void put(std::vector<uint8_t>& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out.push_back(uint8_t(v));
}
inline uint64_t get(const uint8_t*& p) {
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
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

template <class T, class Codec>
class CompactLog {
public:
    static constexpr size_t kBlock = 256;

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
        unpack(i / kBlock, records.data());
        f(records[i % kBlock]);
        encode_block(records.data(), m_blocks[i / kBlock]);
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
            m_blocks.clear();
            m_tail.resize_uninitialized(0);
            for (auto& c : m_cache) c.block = kNone;
            return;
        }
        // The cut falls in a packed block (or at its end): its first records become the tail, which
        // so keeps the newest record.
        const size_t b = (n - 1) / kBlock;
        std::array<T, kBlock> records;
        unpack(b, records.data());
        m_tail.resize_uninitialized(n - b * kBlock);
        if (!m_tail.empty()) std::memcpy(static_cast<void*>(m_tail.data()), records.data(), m_tail.size() * sizeof(T));
        m_blocks.resize(b);
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
    size_t memory_bytes() const {
        size_t bytes = m_tail.capacity() * sizeof(T) + m_blocks.capacity() * sizeof(Block);
        for (const auto& b : m_blocks) bytes += b.capacity();
        return bytes;
    }
    size_t packed_blocks() const { return m_blocks.size(); }

private:
    using Block = std::vector<uint8_t>;
    static constexpr size_t kNone = ~size_t(0);
    size_t packed() const { return m_blocks.size() * kBlock; }

    void encode_block(const T* records, Block& out) const {
        m_scratch.clear();
        T prev{};
        for (size_t i = 0; i < kBlock; ++i) {
            Codec::encode(prev, records[i], m_scratch);
            prev = records[i];
        }
        out.assign(m_scratch.begin(), m_scratch.end());  // (exactly its size: the block stays as packed)
    }
    void unpack(size_t b, T* records) const {
        const uint8_t* p = m_blocks[b].data();
        T prev{};
        for (size_t i = 0; i < kBlock; ++i) records[i] = prev = Codec::decode(prev, p);
        PL_CHECK(p == m_blocks[b].data() + m_blocks[b].size());
    }
    // Packs the tail's oldest whole blocks, leaving it between kBlock and 2 * kBlock records.
    [[gnu::noinline]] void pack_full() {
        const size_t blocks = m_tail.size() / kBlock - 1;
        for (size_t k = 0; k < blocks; ++k) {
            m_blocks.emplace_back();
            encode_block(m_tail.data() + k * kBlock, m_blocks.back());
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
    std::vector<Block> m_blocks;
    RecordLog<T> m_tail;
    mutable std::array<Cached, 4> m_cache{};
    mutable size_t m_next = 0;
    mutable std::vector<uint8_t> m_scratch;
};

}  // namespace pagelab::core
