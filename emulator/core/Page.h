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
    std::array<uint8_t, kPageSize> bytes{};
};

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

    static PageRef zeroed() { PageRef r; r.m_p = new PageBuffer(); return r; }

    bool is_zero_page() const { return m_p == nullptr; }
    const uint8_t* data() const { return m_p ? m_p->bytes.data() : kZeros.data(); }
    uint32_t refs() const { return m_p ? m_p->refs : 0; }

    // Bytes to write into: allocates or unshares first.
    uint8_t* mutable_data() {
        if (!m_p) {
            m_p = new PageBuffer();
        } else if (m_p->refs > 1) {
            auto* copy = new PageBuffer();
            copy->bytes = m_p->bytes;
            --m_p->refs;
            m_p = copy;
        }
        return m_p->bytes.data();
    }

    bool same_bytes(const PageRef& o) const {
        return m_p == o.m_p || std::memcmp(data(), o.data(), kPageSize) == 0;
    }

private:
    void release() {
        if (m_p && --m_p->refs == 0) delete m_p;
        m_p = nullptr;
    }
    PageBuffer* m_p = nullptr;
    static inline const std::array<uint8_t, kPageSize> kZeros{};
};
static_assert(sizeof(PageRef) == sizeof(void*));

}  // namespace pagelab::core
