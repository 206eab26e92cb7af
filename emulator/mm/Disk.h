// The emulated disk: the scenario's files (added at boot, not journaled) and files created at run
// time. A file's bytes change through WriteFile, SetEndOfFile, a mapping that grows it and dirty
// mapped pages written back; every change is journaled (core::Store::Object: ObjectField::FilePage
// keeps a changed 4 KB chunk before and after by reference, as page contents are; FileSize;
// FileCreate).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mm/Section.h"
#include "mm/Stores.h"

namespace pagelab::mm {

class Disk : public Part {
public:
    explicit Disk(Stores& stores) : Part(stores) {}

    const std::vector<DiskFile>& files() const { return m_files; }
    const DiskFile& file(uint32_t id) const { return m_files[id]; }
    uint32_t size(uint32_t id) const { return uint32_t(m_files[id].bytes.size()); }
    std::optional<uint32_t> find(std::string_view path) const;  // case-insensitive
    // The interned name of a file, for event sentences.
    uint32_t name(uint32_t id) { return intern(m_files[id].path); }

    // Boot-time only (not journaled): the scenario's files. Returns the file's index.
    uint32_t add(const std::string& path, std::vector<uint8_t> bytes);
    uint32_t create(const std::string& path);  // journaled FileCreate
    void store(uint32_t file, uint64_t offset, const uint8_t* data, uint32_t n);  // journaled bytes
    void resize(uint32_t file, uint32_t size);
    core::PageRef chunk(uint32_t file, uint32_t page) const;  // 4 KB of the file, zero past its end

    void apply(const core::Change& c, bool forward);  // FileCreate, FilePage, FileSize

private:
    std::vector<DiskFile> m_files;
    std::vector<std::string> m_created;  // paths of files created at run time (FileCreate blobs)
};

}  // namespace pagelab::mm
