// PageLab's own YAML document tree: what the scenario and course readers see of a file. Nodes are
// null, scalar, sequence or map, each with its 0-based line and byte column exactly as yaml-cpp's
// Mark() gives them (errors print FILE:LINE:COL). Node mimics the part of YAML::Node the readers
// use, throwing yaml-cpp's own exceptions where YAML::Node throws, so the readers' messages stay
// the same text.
//
// Two ways in (load()): libyaml's C event parser for the common case - several times faster than
// yaml-cpp's scanner (issue 18) - and yaml-cpp's event parser for the rest: a syntax error (so the
// message is yaml-cpp's, as before), tags, anchors and aliases, tabs, CR, a BOM, unusual line
// breaks, deep nesting, several documents. tests/unit/test_yaml_tree.cpp checks that both give the
// same tree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

namespace pagelab::yaml {

enum class Kind : uint8_t { Null, Scalar, Sequence, Map };

struct NodeData {
    Kind kind = Kind::Null;
    int line = -1, column = -1;
    uint32_t first = 0;  // scalar: index in Document::scalars; collection: first child in Document::kids
    uint32_t count = 0;  // children (a map's are key, value pairs: count pairs, 2 * count kids)
};

struct Document {
    std::vector<NodeData> nodes;
    std::vector<uint32_t> kids;
    std::vector<std::string> scalars;
    uint32_t root = kNone;  // kNone: no document at all (yaml-cpp's Node(): null, no position)
    static constexpr uint32_t kNone = 0xFFFFFFFFu;
};

class Node {
public:
    Node() = default;  // a null node without a position, as YAML::Node()
    Node(const Document* doc, uint32_t index) : m_doc(doc), m_index(index) {}
    static Node zombie(std::string key) {
        Node n;
        n.m_valid = false;
        n.m_key = std::move(key);
        return n;
    }

    bool IsDefined() const { return m_valid; }
    explicit operator bool() const { return m_valid; }
    bool operator!() const { return !m_valid; }
    Kind kind() const {
        if (!m_valid) throw YAML::InvalidNode(m_key);
        return m_index == Document::kNone ? Kind::Null : data().kind;
    }
    bool IsNull() const { return kind() == Kind::Null; }
    bool IsScalar() const { return kind() == Kind::Scalar; }
    bool IsSequence() const { return kind() == Kind::Sequence; }
    bool IsMap() const { return kind() == Kind::Map; }
    const std::string& Scalar() const;
    YAML::Mark Mark() const;
    size_t size() const {
        const Kind k = kind();
        return k == Kind::Sequence || k == Kind::Map ? data().count : 0;
    }
    // The value of the first entry whose key is the scalar key (a map), else an invalid node;
    // on a scalar, yaml-cpp's BadSubscript.
    Node operator[](const std::string& key) const;
    Node operator[](const char* key) const { return (*this)[std::string(key)]; }

    // Iteration as yaml-cpp's: a sequence gives its elements, a map key/value pairs (first, second).
    class iterator;
    iterator begin() const;
    iterator end() const;

    // The same node of the same document (for tests).
    bool same(const Node& o) const { return m_doc == o.m_doc && m_index == o.m_index && m_valid == o.m_valid; }

private:
    uint32_t children() const {
        return m_valid && m_index != Document::kNone && (data().kind == Kind::Sequence || data().kind == Kind::Map) ? data().count : 0;
    }
    const NodeData& data() const { return m_doc->nodes[m_index]; }
    const Document* m_doc = nullptr;
    uint32_t m_index = Document::kNone;
    bool m_valid = true;
    std::string m_key;  // an invalid node's key, for yaml-cpp's "invalid node" message
};

struct NodeItem : Node {
    Node first, second;
};

class Node::iterator {
public:
    iterator(const Node* n, uint32_t i) : m_n(n), m_i(i) {}
    NodeItem operator*() const;
    struct Arrow {
        NodeItem item;
        const NodeItem* operator->() const { return &item; }
    };
    Arrow operator->() const { return Arrow{**this}; }
    iterator& operator++() {
        ++m_i;
        return *this;
    }
    bool operator!=(const iterator& o) const { return m_i != o.m_i; }
    bool operator==(const iterator& o) const { return m_i == o.m_i; }

private:
    const Node* m_n;
    uint32_t m_i;
};
inline Node::iterator Node::begin() const { return iterator(this, 0); }
inline Node::iterator Node::end() const { return iterator(this, children()); }

inline Node root(const Document& d) { return d.root == Document::kNone ? Node() : Node(&d, d.root); }

// The tree of text's first document. Throws what YAML::Load(text) throws (YAML::ParserException,
// YAML::DeepRecursion) on the same inputs.
void load(const std::string& text, Document& doc);

// The two paths on their own (for tests and the benchmark). load_fast returns false when it leaves
// the text to yaml-cpp (an error, or something outside what it models); doc is then unspecified.
bool load_fast(const std::string& text, Document& doc);
void load_yaml_cpp(const std::string& text, Document& doc);

}  // namespace pagelab::yaml
