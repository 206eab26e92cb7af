// Reading a whole input file (a scenario, a PE file, an access trace) without surprises: only a
// regular file is read (a device, a pipe or /proc/self/mem might never end, or fail in the middle),
// never more than a given number of bytes, and every failure is a sentence, never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pagelab::io {

struct ReadResult {
    std::string bytes;
    // Set when the file could not be read: "no such file", "not a regular file", "larger than
    // 64 MB (the limit for ...)", or the system's reason ("Input/output error").
    std::optional<std::string> error;
    bool ok() const { return !error.has_value(); }
};

// Reads the file whole. A file larger than max_bytes is refused before it is read, with
// `limit_name` in the message ("larger than 16 MB, the limit for scenario files").
ReadResult read_file(const std::string& path, uint64_t max_bytes, const std::string& limit_name);

// "16 MB", "64 KB", "100 bytes": a size for messages.
std::string size_text(uint64_t bytes);

}  // namespace pagelab::io
