// The content of one 4 KB page, shared by reference: a frame, a pagefile slot and the journal can
// hold the same bytes without copying them; a write to shared bytes copies them first.
// A null PageRef reads as zeros (a frame never written costs no memory).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace pagelab::core {

inline constexpr uint32_t kPageSize = 4096;
inline constexpr uint32_t kPageShift = 12;

struct PageBuffer {
    uint32_t refs = 1;
    std::array<uint8_t, kPageSize> bytes;  // not initialised: whoever takes a buffer fills it
};

namespace detail {
// Recently released buffers, reused before asking malloc: a replay fault releases one page and
// takes another (a copy-on-write copy, a zeroed page), and glibc's path for 4 KB blocks (no
// tcache, bin consolidation) cost more than the bookkeeping of the fault itself. Reusing the
// last buffer freed also gives the copy a destination that is still in the cache. Per thread
// (the machine is single-threaded, but tests or tools may run machines on several threads).
class PagePool {
public:
    PagePool() = default;
    PagePool(const PagePool&) = delete;
    PagePool& operator=(const PagePool&) = delete;
    ~PagePool() {
        while (m_count) delete m_free[--m_count];
        t_gone = true;  // pages released later (static objects) go straight to delete
    }
    static PageBuffer* take() {
        if (!t_gone) {
            PagePool& p = instance();
            if (p.m_count) {
                PageBuffer* b = p.m_free[--p.m_count];
                b->refs = 1;
                return b;
            }
        }
        return new PageBuffer;
    }
    static void give(PageBuffer* b) {
        if (!t_gone) {
            PagePool& p = instance();
            if (p.m_count < kKeep) {
                p.m_free[p.m_count++] = b;
                return;
            }
        }
        delete b;
    }

private:
    static PagePool& instance() {
        thread_local PagePool pool;
        return pool;
    }
    static constexpr uint32_t kKeep = 64;  // 256 KB: more than one fault's or trim batch's churn
    static inline thread_local bool t_gone = false;
    uint32_t m_count = 0;
    PageBuffer* m_free[kKeep];
};
}  // namespace detail

// Intrusively reference-counted page (single-threaded: the machine is deterministic and serial).
class PageRef {
public:
    PageRef() = default;
    ~PageRef() { release(); }
    PageRef(const PageRef& o) : m_p(o.m_p) { if (m_p) ++m_p->refs; }
    PageRef(PageRef&& o) noexcept : m_p(std::exchange(o.m_p, nullptr)) {}
    PageRef& operator=(const PageRef& o) {
        if (this != &o) { release(); m_p = o.m_p; if (m_p) ++m_p->refs; }
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
    const uint8_t* data() const { return m_p ? m_p->bytes.data() : kZeros.data(); }
    uint32_t refs() const { return m_p ? m_p->refs : 0; }

    // Bytes to write into: allocates or unshares first. Writing into bytes this reference
    // alone holds is the common case (every store that hits a resident page) and stays inline.
    uint8_t* mutable_data() {
        if (m_p && m_p->refs == 1) [[likely]]
            return m_p->bytes.data();
        return make_unique_slow();
    }

    bool same_bytes(const PageRef& o) const {
        return m_p == o.m_p || std::memcmp(data(), o.data(), kPageSize) == 0;
    }

private:
    static PageBuffer* fresh_zeroed() {
        PageBuffer* b = detail::PagePool::take();
        std::memset(b->bytes.data(), 0, kPageSize);
        return b;
    }
    [[gnu::noinline]] uint8_t* make_unique_slow() {
        if (!m_p) {
            m_p = fresh_zeroed();
        } else {
            // Shared: copy into a buffer of our own (no zeroing first: every byte is copied).
            PageBuffer* copy = detail::PagePool::take();
            std::memcpy(copy->bytes.data(), m_p->bytes.data(), kPageSize);
            --m_p->refs;
            m_p = copy;
        }
        return m_p->bytes.data();
    }
    void release() {
        if (m_p && --m_p->refs == 0) detail::PagePool::give(m_p);
        m_p = nullptr;
    }
    PageBuffer* m_p = nullptr;
    static inline const std::array<uint8_t, kPageSize> kZeros{};
};
static_assert(sizeof(PageRef) == sizeof(void*));

}  // namespace pagelab::core
