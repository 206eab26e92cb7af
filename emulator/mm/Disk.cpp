#include "mm/Disk.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace pagelab::mm {

namespace {
bool same_path(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::toupper(uint8_t(a[i])) != std::toupper(uint8_t(b[i]))) return false;
    return true;
}
}  // namespace

std::optional<uint32_t> Disk::find(std::string_view path) const {
    for (uint32_t i = 0; i < m_files.size(); ++i)
        if (same_path(m_files[i].path, path)) return i;
    return std::nullopt;
}

uint32_t Disk::add(const std::string& path, std::vector<uint8_t> bytes) {
    m_files.push_back(DiskFile{path, std::move(bytes)});
    intern(path);
    return uint32_t(m_files.size() - 1);
}

core::PageRef Disk::chunk(uint32_t file, uint32_t page) const {
    const auto& bytes = m_files[file].bytes;
    const uint64_t at = uint64_t(page) << 12;
    if (at >= bytes.size()) return core::PageRef{};
    const uint32_t n = uint32_t(std::min<uint64_t>(0x1000, bytes.size() - at));
    if (std::all_of(bytes.begin() + at, bytes.begin() + at + n, [](uint8_t b) { return b == 0; })) return core::PageRef{};
    core::PageRef p = core::PageRef::zeroed();
    std::memcpy(p.mutable_data(), bytes.data() + at, n);
    return p;
}

uint32_t Disk::create(const std::string& path) {
    const uint32_t id = uint32_t(m_files.size());
    PL_CHECK(id < 0x1000);
    intern(path);
    m_created.push_back(path);
    m_journal.record(core::Store::Object, uint8_t(ObjectField::FileCreate), id, core::kNoBlob, m_created.size() - 1);
    m_files.push_back(DiskFile{path, {}});
    return id;
}

void Disk::resize(uint32_t file, uint32_t size) {
    auto& bytes = m_files[file].bytes;
    const uint32_t old = uint32_t(bytes.size());
    if (old == size) return;
    if (size < old && m_journal.enabled()) {
        // The bytes cut off are kept page by page so that undo puts them back (the size grows
        // first on undo, then these pages are restored).
        for (uint32_t page = size >> 12; (uint64_t(page) << 12) < old; ++page) {
            const core::PageRef before = chunk(file, page);
            core::PageRef after;
            const uint32_t keep = size > (page << 12) ? size - (page << 12) : 0;
            if (keep) {
                after = core::PageRef::zeroed();
                std::memcpy(after.mutable_data(), before.data(), keep);
            }
            if (before.same_bytes(after)) continue;
            m_journal.record(core::Store::Object, uint8_t(ObjectField::FilePage), (file << 20) | page,
                             m_journal.keep_page(before), m_journal.keep_page(after));
        }
    }
    m_journal.record(core::Store::Object, uint8_t(ObjectField::FileSize), file, old, size);
    bytes.resize(size, 0);
}

void Disk::store(uint32_t file, uint64_t offset, const uint8_t* data, uint32_t n) {
    if (n == 0) return;
    PL_CHECK(offset + n <= 0xFFFFFFFFull);
    if (offset + n > m_files[file].bytes.size()) resize(file, uint32_t(offset + n));
    auto& bytes = m_files[file].bytes;
    const uint32_t first = uint32_t(offset >> 12), last = uint32_t((offset + n - 1) >> 12);
    for (uint32_t page = first; page <= last; ++page) {
        const uint64_t lo = std::max<uint64_t>(offset, uint64_t(page) << 12);
        const uint64_t hi = std::min<uint64_t>(offset + n, (uint64_t(page) + 1) << 12);
        if (std::memcmp(bytes.data() + lo, data + (lo - offset), size_t(hi - lo)) == 0) continue;
        const core::PageRef before = m_journal.enabled() ? chunk(file, page) : core::PageRef{};
        std::memcpy(bytes.data() + lo, data + (lo - offset), size_t(hi - lo));
        if (m_journal.enabled())
            m_journal.record(core::Store::Object, uint8_t(ObjectField::FilePage), (file << 20) | page,
                             m_journal.keep_page(before), m_journal.keep_page(chunk(file, page)));
    }
}

void Disk::apply(const core::Change& c, bool forward) {
    const uint64_t v = forward ? c.after : c.before;
    switch (ObjectField(c.field)) {
        case ObjectField::FileCreate:
            if (forward) {
                PL_CHECK(m_files.size() == c.target);
                m_files.push_back(DiskFile{m_created[c.after], {}});
            } else {
                PL_CHECK(m_files.size() == size_t(c.target) + 1);
                m_files.pop_back();
            }
            break;
        case ObjectField::FilePage: {
            auto& bytes = m_files[c.target >> 20].bytes;
            const uint64_t at = uint64_t(c.target & 0xFFFFF) << 12;
            if (at < bytes.size())
                std::memcpy(bytes.data() + at, m_journal.page(v).data(), size_t(std::min<uint64_t>(0x1000, bytes.size() - at)));
            break;
        }
        case ObjectField::FileSize: m_files[c.target].bytes.resize(size_t(v), 0); break;
        default: PL_CHECK(false && "not a disk change"); break;
    }
}

}  // namespace pagelab::mm
