// Writing files that may already hold someone's work (golden traces, screenshots): never over a
// file PageLab did not write, never half-written. A file is written to a temporary file beside the
// target, every write and the close are checked, the data is flushed to the disk, and only then is
// it renamed over the target, so a reader sees the old file or the new one, never a mix, and a
// failure (disk full, no permission, a missing folder) leaves the target as it was and is
// reported with the reason.
//
// What may be replaced is decided by the caller's recogniser, which reads the start of the
// existing file: a golden trace starts with its header line (sim::is_trace_header), a screenshot
// is a PNG that carries PageLab's marker. A missing target may be created (its folder must exist).
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace pagelab::io {

// May the existing file whose first bytes are `head` (up to 4 KB) be replaced?
using Recogniser = std::function<bool(std::string_view head)>;

// Checks that `target` may be written: it does not exist (and its folder does), or it is a regular
// file (or a link to one) that `may_replace` accepts. Returns the problem as a sentence ("… is not
// a golden trace written by PageLab; refusing to overwrite it"), or nothing when it may be written.
std::optional<std::string> check_target(const std::string& target, const Recogniser& may_replace,
                                        std::string_view what);

// Writes the file atomically: `produce` writes the content to the stream it is given (which fails
// on the first write error); then the temporary file is flushed, closed and renamed over the
// target (a link's target is replaced, not the link). Checks the target first (check_target).
// Returns the problem, or nothing on success. A temporary file is removed on every failure.
std::optional<std::string> write_atomically(const std::string& target, const Recogniser& may_replace,
                                            std::string_view what, const std::function<void(std::ostream&)>& produce);

// The same for bytes held in memory.
std::optional<std::string> write_atomically(const std::string& target, const Recogniser& may_replace,
                                            std::string_view what, std::string_view bytes);

// Checks a stream the program wrote its output to (standard output): flushes it and says whether
// every write succeeded; on failure, the reason (errno's text when the system gave one).
std::optional<std::string> check_output(std::ostream& out);

}  // namespace pagelab::io
