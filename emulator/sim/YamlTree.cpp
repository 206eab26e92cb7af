#include "sim/YamlTree.h"

#include <cstring>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#ifndef PAGELAB_NO_LIBYAML
#include <yaml.h>
#endif

namespace pagelab::yaml {

// ---- Node ----

const std::string& Node::Scalar() const {
    static const std::string empty;
    if (kind() != Kind::Scalar) return empty;
    return m_doc->scalars[data().first];
}

YAML::Mark Node::Mark() const {
    if (!m_valid) throw YAML::InvalidNode(m_key);
    if (m_index == Document::kNone) return YAML::Mark::null_mark();
    YAML::Mark m;
    m.line = data().line;
    m.column = data().column;
    return m;
}

Node Node::operator[](const std::string& key) const {
    const Kind k = kind();
    if (k == Kind::Scalar) throw YAML::BadSubscript(Mark(), key);
    if (k != Kind::Map) return zombie(key);
    const NodeData& d = data();
    for (uint32_t i = 0; i < d.count; ++i) {
        const NodeData& kd = m_doc->nodes[m_doc->kids[d.first + 2 * i]];
        if (kd.kind == Kind::Scalar && m_doc->scalars[kd.first] == key) return Node(m_doc, m_doc->kids[d.first + 2 * i + 1]);
    }
    return zombie(key);
}

NodeItem Node::iterator::operator*() const {
    NodeItem item;
    const Document* doc = m_n->m_doc;
    const NodeData& d = m_n->m_doc->nodes[m_n->m_index];
    if (d.kind == Kind::Sequence) {
        static_cast<Node&>(item) = Node(doc, doc->kids[d.first + m_i]);
    } else {
        item.first = Node(doc, doc->kids[d.first + 2 * m_i]);
        item.second = Node(doc, doc->kids[d.first + 2 * m_i + 1]);
    }
    return item;
}

namespace {

// ---- building a tree from either parser's events ----

class Builder {
public:
    explicit Builder(Document& d) : m_doc(d) { m_doc = Document{}; }

    uint32_t null(int line, int column) { return attach(add(Kind::Null, line, column)); }
    uint32_t scalar(int line, int column, std::string value) {
        const uint32_t i = add(Kind::Scalar, line, column);
        m_doc.nodes[i].first = uint32_t(m_doc.scalars.size());
        m_doc.scalars.push_back(std::move(value));
        return attach(i);
    }
    uint32_t start(Kind k, int line, int column) {
        const uint32_t i = attach(add(k, line, column));
        m_frames.push_back(Frame{i, m_pending.size()});
        return i;
    }
    void end() {
        const Frame f = m_frames.back();
        m_frames.pop_back();
        NodeData& d = m_doc.nodes[f.node];
        d.first = uint32_t(m_doc.kids.size());
        const size_t n = m_pending.size() - f.start;
        d.count = uint32_t(d.kind == Kind::Map ? n / 2 : n);
        m_doc.kids.insert(m_doc.kids.end(), m_pending.begin() + ptrdiff_t(f.start), m_pending.end());
        m_pending.resize(f.start);
    }
    uint32_t attach(uint32_t i) {
        if (!m_frames.empty()) m_pending.push_back(i);
        else if (m_doc.root == Document::kNone) m_doc.root = i;
        return i;
    }
    size_t depth() const { return m_frames.size(); }
    Document& doc() { return m_doc; }

private:
    uint32_t add(Kind k, int line, int column) {
        NodeData d;
        d.kind = k;
        d.line = line;
        d.column = column;
        m_doc.nodes.push_back(d);
        return uint32_t(m_doc.nodes.size() - 1);
    }
    struct Frame {
        uint32_t node;
        size_t start;
    };
    Document& m_doc;
    std::vector<Frame> m_frames;
    std::vector<uint32_t> m_pending;
};

// yaml-cpp's events, as its NodeBuilder (what YAML::Load uses) turns them into nodes: an alias is
// the anchored node itself.
class CppHandler : public YAML::EventHandler {
public:
    explicit CppHandler(Builder& b) : m_b(b) {}
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { anchor(a, m_b.null(m.line, m.column)); }
    void OnAlias(const YAML::Mark&, YAML::anchor_t a) override { m_b.attach(m_anchors.at(a)); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string& value) override {
        anchor(a, m_b.scalar(m.line, m.column, value));
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
        anchor(a, m_b.start(Kind::Sequence, m.line, m.column));
    }
    void OnSequenceEnd() override { m_b.end(); }
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
        anchor(a, m_b.start(Kind::Map, m.line, m.column));
    }
    void OnMapEnd() override { m_b.end(); }

private:
    void anchor(YAML::anchor_t a, uint32_t node) {
        if (!a) return;
        if (m_anchors.size() <= a) m_anchors.resize(a + 1, Document::kNone);
        m_anchors[a] = node;
    }
    Builder& m_b;
    std::vector<uint32_t> m_anchors;
};

bool is_null_string(const unsigned char* s, size_t n) {
    auto is = [&](const char* w) { return n == std::strlen(w) && std::memcmp(s, w, n) == 0; };
    return n == 0 || is("~") || is("null") || is("Null") || is("NULL");
}

}  // namespace

