// The content of one 4 KB page, shared by reference: a frame, a pagefile slot and the journal can
// hold the same bytes without copying them; a write to shared bytes copies them first.
// A null PageRef reads as zeros (a frame never written costs no memory).
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
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

    // A slab's memory, its count page zeroed. Every slab stays reachable (a leak checker sees
    // memory in use, not lost).
    static uint8_t* allocate_slab() {
        auto* slab = static_cast<uint8_t*>(std::aligned_alloc(kSlabBytes, kSlabBytes));
        if (!slab) throw std::bad_alloc();
        // Pages move between frames and pagefile slots by reference, so a frame's bytes may sit
        // anywhere in the slabs: huge host pages keep the host's TLB covering them (interleaved
        // with 4 KB pages, Clock's replay took a median 0.90x the time). A hint only.
        madvise(slab, kSlabBytes, MADV_HUGEPAGE);
        std::memset(slab, 0, kPageSize);
        static std::mutex lock;
        static auto* slabs = new std::vector<uint8_t*>;
        const std::lock_guard<std::mutex> hold(lock);
        slabs->push_back(slab);
        return slab;
    }
    // The all-zero page: what a PageRef without bytes of its own points at, so that reading
    // through any reference needs no test. The second page of a slab of its own whose count stays
    // 0: it is never counted, never written (a write through a reference to it takes fresh bytes
    // first) and never released. Shared by every thread (nothing writes it).
    static uint8_t* zero_page() {
        static uint8_t* const page = [] {
            uint8_t* slab = allocate_slab();
            std::memset(slab + kPageSize, 0, kPageSize);
            return slab + kPageSize;
        }();
        return page;
    }

private:
    // Never destroyed: pages may be released by static objects after the thread's locals are gone.
    // Each pool stays reachable from a list, like the slabs, also after its thread has ended
    // (`pagelab check -j` checks files on threads): its free pages are held, not lost.
    static PagePool& instance() {
        thread_local PagePool* pool = new_pool();
        return *pool;
    }
    static PagePool* new_pool() {
        auto* pool = new PagePool;
        static std::mutex lock;
        static auto* pools = new std::vector<PagePool*>;
        const std::lock_guard<std::mutex> hold(lock);
        pools->push_back(pool);
        return pool;
    }
    [[gnu::noinline]] void grow() {
        uint8_t* slab = allocate_slab();
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
    PageRef(const PageRef& o) : m_p(o.m_p) { retain(); }
    PageRef(PageRef&& o) noexcept : m_p(std::exchange(o.m_p, zero())) {}
    PageRef& operator=(const PageRef& o) {
        if (this != &o) { release(); m_p = o.m_p; retain(); }
        return *this;
    }
    PageRef& operator=(PageRef&& o) noexcept {
        if (this != &o) { release(); m_p = std::exchange(o.m_p, zero()); }
        return *this;
    }

    static PageRef zeroed() {
        PageRef r;
        r.m_p = fresh_zeroed();
        return r;
    }

    bool is_zero_page() const { return m_p == zero(); }
    const uint8_t* data() const { return m_p; }
    uint32_t refs() const { return is_zero_page() ? 0 : detail::PagePool::refs(m_p); }

    // Bytes to write into: allocates or unshares first. Writing into bytes this reference
    // alone holds is the common case (every store that hits a resident page) and stays inline.
    // (The zero page's count is 0, so a write through it takes the slow path too.)
    uint8_t* mutable_data() {
        if (detail::PagePool::refs(m_p) == 1) [[likely]]
            return m_p;
        return make_unique_slow();
    }

    bool same_bytes(const PageRef& o) const {
        return m_p == o.m_p || std::memcmp(data(), o.data(), kPageSize) == 0;
    }

private:
    static uint8_t* zero() { return detail::PagePool::zero_page(); }
    static uint8_t* fresh_zeroed() {
        uint8_t* b = detail::PagePool::take();
        std::memset(b, 0, kPageSize);
        return b;
    }
    [[gnu::noinline]] uint8_t* make_unique_slow() {
        if (is_zero_page()) {
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
    void retain() {
        if (!is_zero_page()) ++detail::PagePool::refs(m_p);
    }
    void release() {
        if (!is_zero_page() && --detail::PagePool::refs(m_p) == 0) detail::PagePool::give(m_p);
        m_p = zero();
    }
    uint8_t* m_p = zero();  // the page's bytes in a slab of detail::PagePool, or the zero page
};
static_assert(sizeof(PageRef) == sizeof(void*));

}  // namespace pagelab::core
