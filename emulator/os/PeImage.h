// Reading a real PE32 file (an i386 EXE or DLL) into the ImageDescription the loader consumes.
//
// The reader trusts nothing in the file: every read goes through ByteReader, which answers
// std::nullopt instead of reading past the end, and every loop is bounded by the bytes that are
// there. A malformed file is data, not an exception: the result is a PeError naming the header
// field at fault (the loader reports every PeError as ERROR_BAD_EXE_FORMAT; Windows 95:
// ERROR_GEN_FAILURE). Layouts follow the Microsoft "PE Format" specification (winnt.h names).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "os/Image.h"

namespace pagelab::os {

// Bounds-checked little-endian reads over a byte buffer. Offsets are 64-bit so that
// `offset + length` computed from 32-bit file fields can never wrap around.
class ByteReader {
public:
    explicit ByteReader(std::span<const uint8_t> bytes) : m_bytes(bytes) {}

    uint64_t size() const { return m_bytes.size(); }
    // True when [offset, offset + length) lies inside the buffer.
    bool contains(uint64_t offset, uint64_t length) const {
        return offset <= m_bytes.size() && length <= m_bytes.size() - offset;
    }
    std::optional<uint8_t> read_u8(uint64_t offset) const;
    std::optional<uint16_t> read_u16(uint64_t offset) const;
    std::optional<uint32_t> read_u32(uint64_t offset) const;
    // The NUL-terminated string starting at `offset`; nullopt when no NUL comes before the end
    // of the buffer or within `max_length` bytes.
    std::optional<std::string> read_cstring(uint64_t offset, uint64_t max_length) const;
    // [offset, offset + length) as a span; empty when it does not fit (check contains() first).
    std::span<const uint8_t> slice(uint64_t offset, uint64_t length) const;

private:
    std::span<const uint8_t> m_bytes;
};

// Why a file is not an image PageLab can load. `field` is the structure and field at fault
// ("IMAGE_FILE_HEADER.Machine", "IMAGE_SECTION_HEADER[2].VirtualAddress"), `reason` says what
// is wrong with its value.
struct PeError {
    std::string field;
    std::string reason;

    // "IMAGE_DOS_HEADER.e_lfanew: 0x00010000 points past the end of the file (1024 bytes)"
    std::string message() const { return field + ": " + reason; }
};

using PeReadResult = std::variant<ImageDescription, PeError>;

// Parses and validates `bytes` as a PE32 image for i386. `path` is stored in the description
// (it is the file's name on the emulated disk; the reader never opens files). On success the
// description holds the headers' bytes (the first SizeOfHeaders bytes), every section with its
// initialised bytes copied, the imported DLL names in import-directory order and every HIGHLOW
// fixup RVA, sorted.
PeReadResult read_pe_image(const std::vector<uint8_t>& bytes, const std::string& path);

}  // namespace pagelab::os
