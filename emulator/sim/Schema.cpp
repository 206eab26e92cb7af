#include "sim/Schema.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "mm/MemoryManager.h"
#include "mm/Protection.h"
#include "mm/Win32.h"
#include "sim/Course.h"
#include "sim/Scenario.h"

namespace pagelab::sim {

namespace {

using J = nlohmann::ordered_json;

// A number as parse_number reads it (decimal or 0x-hex, an optional KB/MB/GB), and a name as
// `as:` binds it. The patterns are anchored (JSON Schema's are not) and use only what both
// ECMA-262 and Python's re understand.
constexpr const char* kNumber = R"((?:0[xX][0-9A-Fa-f]+|[0-9]+)(?:\s*[KMG]B)?)";
constexpr const char* kName = R"([A-Za-z_][A-Za-z0-9_]*)";

J def(const std::string& definition) { return J{{"$ref", "#/definitions/" + definition}}; }

J described(J schema, const std::string& text) {
    if (!text.empty()) schema["description"] = text;
    return schema;
}

J words(const std::vector<std::string>& list) {
    J e = J::array();
    for (const auto& w : list) e.push_back(w);
    return J{{"enum", e}};
}

J one_or_list(J item, bool non_empty) {
    J list{{"type", "array"}, {"items", item}};
    if (non_empty) list["minItems"] = 1;
    return J{{"anyOf", J::array({item, list})}};
}

J object(J properties, const std::vector<std::string>& required) {
    J o{{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) o["required"] = required;
    o["additionalProperties"] = false;
    return o;
}

// The names the memory manager itself prints and parses: taken from mm's functions, so that a
// name added there is in the schema too.
std::vector<std::string> protection_names() {
    std::vector<std::string> out;
    for (uint32_t bit = 1; bit <= 0x200; bit <<= 1) {
        const std::string name = mm::protection_name(bit);
        if (!name.empty() && name.find('+') == std::string::npos && mm::parse_protection(name) == bit) out.push_back(name);
    }
    return out;
}

std::vector<std::string> error_names() {
    std::vector<std::string> out;
    for (uint32_t code = 0; code < 20000; ++code) {
        const std::string name = mm::error_name(mm::Error(code));
        if (name != "ERROR_" + std::to_string(code)) {
            out.push_back(name.substr(6));
            out.push_back(name);
        }
    }
    return out;
}

std::vector<std::string> fault_names() {
    std::vector<std::string> out;
    for (int k = 0; k <= int(mm::kLastFaultKind); ++k) out.push_back(mm::fault_kind_name(mm::FaultKind(k)));
    return out;
}

J scalar_text() { return J{{"type", J::array({"string", "number", "boolean"})}}; }

// A text a learner reads: one value (English), or a map of languages with English required
// (YamlReader::prose reads both; the keys are Scenario.h's kLanguages).
J prose(const char* text_def, const char* what) {
    J languages;
    for (const char* lang : kLanguages) languages[lang] = def(text_def);
    J map = object(languages, {"en"});
    map["minProperties"] = 1;
    return described(J{{"anyOf", J::array({def(text_def), map})}},
                     fmt::format("{}: one text (English), or a map of languages ({{en: ..., zh: ..., ru: ...}}; en is required).", what));
}

J definitions() {
    J d;
    d["text"] = described(scalar_text(), "A text (one YAML value; quote it when it holds ': ').");
    J non_empty = scalar_text();
    non_empty["minLength"] = 1;
    d["non_empty_text"] = described(non_empty, "A text that is not empty.");
    d["prose"] = prose("text", "A text the learner reads");
    d["non_empty_prose"] = prose("non_empty_text", "A text the learner reads, not empty");
    d["number"] = described(
        J{{"anyOf", J::array({J{{"type", "integer"}, {"minimum", 0}, {"maximum", 4294967295u}},
                              J{{"type", "string"}, {"pattern", fmt::format(R"(^\s*{}\s*$)", kNumber)}}})}},
        "A number: decimal or 0x-hex, and a size may say KB, MB or GB (4096, 0x1000, 64 KB).");
    d["name"] = described(J{{"type", "string"}, {"pattern", fmt::format("^{}$", kName)}},
                          "A name: letters, digits and _, not starting with a digit.");
    d["address"] = described(
        J{{"anyOf", J::array({J{{"type", "integer"}, {"minimum", 0}, {"maximum", 4294967295u}},
                              J{{"type", "string"}, {"pattern", fmt::format(R"(^(?:{0}|{1}\s*(?:[+-]\s*{0})?)\s*$)", kNumber, kName)}}})}},
        "An address: a number, a name bound by an earlier step's `as:`, or name+offset / name-offset (buf+0x1000).");
    d["signed"] = described(
        J{{"anyOf", J::array({J{{"type", "integer"}, {"minimum", -2147483648LL}, {"maximum", 2147483647}},
                              J{{"type", "string"}, {"pattern", R"(^[+-]?(?:0[xX][0-9A-Fa-f]+|[0-9]+)\s*$)"}}})}},
        "A signed 32-bit number (a LONG): 1, -1, 0x10, -0x10.");
    d["flag"] = described(J{{"enum", J::array({true, false, "true", "false", "yes", "no"})}}, "true or false (yes or no).");
    d["access_size"] = described(
        J{{"anyOf", J::array({J{{"enum", J::array({1, 2, 4})}}, J{{"type", "string"}, {"pattern", R"(^\s*(?:0[xX]0*|0*)[124]\s*$)"}}})}},
        "1, 2 or 4 bytes.");
    J prot = J::array();
    prot.push_back(words(protection_names()));
    {
        std::string alternatives;
        for (const auto& n : protection_names()) alternatives += (alternatives.empty() ? "" : "|") + n;
        const std::string one = fmt::format("(?:PAGE_)?(?:{})", alternatives);
        prot.push_back(J{{"type", "string"}, {"pattern", fmt::format(R"(^\s*{0}(?:\s*[+|]\s*{0})*\s*$)", one)}});
    }
    prot.push_back(J{{"type", "integer"}, {"minimum", 0}});
    prot.push_back(J{{"type", "string"}, {"pattern", R"(^(?:0[xX][0-9A-Fa-f]+|[0-9]+)$)"}});
    d["protection"] = described(J{{"anyOf", prot}},
                                "A page protection: READWRITE, EXECUTE_READ, ... with or without PAGE_, modifiers joined by + or | "
                                "(READWRITE+GUARD), or a number.");
    d["error"] = described(J{{"anyOf", J::array({words(error_names()), J{{"type", "integer"}, {"minimum", 0}},
                                                 J{{"type", "string"}, {"pattern", "^[0-9]+$"}}})}},
                           "A Windows error: its name with or without ERROR_, or its number.");
    d["fault"] = described(words(fault_names()), "A page fault kind.");
    d["hex"] = described(J{{"anyOf", J::array({J{{"type", "string"}, {"pattern", R"(^\s*(?:[0-9A-Fa-f]\s*[0-9A-Fa-f]\s*)*$)"}},
                                               J{{"type", "integer"}, {"minimum", 0}}})}},
                         "Bytes as hex digits, two a byte; spaces are ignored (DE AD BE EF).");
    return d;
}

void expect_keys(const J& object_schema, const std::vector<std::string>& keys, const char* what);

bool is_access_op(Op op) { return op == Op::Read || op == Op::Write || op == Op::Execute || op == Op::DebuggerWrite; }

J arg_schema(ArgType type) {
    switch (type) {
        case ArgType::Process: return described(def("name"), "A process created by an earlier step (its `as:`).");
        case ArgType::Bind: return described(def("name"), "Binds the step's result to this name.");
        case ArgType::Address: return def("address");
        case ArgType::Number: return def("number");
        case ArgType::Text: return def("text");
        case ArgType::Path: return described(def("text"), "A path on the emulated disk (C:\\APP\\AppInst.exe).");
        case ArgType::Protection: return def("protection");
        case ArgType::AllocType:
            return described(one_or_list(J{{"anyOf", J::array({words(arg_words(type)), def("number")})}}, false),
                             "reserve, commit, or both as a list; top_down or write_watch may be added; reset stands alone; numbers (MEM_ values) are ORed in.");
        case ArgType::FreeType: return J{{"anyOf", J::array({words(arg_words(type)), def("number")})}};
        case ArgType::AccessKind:
        case ArgType::Disposition: return words(arg_words(type));
        case ArgType::FileAccess:
        case ArgType::MapAccess:
        case ArgType::SecFlags:
        case ArgType::LoadFlags: return one_or_list(words(arg_words(type)), true);
        case ArgType::SectionClass:
        case ArgType::Inherit: return words(arg_words(type));
        case ArgType::Value: return described(def("address"), "A number, or a name an earlier read bound (+offset).");
        case ArgType::FileHandle:
            return described(J{{"anyOf", J::array({J{{"const", "INVALID_HANDLE_VALUE"}}, def("address")})}},
                             "A file handle bound by create_file, or INVALID_HANDLE_VALUE for a mapping backed by the pagefile.");
        case ArgType::SignedNumber: return def("signed");
        case ArgType::Flag: return def("flag");
    }
    return def("text");
}

J field_schema(ExpectKind kind, const OpArgInfo& field) {
    const auto w = field_words(kind, field.key);
    if (!w.empty()) {
        std::vector<std::string> flags = arg_words(ArgType::Flag);
        return w == flags ? def("flag") : words(w);
    }
    if (kind == ExpectKind::Value && field.key == "size") return def("access_size");
    if (kind == ExpectKind::File && field.key == "bytes") {
        J hex = def("hex");
        return J{{"allOf", J::array({hex, J{{"not", J{{"const", ""}}}}})}};
    }
    return arg_schema(field.type);
}

J expectation_map() {
    J props;
    for (const ExpectInfo& e : expectation_table()) {
        J s;
        switch (e.kind) {
            case ExpectKind::Result: s = words({"ok", "failed"}); break;
            case ExpectKind::Error: s = def("error"); break;
            case ExpectKind::Returns: s = def("text"); break;
            case ExpectKind::Fault: s = one_or_list(def("fault"), false); break;
            case ExpectKind::Counters: {
                J counters;
                for (const auto& c : counter_names()) counters[c] = def("number");
                s = object(counters, {});
                break;
            }
            case ExpectKind::SameFrame:
            case ExpectKind::DifferentFrame: {
                J fields;
                std::vector<std::string> required;
                for (const auto& f : e.fields) {
                    fields[f.key] = field_schema(e.kind, f);
                    if (f.required) required.push_back(f.key);
                }
                s = J{{"type", "array"}, {"minItems", 2}, {"maxItems", 2}, {"items", object(fields, required)}};
                break;
            }
            default: {
                J fields;
                std::vector<std::string> required;
                for (const auto& f : e.fields) {
                    fields[f.key] = field_schema(e.kind, f);
                    if (f.required) required.push_back(f.key);
                }
                s = object(fields, required);
                break;
            }
        }
        props[e.name] = described(s, e.summary);
    }
    return object(props, {});
}

J question() {
    J props;
    props["question"] = described(def("non_empty_prose"), "The question, asked before the step runs.");
    props["choices"] = described(J{{"type", "array"}, {"minItems", 2}, {"maxItems", 5}, {"uniqueItems", true}, {"items", def("non_empty_prose")}},
                                 "2 to 5 distinct answers; without choices the answer is a number.");
    props["answer"] = described(def("text"), "The right choice's letter (a-e) or exact text; without choices, a number.");
    props["explain"] = described(def("non_empty_prose"), "Shown once the learner has answered: why the answer is what it is.");
    J q = object(props, {"question", "answer", "explain"});
    q["if"] = J{{"not", J{{"required", J::array({"choices"})}}}};
    q["then"] = J{{"properties", J{{"answer", def("number")}}}};
    return described(q, "Predict, then reveal: a question put to the learner before the step runs.");
}

void add_step_keys(J& props) {
    props["say"] = described(def("prose"), "Narration: what the step does and why.");
    props["label"] = described(def("text"), "A name for the step (pagelab state --at LABEL, breakpoints, grading).");
    props["expect"] = described(J{{"anyOf", J::array({def("expectations"), J{{"type", "array"}, {"items", def("expectations")}}})}},
                                "Expectations checked right after the step: one map, or a list of maps; every key must hold.");
    props["ask"] = def("question");
}

J op_step(const OpInfo& op) {
    J props;
    props["do"] = described(J{{"const", op.name}}, operation_summary(op.op));
    add_step_keys(props);
    std::vector<std::string> required = {"do"};
    for (const OpArgInfo& a : op.args) {
        J s = (a.key == "size" && is_access_op(op.op)) ? def("access_size") : arg_schema(a.type);
        props[a.key] = s;
        if (a.required) required.push_back(a.key);
    }
    J step = object(props, required);
    // Exactly one of value and text; an access with a text has no size (each character is a byte).
    const bool buffer_write = op.op == Op::WriteFile || op.op == Op::WriteProcessMemory;
    if (op.op == Op::Write || op.op == Op::DebuggerWrite || buffer_write)
        step["oneOf"] = J::array({J{{"required", J::array({"value"})}}, J{{"required", J::array({"text"})}}});
    if (op.op == Op::Write || op.op == Op::DebuggerWrite) step["not"] = J{{"required", J::array({"text", "size"})}};
    if (buffer_write) {
        step["if"] = J{{"required", J::array({"value"})}};
        step["then"] = J{{"properties", J{{"size", def("access_size")}}}};
    }
    return described(step, operation_summary(op.op));
}

J steps_definitions(J& d) {
    J alternatives = J::array();
    J pause_props;
    add_step_keys(pause_props);
    d["step_say"] = described(object(pause_props, {"say"}), operation_summary(Op::Pause));
    alternatives.push_back(def("step_say"));
    J ops = J::array();
    for (const OpInfo& op : operation_table()) {
        d["step_" + op.name] = op_step(op);
        alternatives.push_back(def("step_" + op.name));
        ops.push_back(op.name);
    }
    d["step"] = J{{"type", "object"},
                  {"properties", J{{"do", described(J{{"enum", ops}}, "The operation.")}}},
                  {"oneOf", alternatives},
                  {"description", "A step: `do` (an operation) with its arguments, or `say` alone (a pause for narration)."}};
    J group_props;
    group_props["say"] = described(def("non_empty_prose"), "The sentence that tells the story of the group's steps.");
    group_props["steps"] = J{{"type", "array"}, {"minItems", 1}, {"items", def("step")}};
    d["group"] = described(object(group_props, {"say", "steps"}), "A narrated group: one sentence over several steps (groups do not nest).");
    return J{{"oneOf", J::array({def("group"), def("step")})}};
}

J machine() {
    const std::string count = fmt::format(R"(^\s*(?:0[xX][0-9A-Fa-f]+|[0-9]+)(?:\s+(?:frames?|pages?)|\s*[KMG]B)?\s*$)");
    auto pages = [&](int lo, const std::string& what) {
        return described(J{{"anyOf", J::array({J{{"type", "integer"}, {"minimum", lo}, {"maximum", 1048576}},
                                               J{{"type", "string"}, {"pattern", count}}})}},
                         what);
    };
    J props;
    props["personality"] = described(words(personality_words()), "nt or win95: the address-space layout.");
    props["ram"] = pages(6, "Frames of RAM, 6 to 1048576 (32, 32 frames), or a size (128 KB, 4 MB).");
    props["pagefile"] = pages(0, "Pagefile pages, 0 to 1048576 (64, 64 pages), or a size (1 MB).");
    props["policy"] = described(words(policy_words()), "The replacement policy: fifo, clock, lru or ws (NT's working sets).");
    props["tlb"] = described(J{{"anyOf", J::array({J{{"type", "integer"}, {"minimum", 0}, {"maximum", 1024}}, def("number")})}},
                             "TLB entries, 0 (no TLB) to 1024.");
    return described(object(props, {}), "The machine. Without it: nt, 64 frames, 256 pagefile pages, clock, no TLB.");
}

J files(J& d) {
    J section;
    section["name"] = def("text");
    section["size"] = def("number");
    section["rva"] = def("number");
    section["flags"] = one_or_list(words(section_flag_words()), false);
    section["text"] = def("text");
    section["bytes"] = def("hex");
    section["fixups"] = J{{"type", "array"}, {"items", def("number")}};
    d["section"] = described(object(section, {"name", "size"}), "A section of a synthetic image.");
    J image;
    image["base"] = def("number");
    image["entry"] = described(def("number"), "The entry point's RVA.");
    image["dll"] = def("flag");
    image["relocations"] = described(def("flag"), "false: linked /FIXED, cannot load off its base.");
    image["dynamic_base"] = described(def("flag"), "true: sets IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE, which the 95/NT4-XP loader ignores.");
    image["imports"] = J{{"type", "array"}, {"items", def("text")}};
    image["sections"] = J{{"type", "array"}, {"items", def("section")}};
    d["image"] = described(object(image, {}), "A synthetic PE32 image.");
    J data;
    data["path"] = def("text");
    data["size"] = def("number");
    data["text"] = described(def("text"), "Repeated to fill the size.");
    data["bytes"] = described(def("hex"), "Repeated to fill the size.");
    J image_file{{"path", def("text")}, {"image", def("image")}};
    J pe_file{{"path", def("text")}, {"pe", described(def("text"), "A real PE32 file, its path relative to the scenario file.")}};
    const J kinds = J::array({object(data, {"path"}), object(image_file, {"path", "image"}), object(pe_file, {"path", "pe"})});
    expect_keys(kinds[0], format_keys().data_file, "data file");
    expect_keys(kinds[1], format_keys().image_file, "image file");
    expect_keys(kinds[2], format_keys().pe_file, "PE file");
    d["file"] = described(J{{"oneOf", kinds}}, "A file on the emulated disk: data (size, text or bytes), a synthetic image, or a real PE file.");
    return J{{"type", "array"}, {"items", def("file")}};
}

// Every key the parser's tables name is in the schema, and no other (a check on this generator).
void expect_keys(const J& object_schema, const std::vector<std::string>& keys, const char* what) {
    std::vector<std::string> have;
    for (auto it = object_schema["properties"].begin(); it != object_schema["properties"].end(); ++it) have.push_back(it.key());
    std::vector<std::string> want = keys;
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    if (have != want) throw std::logic_error(fmt::format("the schema's {} keys are not the parser's", what));
}

}  // namespace

nlohmann::ordered_json scenario_schema() {
    J s;
    s["$schema"] = "http://json-schema.org/draft-07/schema#";
    s["$comment"] = std::string(kSchemaMarker) +
                    " from the parser's tables (emulator/sim/Scenario.cpp); do not edit: "
                    "regenerate with `pagelab schema --output docs/scenario.schema.json`.";
    s["title"] = "PageLab scenario";
    s["description"] = "A PageLab scenario or lesson: a machine, an emulated disk, and steps with narration, expectations and questions "
                       "(docs/scenario-format.md).";
    J d = definitions();
    d["expectations"] = described(expectation_map(), "Expectations: every key must hold.");
    d["question"] = question();
    J entry = steps_definitions(d);
    J props;
    props["pagelab"] = described(J{{"enum", J::array({1, "1"})}}, "The format version: 1.");
    props["title"] = described(def("prose"), "One line: shown in the transcript, the trace header and the lesson picker.");
    props["summary"] = described(def("prose"), "A paragraph for the reader (a YAML > block is handy).");
    props["languages"] = described(J{{"type", "array"}, {"items", J{{"enum", J::array({"en", "zh", "ru"})}}}, {"contains", J{{"const", "en"}}}, {"uniqueItems", true}},
                                   "The languages the learner's texts are written in (default en, zh, ru); [en] marks an English-only "
                                   "scenario, which lint does not ask to translate.");
    props["machine"] = machine();
    props["files"] = files(d);
    props["steps"] = described(J{{"type", "array"}, {"items", entry}}, "The steps, in order: steps and narrated groups.");
    J top = object(props, {"pagelab", "steps"});
    expect_keys(top, format_keys().scenario, "scenario");
    expect_keys(props["machine"], format_keys().machine, "machine");
    expect_keys(d["section"], format_keys().section, "section");
    expect_keys(d["image"], format_keys().image, "image");
    expect_keys(d["question"], format_keys().question, "question");
    expect_keys(d["group"], format_keys().group, "group");
    J step_keys = d["step_say"];
    step_keys["properties"]["do"] = true;
    expect_keys(step_keys, format_keys().step, "step");
    for (auto it = top.begin(); it != top.end(); ++it) s[it.key()] = it.value();
    s["definitions"] = d;
    return s;
}

nlohmann::ordered_json course_schema() {
    J s;
    s["$schema"] = "http://json-schema.org/draft-07/schema#";
    s["$comment"] = std::string(kSchemaMarker) +
                    " --course from the course index's keys (emulator/sim/Course.cpp); do not edit: "
                    "regenerate with `pagelab schema --course --output docs/course.schema.json`.";
    s["title"] = "PageLab course index";
    s["description"] = "The course: chapters of lessons in teaching order, each with a goal and its prerequisites "
                       "(docs/scenario-format.md, The course index).";
    J d;
    J non_empty = scalar_text();
    non_empty["minLength"] = 1;
    d["non_empty_text"] = non_empty;
    d["non_empty_prose"] = prose("non_empty_text", "A text the learner reads, not empty");
    J lesson;
    lesson["lesson"] = described(def("non_empty_text"), "The lesson file beside the index, without .yaml (01-demand-zero).");
    lesson["goal"] = described(def("non_empty_prose"), "One line: what the learner can do afterwards.");
    lesson["requires"] = described(J{{"type", "array"}, {"items", def("non_empty_text")}}, "Lessons to take first: earlier in the course.");
    d["lesson"] = object(lesson, {"lesson", "goal"});
    J chapter;
    chapter["title"] = def("non_empty_prose");
    chapter["goal"] = described(def("non_empty_prose"), "One line: what the chapter teaches.");
    chapter["lessons"] = J{{"type", "array"}, {"minItems", 1}, {"items", def("lesson")}};
    d["chapter"] = object(chapter, {"title", "goal", "lessons"});
    J props;
    props["pagelab-course"] = described(J{{"enum", J::array({1, "1"})}}, "The index format version: 1.");
    props["title"] = def("non_empty_prose");
    props["summary"] = def("non_empty_prose");
    props["chapters"] = J{{"type", "array"}, {"minItems", 1}, {"items", def("chapter")}};
    J top = object(props, {"pagelab-course", "title", "chapters"});
    expect_keys(top, course_keys().index, "course index");
    expect_keys(d["chapter"], course_keys().chapter, "chapter");
    expect_keys(d["lesson"], course_keys().lesson, "lesson entry");
    for (auto it = top.begin(); it != top.end(); ++it) s[it.key()] = it.value();
    s["definitions"] = d;
    return s;
}

std::string schema_text(const nlohmann::ordered_json& schema) { return schema.dump(2) + "\n"; }

}  // namespace pagelab::sim