void load_yaml_cpp(const std::string& text, Document& doc) {
    Builder b(doc);
    std::stringstream stream(text);
    YAML::Parser parser(stream);
    CppHandler handler(b);
    parser.HandleNextDocument(handler);
}

#ifdef PAGELAB_NO_LIBYAML
bool load_fast(const std::string&, Document&) { return false; }
#else
namespace {

// What the libyaml path leaves to yaml-cpp without trying: characters where the two readers'
// positions or line breaks could differ (tab, CR, a byte order mark, NEL, LS, PS).
bool needs_yaml_cpp(const std::string& text) {
    if (text.find_first_of("\t\r") != std::string::npos) return true;
    for (const char* seq : {"\xEF\xBB\xBF", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"})
        if (text.find(seq) != std::string::npos) return true;
    return false;
}

// libyaml counts columns in characters, yaml-cpp in bytes; and where a node is empty (`key:` with
// nothing after it, `-` alone) libyaml puts it at the indicator, yaml-cpp at the next token.
class Positions {
public:
    explicit Positions(const std::string& text) : m_text(text) {
        m_starts.push_back(0);
        for (size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + 1)) m_starts.push_back(p + 1);
    }
    // Whether a libyaml mark lies on a line of the text. At the end of the stream libyaml moves
    // its mark to a new line when the text does not end in a line break, so an empty node there
    // (an unterminated "{a: {p") is marked one line past the text: such a text is yaml-cpp's.
    bool on_text(const yaml_mark_t& m) const { return m.line < m_starts.size(); }
    // The byte offset of libyaml's (line, character column); the mark must be on_text().
    size_t offset(size_t line, size_t column) const {
        size_t p = m_starts[line];
        for (size_t c = 0; c < column && p < m_text.size(); ++c) {
            const auto b = uint8_t(m_text[p]);
            p += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        }
        return p;
    }
    void at(const yaml_mark_t& m, int& line, int& column) const {
        line = int(m.line);
        column = int(offset(m.line, m.column) - m_starts[m.line]);
    }
    // yaml-cpp's position of an empty node: the next token after libyaml's mark (spaces, line
    // breaks and comments skipped).
    void next_token(const yaml_mark_t& m, int& line, int& column) const {
        size_t l = m.line, p = offset(m.line, m.column);
        while (p < m_text.size()) {
            const char c = m_text[p];
            if (c == ' ') ++p;
            else if (c == '\n') ++p, ++l;
            else if (c == '#' && (p == 0 || m_text[p - 1] == ' ' || m_text[p - 1] == '\n')) p = std::min(m_text.find('\n', p), m_text.size());
            else break;
        }
        line = int(l);
        column = p == m_text.size() ? 0 : int(p - m_starts[l]);  // (yaml-cpp's end of text is column 0)
    }

private:
    const std::string& m_text;
    std::vector<size_t> m_starts;
};

// '?' is where yaml-cpp 0.7 and libyaml disagree most: yaml-cpp takes every '?' inside a flow
// collection ([a?], {b?: c}) as a key indicator (and then often fails: "unknown token"), and puts
// a key without a value ("? key" alone) where the key starts. Such texts are yaml-cpp's: any '?'
// that could start a token in block context, any '?' inside a flow collection (checked as each
// outermost one closes).
bool explicit_key_possible(const std::string& text) {
    for (size_t p = text.find('?'); p != std::string::npos; p = text.find('?', p + 1)) {
        const char before = p == 0 ? ' ' : text[p - 1];
        const char after = p + 1 == text.size() ? ' ' : text[p + 1];
        if ((after == ' ' || after == '\n') && (before == ' ' || before == '\n' || before == '-' || before == ',' || before == '[' || before == '{'))
            return true;
    }
    return false;
}

struct FastReader {
    Builder& b;
    const Positions& pos;
    const std::string& text;
    int documents = 0;
    std::vector<bool> flow;  // per open collection: a flow one?
    size_t flow_open = 0, flow_start = 0;

    bool scalar(const yaml_event_t& e) {
        const auto& s = e.data.scalar;
        if (s.anchor || s.tag) return false;
        if ((s.style == YAML_LITERAL_SCALAR_STYLE || s.style == YAML_FOLDED_SCALAR_STYLE) && !plain_block(e)) return false;
        int line = 0, column = 0;
        if (s.style == YAML_PLAIN_SCALAR_STYLE && is_null_string(s.value, s.length)) {
            if (s.length == 0) pos.next_token(e.start_mark, line, column);
            else pos.at(e.start_mark, line, column);
            b.null(line, column);
        } else {
            pos.at(e.start_mark, line, column);
            b.scalar(line, column, std::string(reinterpret_cast<const char*>(s.value), s.length));
        }
        return true;
    }
    // A block scalar (| or >) that is empty or keeps its final line breaks (|+) reads differently
    // in the two (yaml-cpp: null for an empty one at the end, fewer kept breaks).
    bool plain_block(const yaml_event_t& e) const {
        if (e.data.scalar.length == 0) return false;
        const size_t from = pos.offset(e.start_mark.line, e.start_mark.column);
        const size_t eol = std::min(text.find('\n', from), text.size());
        return text.find('+', from) >= eol;
    }
    bool start(const yaml_event_t& e) {
        constexpr size_t kDepth = 200;  // deeper nesting is yaml-cpp's (its DeepRecursion message)
        const bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        const bool tagged = seq ? e.data.sequence_start.anchor || e.data.sequence_start.tag : e.data.mapping_start.anchor || e.data.mapping_start.tag;
        if (tagged || b.depth() >= kDepth) return false;
        const bool is_flow = seq ? e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE : e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        if (is_flow && flow_open++ == 0) flow_start = pos.offset(e.start_mark.line, e.start_mark.column);
        flow.push_back(is_flow);
        int line = 0, column = 0;
        pos.at(e.start_mark, line, column);
        b.start(seq ? Kind::Sequence : Kind::Map, line, column);
        return true;
    }
    bool end(const yaml_event_t& e) {
        b.end();
        const bool was_flow = flow.back();
        flow.pop_back();
        if (!was_flow || --flow_open > 0) return true;
        // (and one over several lines: yaml-cpp refuses some that libyaml reads, e.g. "{a\n 'b'}")
        const size_t stop = pos.offset(e.end_mark.line, e.end_mark.column);
        return text.find('?', flow_start) >= stop && text.find('\n', flow_start) >= stop;
    }
    // One libyaml event into the tree; false when the rest is yaml-cpp's.
    bool add(const yaml_event_t& e) {
        if (!pos.on_text(e.start_mark) || !pos.on_text(e.end_mark)) return false;
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            return ++documents == 1 && !e.data.document_start.version_directive &&
                   e.data.document_start.tag_directives.start == e.data.document_start.tag_directives.end;
        case YAML_ALIAS_EVENT: return false;
        case YAML_SCALAR_EVENT: return scalar(e);
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: return start(e);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: return end(e);
        default: return true;
        }
    }
};

}  // namespace

bool load_fast(const std::string& text, Document& doc) {
    if (needs_yaml_cpp(text) || explicit_key_possible(text)) return false;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return false;
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    Builder b(doc);
    const Positions pos(text);
    FastReader reader{b, pos, text};
    bool ok = true;
    for (bool done = false; ok && !done;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            ok = false;
            break;
        }
        done = e.type == YAML_STREAM_END_EVENT;
        ok = reader.add(e);
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    return ok;
}
#endif

void load(const std::string& text, Document& doc) {
    if (!load_fast(text, doc)) load_yaml_cpp(text, doc);
}

}  // namespace pagelab::yaml
