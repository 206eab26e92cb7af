#include "io/SafeWrite.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <streambuf>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace pagelab::io {

namespace fs = std::filesystem;

namespace {

// An output buffer over a file descriptor that remembers the first failed write (errno).
class FdBuf : public std::streambuf {
public:
    explicit FdBuf(int fd) : m_fd(fd) { setp(m_buffer, m_buffer + sizeof m_buffer); }
    ~FdBuf() override = default;
    int error() const { return m_error; }
    bool drain() {
        const char* p = pbase();
        size_t n = size_t(pptr() - pbase());
        while (n > 0 && m_error == 0) {
            const ssize_t w = ::write(m_fd, p, n);
            if (w < 0) {
                if (errno == EINTR) continue;
                m_error = errno;
                break;
            }
            if (w == 0) {
                m_error = EIO;
                break;
            }
            p += w;
            n -= size_t(w);
        }
        setp(m_buffer, m_buffer + sizeof m_buffer);
        return m_error == 0;
    }

protected:
    int_type overflow(int_type ch) override {
        if (!drain()) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    int m_fd;
    int m_error = 0;
    char m_buffer[1 << 16];
};

std::string reason(int err) { return std::strerror(err); }

// The first bytes of a regular file (at most 4 KB), or nothing when it cannot be read.
std::optional<std::string> head_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string head(4096, '\0');
    in.read(head.data(), std::streamsize(head.size()));
    head.resize(size_t(in.gcount()));
    return head;
}

// Where the bytes go: the target, or the file a symbolic link at the target names.
fs::path resolve_target(const std::string& target) {
    std::error_code ec;
    const fs::path p(target);
    if (fs::is_symlink(p, ec)) {
        const fs::path resolved = fs::weakly_canonical(p, ec);
        if (!ec) return resolved;
    }
    return p;
}

}  // namespace

std::optional<std::string> check_target(const std::string& target, const Recogniser& may_replace, std::string_view what) {
    if (target.empty()) return std::string("no file name given");
    const fs::path p = resolve_target(target);
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec && st.type() != fs::file_type::not_found)
        return fmt::format("cannot write {}: {}", target, ec.message());
    if (st.type() == fs::file_type::not_found) {
        const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
        if (!fs::is_directory(parent, ec))
            return fmt::format("cannot write {}: the folder {} does not exist", target, parent.string());
        return std::nullopt;
    }
    if (st.type() == fs::file_type::directory) return fmt::format("cannot write {}: it is a folder", target);
    if (st.type() != fs::file_type::regular)
        return fmt::format("{} is not a regular file; refusing to write {} there", target, what);
    const auto head = head_of(p);
    if (!head) return fmt::format("cannot write {}: cannot read the file it would replace", target);
    if (!may_replace(*head))
        return fmt::format("{} exists and is not {} written by PageLab; refusing to overwrite it", target, what);
    return std::nullopt;
}

std::optional<std::string> write_atomically(const std::string& target, const Recogniser& may_replace,
                                            std::string_view what, const std::function<void(std::ostream&)>& produce) {
    if (auto problem = check_target(target, may_replace, what)) return problem;
    const fs::path p = resolve_target(target);
    std::error_code ec;
    const bool existed = fs::exists(p, ec);
    // The temporary file lives beside the target, so the rename stays within one file system.
    std::string temp = (p.has_parent_path() ? p.parent_path() / "" : fs::path()).string() + "." +
                       p.filename().string() + ".tmp-XXXXXX";
    std::vector<char> name(temp.begin(), temp.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return fmt::format("cannot write {}: {}", target, reason(errno));
    temp = name.data();
    auto fail = [&](int err) {
        ::unlink(temp.c_str());
        return fmt::format("cannot write {}: {}", target, reason(err));
    };
    // mkstemp makes the file private (0600): give it the old file's mode, or the usual one.
    mode_t mode = 0666;
    struct stat old {};
    if (existed && ::stat(p.c_str(), &old) == 0) mode = old.st_mode & 07777;
    else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode &= ~mask;
    }
    ::fchmod(fd, mode);
    int err = 0;
    {
        FdBuf buf(fd);
        std::ostream out(&buf);
        try {
            produce(out);
        } catch (...) {
            ::close(fd);
            ::unlink(temp.c_str());
            throw;
        }
        out.flush();
        if (!buf.drain() || buf.error()) err = buf.error() ? buf.error() : EIO;
        else if (!out) err = EIO;
    }
    if (err == 0 && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) err = errno;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err != 0) return fail(err);
    if (::rename(temp.c_str(), p.c_str()) != 0) return fail(errno);
    return std::nullopt;
}

std::optional<std::string> write_atomically(const std::string& target, const Recogniser& may_replace,
                                            std::string_view what, std::string_view bytes) {
    return write_atomically(target, may_replace, what,
                            [&](std::ostream& out) { out.write(bytes.data(), std::streamsize(bytes.size())); });
}

std::optional<std::string> check_output(std::ostream& out) {
    errno = 0;
    out.flush();
    if (out) return std::nullopt;
    int err = errno;
    if (err == 0 && &out == &std::cout) {
        // The write that failed was long ago (the stream stopped writing then) and its errno is
        // gone: one more byte through stdio fails the same way and tells why (the output is lost
        // anyway).
        std::fputc('\n', stdout);
        if (std::fflush(stdout) != 0) err = errno;
    }
    return err ? reason(err) : std::string("write error");
}

}  // namespace pagelab::io
