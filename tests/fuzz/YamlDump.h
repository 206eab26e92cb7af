// A YAML tree as text (kind, line:column and scalar of every node) or the error yaml-cpp gives,
// for YAML::Node and yaml::Node alike: how test_yaml_tree and fuzz_scenario compare the libyaml
// and yaml-cpp paths of sim/YamlTree.h with YAML::Load.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/YamlTree.h"

namespace pagelab::yaml_dump {

template <class N>
void dump(const N& n, std::string& out, int depth = 0) {
    const YAML::Mark m = n.Mark();
    out += std::string(size_t(depth) * 2, ' ') + std::to_string(m.line) + ":" + std::to_string(m.column) + " ";
    if (n.IsNull()) out += "null\n";
    else if (n.IsScalar()) out += "'" + n.Scalar() + "'\n";
    else if (n.IsSequence()) {
        out += "seq " + std::to_string(n.size()) + "\n";
        for (const auto& e : n) dump(N(e), out, depth + 1);
    } else {
        out += "map " + std::to_string(n.size()) + "\n";
        for (const auto& kv : n) {
            dump(N(kv.first), out, depth + 1);
            dump(N(kv.second), out, depth + 2);
        }
    }
}

inline std::string error(const YAML::Exception& e) {
    return "error " + std::to_string(e.mark.line) + ":" + std::to_string(e.mark.column) + " " + e.msg;
}

inline std::string via_yaml_cpp_load(const std::string& text) {
    try {
        std::string out;
        dump(YAML::Load(text), out);
        return out;
    } catch (const YAML::Exception& e) {
        return error(e);
    }
}

template <class Load>
std::string via_tree(const std::string& text, Load&& load) {
    yaml::Document doc;
    try {
        load(text, doc);
        std::string out;
        dump(yaml::root(doc), out);
        return out;
    } catch (const YAML::Exception& e) {
        return error(e);
    }
}

}  // namespace pagelab::yaml_dump
