// Watching files for changes by polling their stamps (whether they exist, their size, their last
// write time): no threads and no notification API of any system, so it works wherever
// std::filesystem does. The caller decides when to poll — the window every quarter second of its
// clock, `pagelab run --watch` between sleeps.
//
// A change is reported once it has settled: the new stamp was seen at two polls in a row. An
// editor that saves by truncating and writing, or by writing a temporary file and renaming it
// over the old one, is then read once, whole.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagelab::io {

class FileWatch {
public:
    // Watches these files from now on (their stamps now are the baseline). Paths already watched
    // keep their state, so a change being settled is not lost.
    void watch(const std::vector<std::string>& paths);
    // The watched files whose change has settled since they were last reported.
    std::vector<std::string> poll();
    const std::vector<std::string>& paths() const { return m_paths; }

private:
    struct Stamp {
        bool exists = false;
        uint64_t size = 0;
        int64_t written = 0;  // last write time, in the file system clock's ticks
        bool operator==(const Stamp&) const = default;
    };
    static Stamp stamp_of(const std::string& path);
    struct Entry {
        Stamp reported;               // the state last reported (or seen at watch())
        std::optional<Stamp> seen;    // a different state seen at the last poll, settling
    };
    std::vector<std::string> m_paths;
    std::vector<Entry> m_entries;
};

}  // namespace pagelab::io
