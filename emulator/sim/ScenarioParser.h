// The scenario parser's parts, shared by its files (internal to sim/): the tables of ops, arguments
// and expectations (Scenario.cpp), the Parser class — scenario-level parts and arguments in
// ScenarioParser.cpp, steps, expectations and questions in ScenarioSteps.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "os/SyntheticImage.h"
#include "sim/Scenario.h"
#include "sim/YamlReader.h"

namespace pagelab::sim::detail {

struct ArgSpec {
    const char* key;
    ArgType type;
    bool required;
};

struct OpSpec {
    const char* name;
    Op op;
    std::vector<ArgSpec> args;
};

const std::vector<OpSpec>& op_specs();

// Flag words of list-valued arguments: each names one bit (or bits) of the Win32 value.
struct FlagWord {
    const char* word;
    uint32_t bits;
};
const std::vector<FlagWord>& flag_words(ArgType t);

struct ExpectSpec {
    const char* name;
    ExpectKind kind;
    std::vector<ArgSpec> fields;  // for map-valued expectations
};

const std::vector<ExpectSpec>& expect_specs();

extern const std::vector<std::string> kPersonalities;
extern const std::vector<std::string> kPolicies;
extern const std::vector<std::string> kFlagWords;

struct SectionFlag {
    const char* word;
    uint32_t bit;
};
const std::vector<SectionFlag>& section_flags();

std::set<std::string> key_set(const std::vector<std::string>& keys);

bool is_one_of(const std::string& s, const std::vector<std::string>& words);

// True when text is a well-formed number too large for parse_number (it stops at 2^40 bytes).
bool number_too_big(std::string t);

class Parser : public YamlReader {
public:
    explicit Parser(std::string path) : YamlReader(std::move(path)) {}

    bool number(const yaml::Node& n, const std::string& what, uint64_t& out);

    bool boolean(const yaml::Node& n, const std::string& what, bool& out);

    bool parse_arg(const yaml::Node& n, const std::string& key, ArgType type, Arg& out);
    bool parse_name_arg(const yaml::Node& n, const std::string& key, Arg& out);
    bool parse_address_arg(const yaml::Node& n, const std::string& key, ArgType type, Arg& out);
    bool parse_signed_arg(const yaml::Node& n, const std::string& key, Arg& out);
    bool parse_alloc_type(const yaml::Node& n, const std::string& key, Arg& out);
    bool parse_flag_list(const yaml::Node& n, const std::string& key, ArgType type, Arg& out);

    bool parse_machine(const yaml::Node& n, mm::MachineConfig& cfg);
    bool parse_languages(const yaml::Node& n, std::vector<std::string>& out);

    bool parse_file(const yaml::Node& n, FileDecl& f);

    bool parse_image(const yaml::Node& n, FileDecl& f);
    bool parse_section(const yaml::Node& sn, os::SyntheticSection& ss);

    bool parse_expect_map(const yaml::Node& m, Step& step);
    bool parse_fault_list(const yaml::Node& v, Expectation& e);

    bool parse_fields(const yaml::Node& v, const ExpectSpec& spec, std::map<std::string, Arg>& fields);

    // Values of expectation fields that have a fixed vocabulary are checked when the file is read.
    bool check_field_value(ExpectKind kind, const std::string& key, const Arg& a);

    // `ask:` — the question, 2-5 distinct choices and the right one (its letter or its exact
    // text), or a free numeric answer; and the explanation shown after answering.
    bool parse_question(const yaml::Node& n, Question& q);

    // A narrated group: `say` over a list of steps (which are ordinary steps, numbered in order).
    bool parse_group(const yaml::Node& n, Scenario& sc);

    bool parse_step(const yaml::Node& n, const Fields& keys, Step& step);  // (keys: n's, read once)
    bool check_step_keys(const Fields& keys, const OpSpec* spec, const std::string& opname);

    bool parse(const yaml::Node& root, Scenario& sc);

private:
    // The load-time budgets of sim/Limits.h that a step spends: the pages the steps touch, and the
    // size a file may grow to.
    bool within_budgets(const yaml::Node& n, const Step& step);

    uint64_t m_touched_pages = 0;
    std::set<std::string> m_bound;
    std::set<std::string> m_processes;
};

}  // namespace pagelab::sim::detail
