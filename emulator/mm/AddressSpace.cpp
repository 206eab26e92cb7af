#include "mm/AddressSpace.h"

namespace pagelab::mm {

const char* personality_name(Personality p) { return p == Personality::Nt ? "nt" : "win95"; }

const char* vad_type_name(VadType t) {
    switch (t) {
        case VadType::Private: return "private";
        case VadType::Mapped: return "mapped";
        case VadType::Image: return "image";
    }
    return "?";
}

const Layout& layout_of(Personality p) {
    // nt: 0-64 KB no access, user space to 0x7FFEFFFF (the last 64 KB below 2 GB is a no-access
    // guard), the top 2 GB kernel. win95: 4 KB NULL trap, DOS arena to 4 MB, private arena to
    // 2 GB, shared arena to 3 GB, system arena (unprotected) to 4 GB.
    static const Layout nt{0x00010000, 0x00010000, 0x7FFF0000, 0, 0, 0x80000000, false};
    static const Layout w95{0x00001000, 0x00400000, 0x80000000, 0x80000000, 0xC0000000, 0xC0000000, true};
    return p == Personality::Nt ? nt : w95;
}

const char* arena_name(Personality p, uint32_t va) {
    if (p == Personality::Nt) {
        if (va < 0x00010000) return "no-access (NULL) region";
        if (va < 0x7FFF0000) return "user space";
        if (va < 0x80000000) return "no-access guard below 2 GB";
        return "kernel space";
    }
    if (va < 0x00001000) return "NULL trap";
    if (va < 0x00400000) return "MS-DOS/16-bit compatibility arena";
    if (va < 0x80000000) return "private arena";
    if (va < 0xC0000000) return "shared arena";
    return "system arena";
}

const Vad* find_vad_in(const VadMap& m_vads, uint32_t va) {
    const uint32_t vpn = va >> 12;
    auto it = m_vads.upper_bound(vpn);
    if (it == m_vads.begin()) return nullptr;
    --it;
    return it->second.contains_vpn(vpn) ? &it->second : nullptr;
}

const Vad* next_vad_in(const VadMap& m_vads, uint32_t vpn) {
    auto it = m_vads.lower_bound(vpn);
    return it == m_vads.end() ? nullptr : &it->second;
}

bool range_is_free_in(const VadMap& m_vads, uint32_t start_vpn, uint32_t end_vpn) {
    auto it = m_vads.lower_bound(start_vpn);
    if (it != m_vads.end() && it->second.start_vpn < end_vpn) return false;
    if (it != m_vads.begin()) {
        --it;
        if (it->second.end_vpn > start_vpn) return false;
    }
    return true;
}

std::optional<uint32_t> find_gap_in(const VadMap& m_vads, uint32_t pages, uint32_t low, uint32_t high, bool top_down) {
    constexpr uint32_t kGranule = 0x10000;
    const uint64_t bytes = uint64_t(pages) << 12;
    if (!top_down) {
        uint64_t base = (uint64_t(low) + kGranule - 1) & ~uint64_t(kGranule - 1);
        for (auto it = m_vads.begin(); it != m_vads.end(); ++it) {
            const uint64_t vs = uint64_t(it->second.start_vpn) << 12, ve = uint64_t(it->second.end_vpn) << 12;
            if (ve <= base) continue;
            if (base + bytes <= vs) break;
            base = (ve + kGranule - 1) & ~uint64_t(kGranule - 1);
        }
        if (base + bytes <= high) return uint32_t(base);
        return std::nullopt;
    }
    uint64_t limit = high;  // candidate end
    for (auto it = m_vads.rbegin(); it != m_vads.rend(); ++it) {
        const uint64_t vs = uint64_t(it->second.start_vpn) << 12, ve = uint64_t(it->second.end_vpn) << 12;
        if (vs >= limit) continue;
        if (limit < bytes) return std::nullopt;
        uint64_t base = (limit - bytes) & ~uint64_t(kGranule - 1);
        if (base >= ve && base >= low) return uint32_t(base);
        limit = vs;
    }
    if (limit < bytes) return std::nullopt;
    uint64_t base = (limit - bytes) & ~uint64_t(kGranule - 1);
    if (base >= low) return uint32_t(base);
    return std::nullopt;
}

}  // namespace pagelab::mm
