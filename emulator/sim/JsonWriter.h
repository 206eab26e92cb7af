// A streaming JSON writer: writes a document as it is built, so a trace of any length costs no
// memory for its text. Its bytes are exactly those of nlohmann's ordered_json dump(indent) for
// the same document (keys in the order written, `[]` / `{}` for empty containers, nlohmann's
// escapes), so switching a writer from a DOM to this stream changes no output.
//
// Strings are UTF-8. A byte sequence that is not valid UTF-8 (which nlohmann's dump refuses with
// an exception) is written as U+FFFD, like nlohmann's error_handler_t::replace: the document stays
// valid JSON whatever the bytes (a real PE file's import names reach event texts unchecked).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/Utf8.h"

namespace pagelab::sim {

class JsonWriter {
public:
    // Output goes through a buffer of its own, flushed to out every 64 KB and by flush().
    JsonWriter(std::ostream& out, int indent) : m_out(out), m_indent(indent) { m_buffer.reserve(kFlushAt + 4096); }
    ~JsonWriter() { flush(); }
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    // The key of the next value in the current object.
    void key(std::string_view k) {
        element();
        string_body(k);
        m_buffer += ": ";
        m_after_key = true;
    }
    void value(std::string_view s) {
        element();
        string_body(s);
    }
    void value(const char* s) { value(std::string_view(s)); }
    void value(const std::string& s) { value(std::string_view(s)); }
    void value(uint64_t v) {
        element();
        char digits[24];
        char* p = digits + sizeof digits;
        do {
            *--p = char('0' + v % 10);
            v /= 10;
        } while (v);
        m_buffer.append(p, size_t(digits + sizeof digits - p));
    }
    void value(int64_t v) {
        if (v < 0) {
            element();
            m_buffer += '-';
            m_after_key = true;
            value(uint64_t(0) - uint64_t(v));
        } else {
            value(uint64_t(v));
        }
    }
    void value(uint32_t v) { value(uint64_t(v)); }
    void value(int v) { value(int64_t(v)); }
    // Raw text after the document (a final newline).
    void raw(std::string_view text) { m_buffer += text; }
    void flush() {
        if (!m_buffer.empty()) m_out.write(m_buffer.data(), std::streamsize(m_buffer.size()));
        m_buffer.clear();
    }

    // s as a JSON string literal (with its quotes), escaped as nlohmann escapes.
    static void append_string(std::string& out, std::string_view s);

private:
    static constexpr size_t kFlushAt = 64 * 1024;
    struct Level {
        bool empty = true;
    };

    // Before a value or a key: the separator and the indentation of a new element, unless the
    // value follows its key.
    void element() {
        if (m_after_key) {
            m_after_key = false;
            return;
        }
        if (m_levels.empty()) return;
        Level& l = m_levels.back();
        if (!l.empty) m_buffer += ',';
        l.empty = false;
        m_buffer += '\n';
        m_buffer.append(size_t(m_indent) * m_levels.size(), ' ');
    }
    void open(char c) {
        element();
        m_buffer += c;
        m_levels.push_back(Level{});
    }
    void close(char c) {
        const bool empty = m_levels.back().empty;
        m_levels.pop_back();
        if (!empty) {
            m_buffer += '\n';
            m_buffer.append(size_t(m_indent) * m_levels.size(), ' ');
        }
        m_buffer += c;
        if (m_buffer.size() >= kFlushAt) flush();
    }
    void string_body(std::string_view s) {
        append_string(m_buffer, s);
        if (m_buffer.size() >= kFlushAt) flush();
    }

    std::ostream& m_out;
    int m_indent;
    std::string m_buffer;
    std::vector<Level> m_levels;
    bool m_after_key = false;
};

inline void JsonWriter::append_string(std::string& out, std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    out += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c >= 0x80) {
            // One UTF-8 sequence, checked as nlohmann's decoder checks it (no overlong forms, no
            // surrogates, nothing above U+10FFFF); an invalid one becomes U+FFFD and the scan
            // resumes at the next byte.
            const size_t len = utf8_sequence_length(p + i, n - i);
            const bool ok = len != 0;
            if (ok) {
                out.append(s.data() + i, len);
                i += len;
            } else {
                out += "\xEF\xBF\xBD";
                ++i;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += char(c);
                }
        }
        ++i;
    }
    out += '"';
}

}  // namespace pagelab::sim
