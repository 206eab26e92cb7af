#include "mm/Protection.h"

#include <array>
#include <charconv>
#include <utility>

#include "mm/Win32.h"

namespace pagelab::mm {

namespace {
constexpr std::array<std::pair<uint32_t, uint32_t>, 8> kBase{{
    {page::kNoAccess, mmprot::kNoAccess},
    {page::kReadOnly, mmprot::kReadOnly},
    {page::kExecute, mmprot::kExecute},
    {page::kExecuteRead, mmprot::kExecuteRead},
    {page::kReadWrite, mmprot::kReadWrite},
    {page::kWriteCopy, mmprot::kWriteCopy},
    {page::kExecuteReadWrite, mmprot::kExecuteReadWrite},
    {page::kExecuteWriteCopy, mmprot::kExecuteWriteCopy},
}};
constexpr std::array<std::pair<uint32_t, std::string_view>, 10> kNames{{
    {page::kNoAccess, "NOACCESS"},
    {page::kReadOnly, "READONLY"},
    {page::kReadWrite, "READWRITE"},
    {page::kWriteCopy, "WRITECOPY"},
    {page::kExecute, "EXECUTE"},
    {page::kExecuteRead, "EXECUTE_READ"},
    {page::kExecuteReadWrite, "EXECUTE_READWRITE"},
    {page::kExecuteWriteCopy, "EXECUTE_WRITECOPY"},
    {page::kGuard, "GUARD"},
    {page::kNoCache, "NOCACHE"},
}};
}  // namespace

std::optional<uint32_t> to_mm_protection(uint32_t win32) {
    const uint32_t base = win32 & 0xFFu;
    const uint32_t extra = win32 & ~0xFFu;
    if (extra & ~(page::kGuard | page::kNoCache)) return std::nullopt;
    // MiMakeProtectionMask: "PAGE_GUARD is not valid on no-access, nocache pages" (MM 0x18 with
    // an access value would mean write-combine, not guard+nocache).
    if ((extra & page::kGuard) && (extra & page::kNoCache)) return std::nullopt;
    for (const auto& [w, m] : kBase) {
        if (w != base) continue;
        if (base == page::kNoAccess) return extra ? std::nullopt : std::optional<uint32_t>(m);
        return m | ((extra & page::kGuard) ? mmprot::kGuard : 0) | ((extra & page::kNoCache) ? mmprot::kNoCache : 0);
    }
    return std::nullopt;
}

uint32_t to_win32_protection(uint32_t mm) {
    if (mm == mmprot::kNoAccess) return page::kNoAccess;
    const uint32_t access = mm & 7u;
    if (access == mmprot::kZeroAccess) return 0;
    uint32_t w = 0;
    for (const auto& [win, m] : kBase)
        if (m == access) w = win;
    if (mm & mmprot::kGuard) w |= page::kGuard;
    if (mm & mmprot::kNoCache) w |= page::kNoCache;
    return w;
}

bool protection_allows_read(uint32_t win32) {
    const uint32_t b = win32 & 0xFFu;
    return b != 0 && b != page::kNoAccess;
}
bool protection_allows_write(uint32_t win32) {
    const uint32_t b = win32 & 0xFFu;
    return b == page::kReadWrite || b == page::kExecuteReadWrite;
}
bool protection_is_copy_on_write(uint32_t win32) {
    const uint32_t b = win32 & 0xFFu;
    return b == page::kWriteCopy || b == page::kExecuteWriteCopy;
}
bool protection_allows_execute(uint32_t win32) {
    const uint32_t b = win32 & 0xFFu;
    return b == page::kExecute || b == page::kExecuteRead || b == page::kExecuteReadWrite ||
           b == page::kExecuteWriteCopy;
}

bool is_valid_private_protection(uint32_t win32) {
    const uint32_t b = win32 & 0xFFu;
    if (b == page::kWriteCopy || b == page::kExecuteWriteCopy) return false;
    return to_mm_protection(win32).has_value();
}

std::string protection_name(uint32_t win32) {
    if (win32 == 0) return "0";
    std::string out;
    uint32_t rest = win32;
    for (const auto& [v, name] : kNames) {
        if ((v & 0xFFu) ? ((win32 & 0xFFu) == v) : ((win32 & v) != 0)) {
            if (!out.empty()) out += '+';
            out += name;
            rest &= ~v;
        }
    }
    if (rest != 0 || out.empty()) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%X", win32);
        return buf;
    }
    return out;
}

std::optional<uint32_t> parse_protection(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (text[0] >= '0' && text[0] <= '9') {
        int base = 10;
        if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
            text.remove_prefix(2);
            base = 16;
        }
        uint32_t n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n, base);
        if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
        return n;
    }
    uint32_t value = 0;
    while (!text.empty()) {
        size_t cut = text.find_first_of("+|");
        std::string_view part = text.substr(0, cut);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (part.substr(0, 5) == "PAGE_") part.remove_prefix(5);
        bool found = false;
        for (const auto& [v, name] : kNames)
            if (name == part) { value |= v; found = true; }
        if (!found) return std::nullopt;
        if (cut == std::string_view::npos) break;
        text.remove_prefix(cut + 1);
        if (text.empty()) return std::nullopt;  // "READWRITE+": a name is missing after the +
    }
    return value;
}

}  // namespace pagelab::mm
