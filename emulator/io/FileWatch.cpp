#include "io/FileWatch.h"

#include <filesystem>

namespace pagelab::io {

namespace fs = std::filesystem;

FileWatch::Stamp FileWatch::stamp_of(const std::string& path) {
    std::error_code ec;
    Stamp s;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::is_regular_file(st)) return s;
    s.exists = true;
    s.size = fs::file_size(path, ec);
    if (ec) s.size = 0;
    const auto t = fs::last_write_time(path, ec);
    if (!ec) s.written = int64_t(t.time_since_epoch().count());
    return s;
}

void FileWatch::watch(const std::vector<std::string>& paths) {
    std::vector<Entry> entries;
    for (const auto& p : paths) {
        Entry e;
        bool known = false;
        for (size_t i = 0; i < m_paths.size(); ++i)
            if (m_paths[i] == p) {
                e = m_entries[i];
                known = true;
            }
        if (!known) e.reported = stamp_of(p);
        entries.push_back(e);
    }
    m_paths = paths;
    m_entries = std::move(entries);
}

std::vector<std::string> FileWatch::poll() {
    std::vector<std::string> changed;
    for (size_t i = 0; i < m_paths.size(); ++i) {
        Entry& e = m_entries[i];
        const Stamp now = stamp_of(m_paths[i]);
        if (now == e.reported) {
            e.seen.reset();
        } else if (e.seen && *e.seen == now) {
            e.reported = now;
            e.seen.reset();
            changed.push_back(m_paths[i]);
        } else {
            e.seen = now;
        }
    }
    return changed;
}

}  // namespace pagelab::io
