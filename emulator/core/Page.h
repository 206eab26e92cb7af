// The content of one 4 KB page, shared by reference: a frame, a pagefile slot and the journal can
// hold the same bytes without copying them; a write to shared bytes copies them first.
// A null PageRef reads as zeros (a frame never written costs no memory).
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace pagelab::core {

inline constexpr uint32_t kPageSize = 4096;
inline constexpr uint32_t kPageShift = 12;

namespace detail {
// Where page contents live: 2 MB slabs, 2 MB-aligned, of 512 pages. The first page of a slab holds
// the reference counts of the other 511 (4 bytes each, so 16 pages' counts share a cache line),
// so a count is found from the bytes' address by arithmetic, and taking or dropping a reference to
// a page whose bytes are not in the cache (a fault's victim, a pagefile slot read back) touches a
// small dense table instead of the page's own first line.
//
// Released pages go on a free stack and are reused, most recent first (a replay fault releases one
// page and takes another: the copy or zero fill then writes into memory still in the cache).
// Slabs are never given back: memory is held at its high-water mark for the life of the process
// (a replay's journal keeps pages for as long as the machine lives anyway). Per thread, like the
// machine itself; a page released on another thread joins that thread's stack.
class PagePool {
public:
    static constexpr size_t kSlabBytes = size_t(2) << 20;
    static constexpr uint32_t kPagesPerSlab = uint32_t(kSlabBytes / kPageSize);

    PagePool() = default;
    PagePool(const PagePool&) = delete;
    PagePool& operator=(const PagePool&) = delete;

    static uint32_t& refs(const uint8_t* page) {
        const uintptr_t at = reinterpret_cast<uintptr_t>(page);
        const uintptr_t slab = at & ~uintptr_t(kSlabBytes - 1);
        return reinterpret_cast<uint32_t*>(slab)[(at - slab) >> kPageShift];
    }
    // A page with one reference (its bytes not initialised: whoever takes it fills it).
    static uint8_t* take() {
        PagePool& p = instance();
        if (p.m_free.empty()) [[unlikely]]
            p.grow();
        uint8_t* page = p.m_free.back();
        p.m_free.pop_back();
        refs(page) = 1;
        return page;
    }
    static void give(uint8_t* page) { instance().m_free.push_back(page); }

private:
    // Never destroyed: pages may be released by static objects after the thread's locals are gone.
    static PagePool& instance() {
        thread_local PagePool* pool = new PagePool;
        return *pool;
    }
    [[gnu::noinline]] void grow() {
        auto* slab = static_cast<uint8_t*>(std::aligned_alloc(kSlabBytes, kSlabBytes));
        if (!slab) throw std::bad_alloc();
        {
            // Every slab stays reachable (a leak checker sees memory in use, not lost).
            static std::mutex lock;
            static auto* slabs = new std::vector<uint8_t*>;
            const std::lock_guard<std::mutex> hold(lock);
            slabs->push_back(slab);
        }
        m_free.reserve(m_free.size() + kPagesPerSlab - 1);
        for (uint32_t i = kPagesPerSlab - 1; i >= 1; --i) m_free.push_back(slab + size_t(i) * kPageSize);  // lowest on top
    }
    std::vector<uint8_t*> m_free;
};
}  // namespace detail

// Intrusively reference-counted page (single-threaded: the machine is deterministic and serial).
class PageRef {
public:
    PageRef() = default;
    ~PageRef() { release(); }
    PageRef(const PageRef& o) : m_p(o.m_p) { if (m_p) ++detail::PagePool::refs(m_p); }
    PageRef(PageRef&& o) noexcept : m_p(std::exchange(o.m_p, nullptr)) {}
    PageRef& operator=(const PageRef& o) {
        if (this != &o) { release(); m_p = o.m_p; if (m_p) ++detail::PagePool::refs(m_p); }
        return *this;
    }
    PageRef& operator=(PageRef&& o) noexcept {
        if (this != &o) { release(); m_p = std::exchange(o.m_p, nullptr); }
        return *this;
    }

    static PageRef zeroed() {
        PageRef r;
        r.m_p = fresh_zeroed();
        return r;
    }

    bool is_zero_page() const { return m_p == nullptr; }
    const uint8_t* data() const { return m_p ? m_p : kZeros.data(); }
    uint32_t refs() const { return m_p ? detail::PagePool::refs(m_p) : 0; }

    // Bytes to write into: allocates or unshares first. Writing into bytes this reference
    // alone holds is the common case (every store that hits a resident page) and stays inline.
    uint8_t* mutable_data() {
        if (m_p && detail::PagePool::refs(m_p) == 1) [[likely]]
            return m_p;
        return make_unique_slow();
    }

    bool same_bytes(const PageRef& o) const {
        return m_p == o.m_p || std::memcmp(data(), o.data(), kPageSize) == 0;
    }

private:
    static uint8_t* fresh_zeroed() {
        uint8_t* b = detail::PagePool::take();
        std::memset(b, 0, kPageSize);
        return b;
    }
    [[gnu::noinline]] uint8_t* make_unique_slow() {
        if (!m_p) {
            m_p = fresh_zeroed();
        } else {
            // Shared: copy into a buffer of our own (no zeroing first: every byte is copied).
            uint8_t* copy = detail::PagePool::take();
            std::memcpy(copy, m_p, kPageSize);
            --detail::PagePool::refs(m_p);
            m_p = copy;
        }
        return m_p;
    }
    void release() {
        if (m_p && --detail::PagePool::refs(m_p) == 0) detail::PagePool::give(m_p);
        m_p = nullptr;
    }
    uint8_t* m_p = nullptr;  // the page's bytes in a slab of detail::PagePool
    static inline const std::array<uint8_t, kPageSize> kZeros{};
};
static_assert(sizeof(PageRef) == sizeof(void*));

}  // namespace pagelab::core
