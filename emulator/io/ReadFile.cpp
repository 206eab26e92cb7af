#include "io/ReadFile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace pagelab::io {

std::string size_text(uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) return fmt::format("{} GB", bytes >> 30);
    if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return fmt::format("{} MB", bytes >> 20);
    if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return fmt::format("{} KB", bytes >> 10);
    return fmt::format("{} bytes", bytes);
}

ReadResult read_file(const std::string& path, uint64_t max_bytes, const std::string& limit_name) {
    ReadResult r;
    auto fail = [&](std::string why) {
        r.bytes.clear();
        r.error = std::move(why);
        return std::move(r);
    };
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below anyway).
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT) return fail("no such file");
        if (err == ENOTDIR) return fail("no such file (a part of the path is not a folder)");
        return fail(fmt::format("cannot open it: {}", std::strerror(err)));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail(fmt::format("read error: {}", std::strerror(errno)));
    if (S_ISDIR(st.st_mode)) return fail("is a folder, not a file");
    if (!S_ISREG(st.st_mode)) return fail("not a regular file: a device, a pipe or a socket is not read");
    if (uint64_t(st.st_size) > max_bytes)
        return fail(fmt::format("larger than {}, the limit for {}", size_text(max_bytes), limit_name));
    // The size may be wrong (files in /proc say 0) or change while it is read: read up to the
    // limit and one byte more, whatever it said.
    try {
        r.bytes.reserve(size_t(st.st_size));
        char buffer[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) {
                    ::usleep(1000);
                    continue;
                }
                return fail(fmt::format("read error: {}", std::strerror(errno)));
            }
            if (n == 0) break;
            r.bytes.append(buffer, size_t(n));
            if (r.bytes.size() > max_bytes)
                return fail(fmt::format("larger than {}, the limit for {}", size_text(max_bytes), limit_name));
        }
    } catch (const std::bad_alloc&) {
        return fail("read error: out of memory");
    }
    return r;
}

}  // namespace pagelab::io
