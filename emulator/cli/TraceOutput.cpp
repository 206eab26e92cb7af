#include "cli/TraceOutput.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <streambuf>

#include <fmt/format.h>

#include "io/SafeWrite.h"

namespace pagelab::cli {

namespace {

// The longest line kept for the message about a difference (a line is compared whole whatever
// its length; only what is printed is cut).
constexpr size_t kShownLine = 4096;

// A stream sink that compares what is written with a golden file as it arrives, line by line,
// and keeps only the current line: the first difference is found without holding either file.
class CompareBuf : public std::streambuf {
public:
    explicit CompareBuf(std::istream& golden) : m_golden(golden) {}

    // After the last write: 0 equal, or 1 with the message printed.
    int finish(const std::string& golden_path) {
        if (!m_differ) {
            const int g = m_golden.get();
            if (g == EOF) return 0;
            // The trace ended first.
            m_differ = true;
            m_line_differs = m_line;
            m_has_actual = !m_actual.empty();
            m_expected = m_actual;
            m_has_expected = true;
            take_rest_of_golden_line(g);
        }
        if (m_has_expected && m_has_actual && m_expected == m_actual) {
            std::cerr << fmt::format("{}: trace differs from the golden file (line endings)\n", golden_path);
            return 1;
        }
        std::cerr << fmt::format("{}:{}: trace differs from the golden file\n  expected: {}\n  actual:   {}\n", golden_path,
                                 m_line_differs, m_has_expected ? m_expected : "<end of file>",
                                 m_has_actual ? m_actual : "<end of file>");
        std::cerr << "  (if the change is intended, rewrite it: pagelab trace FILE --bless GOLDEN, or PAGELAB_BLESS=1 ctest)\n";
        return 1;
    }

protected:
    int_type overflow(int_type ch) override {
        if (!traits_type::eq_int_type(ch, traits_type::eof())) put(traits_type::to_char_type(ch));
        return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        for (std::streamsize i = 0; i < n && !m_done; ++i) put(s[i]);
        return n;
    }

private:
    static void keep(std::string& line, char c) {
        if (line.size() < kShownLine) line += c;
    }
    void take_rest_of_golden_line(int g) {
        while (g != EOF && g != '\n') {
            keep(m_expected, char(g));
            g = m_golden.get();
        }
    }
    void put(char c) {
        if (m_done) return;
        if (m_differ) {  // the rest of the actual line, for the message
            if (c == '\n') m_done = true;
            else keep(m_actual, c);
            return;
        }
        const int g = m_golden.get();
        if (g == static_cast<unsigned char>(c)) {
            if (c == '\n') {
                ++m_line;
                m_actual.clear();
            } else {
                keep(m_actual, c);
            }
            return;
        }
        m_differ = true;
        m_line_differs = m_line;
        m_expected = m_actual;
        m_has_expected = g != EOF || !m_actual.empty();
        take_rest_of_golden_line(g);
        m_has_actual = true;
        if (c == '\n') m_done = true;
        else keep(m_actual, c);
    }

    std::istream& m_golden;
    size_t m_line = 1;
    std::string m_actual;  // the current line of the trace (then the differing one)
    std::string m_expected;
    bool m_differ = false, m_done = false, m_has_expected = false, m_has_actual = false;
    size_t m_line_differs = 0;
};

}  // namespace

bool is_trace_header(std::string_view head) {
    constexpr std::string_view kText = "# PageLab trace, format ";
    constexpr std::string_view kJson = "{\n \"pagelab_trace\": ";
    return head.substr(0, kText.size()) == kText || head.substr(0, kJson.size()) == kJson;
}

int print_trace(sim::Session& session, sim::TraceFormat format) {
    sim::write_trace(session, std::cout, format);
    if (auto problem = io::check_output(std::cout)) {
        std::cerr << fmt::format("pagelab: error: cannot write the trace to standard output: {}\n", *problem);
        return 2;
    }
    return 0;
}

int compare_trace(sim::Session& session, sim::TraceFormat format, const std::string& golden) {
    std::error_code ec;
    std::ifstream in;
    if (std::filesystem::is_regular_file(golden, ec)) in.open(golden, std::ios::binary);
    if (!in.is_open() || !in) {
        std::cerr << fmt::format("{}: error: cannot read the golden trace (write it with --bless)\n", golden);
        return 1;
    }
    CompareBuf buf(in);
    std::ostream out(&buf);
    sim::write_trace(session, out, format);
    out.flush();
    return buf.finish(golden);
}

int bless_trace(sim::Session& session, sim::TraceFormat format, const std::string& golden) {
    std::error_code ec;
    if (std::filesystem::equivalent(golden, session.scenario().path, ec) && !ec) {
        std::cerr << fmt::format("pagelab: error: {} is the scenario file itself; refusing to overwrite it with its trace\n",
                                 golden);
        return 2;
    }
    const auto problem = io::write_atomically(golden, is_trace_header, "a golden trace",
                                              [&](std::ostream& out) { sim::write_trace(session, out, format); });
    if (problem) {
        std::cerr << fmt::format("pagelab: error: {}\n", *problem);
        return 2;
    }
    std::cerr << fmt::format("wrote {}\n", golden);
    return 0;
}

}  // namespace pagelab::cli
