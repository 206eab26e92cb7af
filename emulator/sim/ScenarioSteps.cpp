// The scenario parser: steps with their expectations, questions and narrated groups, the whole
// scenario, and the load-time budgets a step spends.
#include "sim/ScenarioParser.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "io/ReadFile.h"
#include "os/PeImage.h"
#include "sim/InputCheck.h"
#include "sim/Limits.h"
#include "os/SyntheticImage.h"

namespace pagelab::sim::detail {

// `fault:` — one fault kind or a list of them.
bool Parser::parse_fault_list(const yaml::Node& v, Expectation& e) {
    std::vector<yaml::Node> items;
    if (v.IsSequence()) for (const auto& i : v) items.push_back(i);
    else items.push_back(v);
    for (const auto& i : items) {
        std::string s;
        if (!scalar(i, "fault", s)) return false;
        if (!mm::parse_fault_kind(s)) {
            std::string kinds;
            for (int k = 0; k <= int(mm::kLastFaultKind); ++k)
                kinds += std::string(k == 0 ? "" : k == int(mm::kLastFaultKind) ? " or " : ", ") +
                         mm::fault_kind_name(mm::FaultKind(k));
            return fail(i, i18n::trf("fault: '{value}' is not {list}", fmt::arg("value", s), fmt::arg("list", kinds)));
        }
        e.list.push_back(s);
    }
    return true;
}

bool Parser::parse_expect_map(const yaml::Node& m, Step& step) {
    if (!m.IsMap()) return fail(m, i18n::tr("each expectation must be a map (result: ok, fault: demand-zero, ...)"));
    std::set<std::string> seen;
    for (auto it = m.begin(); it != m.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (!seen.insert(key).second) return fail(it->first, i18n::trf("expectation '{key}' appears twice in one map", fmt::arg("key", key)));
        const yaml::Node v = it->second;
        const ExpectSpec* spec = nullptr;
        for (const auto& s : expect_specs())
            if (key == s.name) spec = &s;
        if (!spec) {
            std::string list;
            for (const auto& s : expect_specs()) list += (list.empty() ? "" : ", ") + std::string(s.name);
            return fail(it->first, i18n::trf("unknown expectation '{key}' (expected one of: {list})", fmt::arg("key", key), fmt::arg("list", list)));
        }
        Expectation e;
        e.kind = spec->kind;
        e.loc = loc(it->first);
        switch (spec->kind) {
            case ExpectKind::Result:
                if (!scalar(v, key, e.text)) return false;
                if (e.text != "ok" && e.text != "failed") return fail(v, i18n::tr("result: must be ok or failed"));
                break;
            case ExpectKind::Error:
                if (!scalar(v, key, e.text)) return false;
                if (!mm::parse_error(e.text)) return fail(v, i18n::trf("error: '{value}' is not a Windows error name or number", fmt::arg("value", e.text)));
                break;
            case ExpectKind::Returns:
                if (!scalar(v, key, e.text)) return false;
                break;
            case ExpectKind::Fault:
                if (!parse_fault_list(v, e)) return false;
                break;
            case ExpectKind::Counters:
                if (!v.IsMap()) return fail(v, i18n::tr("counters: must be a map of counter names to numbers"));
                for (auto c = v.begin(); c != v.end(); ++c) {
                    const std::string name = c->first.Scalar();
                    if (!is_one_of(name, counter_names()))
                        return fail(c->first, i18n::trf("counters: unknown counter '{name}'", fmt::arg("name", name)));
                    Arg a;
                    if (!parse_arg(c->second, name, ArgType::Number, a)) return false;
                    e.fields[name] = a;
                }
                break;
            case ExpectKind::SameFrame:
            case ExpectKind::DifferentFrame:
                if (!v.IsSequence() || v.size() != 2) return fail(v, i18n::trf("{key}: must be a list of two {{process, address}} maps", fmt::arg("key", key)));
                for (const auto& item : v) {
                    std::map<std::string, Arg> fields;
                    if (!parse_fields(item, *spec, fields)) return false;
                    e.pair.push_back(std::move(fields));
                }
                break;
            case ExpectKind::InRange: {
                if (!parse_fields(v, *spec, e.fields)) return false;
                const AddressExpr& from = e.fields["from"].address;
                const AddressExpr& to = e.fields["to"].address;
                if (from.name.empty() && to.name.empty() && from.offset > to.offset)
                    return fail(e.fields["to"].loc, i18n::trf("in_range: to (0x{to:X}) is below from (0x{from:X})", fmt::arg("to", to.offset), fmt::arg("from", from.offset)));
                break;
            }
            default:
                if (!parse_fields(v, *spec, e.fields)) return false;
                break;
        }
        step.expects.push_back(std::move(e));
    }
    return true;
}

bool Parser::parse_fields(const yaml::Node& v, const ExpectSpec& spec, std::map<std::string, Arg>& fields) {
    if (!v.IsMap()) return fail(v, i18n::trf("{what}: must be a map", fmt::arg("what", spec.name)));
    std::set<std::string> allowed;
    for (const auto& f : spec.fields) allowed.insert(f.key);
    if (!check_keys(v, allowed, spec.name)) return false;
    for (const auto& f : spec.fields) {
        if (!v[f.key]) {
            if (f.required) return fail(v, i18n::trf("{what}: needs '{key}'", fmt::arg("what", spec.name), fmt::arg("key", f.key)));
            continue;
        }
        Arg a;
        if (!parse_arg(v[f.key], f.key, f.type, a)) return false;
        if (f.type == ArgType::Process && !m_processes.count(a.text))
            return fail(v[f.key], i18n::trf("{what}: no process '{value}' is created by an earlier step", fmt::arg("what", spec.name), fmt::arg("value", a.text)));
        if (!check_field_value(spec.kind, f.key, a)) return false;
        fields[f.key] = a;
    }
    return true;
}

// Values of expectation fields that have a fixed vocabulary are checked when the file is read.
bool Parser::check_field_value(ExpectKind kind, const std::string& key, const Arg& a) {
    auto one_of = [&](const std::vector<std::string>& words) {
        if (is_one_of(a.text, words)) return true;
        std::string list;
        for (const auto& w : words) list += (list.empty() ? "" : ", ") + w;
        return fail(a.loc, i18n::trf("{key}: '{value}' is not one of {list}", fmt::arg("key", key), fmt::arg("value", a.text), fmt::arg("list", list)));
    };
    if (const auto words = field_words(kind, key); !words.empty()) return one_of(words);
    if (kind == ExpectKind::File && key == "bytes") {
        std::string digits;
        for (char c : a.text)
            if (!std::isspace(uint8_t(c))) digits += c;
        if (digits.empty() || digits.size() % 2 || digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            return fail(a.loc, i18n::trf("bytes: '{value}' is not an even number of hex digits", fmt::arg("value", a.text)));
    }
    if (kind == ExpectKind::Value && key == "size" && a.number != 1 && a.number != 2 && a.number != 4)
        return fail(a.loc, i18n::tr("size: a value is 1, 2 or 4 bytes"));
    return true;
}

// `ask:` — the question, 2-5 distinct choices and the right one (its letter or its exact
// text), or a free numeric answer; and the explanation shown after answering.
bool Parser::parse_question(const yaml::Node& n, Question& q) {
    q.loc = loc(n);
    if (!n.IsMap()) return fail(n, i18n::tr("ask: must be a map (question, choices, answer, explain)"));
    if (!check_keys(n, key_set(format_keys().question), i18n::tr("a question"))) return false;
    if (!n["question"]) return fail(n, i18n::tr("ask: needs 'question'"));
    if (!prose(n["question"], "question", q.question, &q.question_tr)) return false;
    if (q.question.empty()) return fail(n["question"], i18n::tr("question: is empty"));
    if (!n["answer"]) return fail(n, i18n::tr("ask: needs 'answer' (the right choice's letter or text, or a number)"));
    if (!n["explain"]) return fail(n, i18n::tr("ask: needs 'explain' (what the learner should see once they have answered)"));
    if (!prose(n["explain"], "explain", q.explain, &q.explain_tr)) return false;
    if (q.explain.empty()) return fail(n["explain"], i18n::tr("explain: is empty"));
    std::string answer;
    if (!scalar(n["answer"], "answer", answer)) return false;
    if (!n["choices"]) {
        auto v = parse_number(answer);
        if (!v) return fail(n["answer"], i18n::trf("answer: '{answer}' is not a number (a question without choices takes a number: 5, 0x1F, 64 KB)", fmt::arg("answer", answer)));
        q.number = *v;
        q.hex = answer.size() > 2 && answer[0] == '0' && (answer[1] == 'x' || answer[1] == 'X');
        return true;
    }
    const yaml::Node ch = n["choices"];
    if (!ch.IsSequence()) return fail(ch, i18n::tr("choices: must be a list of 2 to 5 answers"));
    if (ch.size() < 2 || ch.size() > 5) return fail(ch, i18n::trf("choices: {count} given, but a question has 2 to 5 choices", fmt::arg("count", ch.size())));
    for (const auto& c : ch) {
        std::string t;
        Translations t_tr;
        if (!prose(c, "choices", t, &t_tr)) return false;
        if (t.empty()) return fail(c, i18n::tr("choices: a choice is empty"));
        for (const auto& earlier : q.choices)
            if (earlier == t) return fail(c, i18n::trf("choices: '{value}' is given twice", fmt::arg("value", t)));
        q.choices.push_back(t);
        q.choices_tr.push_back(std::move(t_tr));
    }
    for (size_t i = 0; i < q.choices.size(); ++i)
        if (q.choices[i] == answer) { q.answer = i; return true; }
    if (answer.size() == 1 && answer[0] >= 'a' && size_t(answer[0] - 'a') < q.choices.size()) {
        q.answer = size_t(answer[0] - 'a');
        return true;
    }
    return fail(n["answer"], i18n::trf("answer: '{answer}' is not among the choices (give the right choice's letter, a-{last}, or its exact text)",
                                       fmt::arg("answer", answer), fmt::arg("last", char('a' + q.choices.size() - 1))));
}

// A narrated group: `say` over a list of steps (which are ordinary steps, numbered in order).
bool Parser::parse_group(const yaml::Node& n, Scenario& sc) {
    if (!check_keys(n, key_set(format_keys().group), i18n::tr("a group of steps"))) return false;
    Group g;
    g.loc = loc(n);
    if (!n["say"]) return fail(n, i18n::tr("a group of steps needs 'say': the narration that covers them"));
    if (!prose(n["say"], "say", g.say, &g.say_tr)) return false;
    if (g.say.empty()) return fail(n["say"], i18n::tr("say: is empty"));
    const yaml::Node list = n["steps"];
    if (!list.IsSequence() || list.size() == 0) return fail(list, i18n::tr("steps: a group needs a list of steps"));
    g.first = sc.steps.size();
    const size_t index = sc.groups.size();
    sc.groups.push_back(g);
    for (const auto& s : list) {
        const Fields keys(s);
        if (keys.has("steps")) return fail(*keys.get("steps"), i18n::tr("a group's steps cannot be groups themselves"));
        if (sc.steps.size() == limits::kMaxSteps)
            return fail(s, i18n::trf("a scenario has at most {max} steps", fmt::arg("max", limits::kMaxSteps)));
        Step step;
        if (!parse_step(s, keys, step)) return false;
        step.group = index;
        sc.steps.push_back(std::move(step));
    }
    sc.groups[index].count = sc.steps.size() - g.first;
    return true;
}

// The keys a step may have: the step's own and its op's arguments (the set of them and the step's
// description are made only for an error's message).
bool Parser::check_step_keys(const Fields& keys, const OpSpec* spec, const std::string& opname) {
    const auto allowed = [&](std::string_view k) {
        for (const auto& w : format_keys().step)
            if (k == w) return true;
        if (spec)
            for (const auto& a : spec->args)
                if (k == a.key) return true;
        return false;
    };
    const auto allowed_set = [&] {
        std::set<std::string> set = key_set(format_keys().step);
        if (spec)
            for (const auto& a : spec->args) set.insert(a.key);
        return set;
    };
    const auto where = [&] { return spec ? i18n::trf("a {operation} step", fmt::arg("operation", opname)) : std::string(i18n::tr("a narration step")); };
    return check_fields(keys, allowed, allowed_set, where);
}

bool Parser::parse_step(const yaml::Node& n, const Fields& keys, Step& step) {
    step.loc = loc(n);
    if (!n.IsMap()) return fail(n, i18n::tr("a step must be a map (do: ..., say: ..., expect: ...)"));
    // (keys.has(k) and keys.get(k), not n[k]: see Fields)
    std::string opname;
    if (keys.has("do")) {
        if (!scalar(*keys.get("do"), "do", opname)) return false;
        if (opname.empty()) return fail(*keys.get("do"), i18n::tr("do: needs an operation name"));
    } else if (!keys.has("say")) {
        return fail(n, i18n::tr("a step needs 'do' (an operation), 'say' (a pause for narration) or 'steps' (a narrated group)"));
    }
    const OpSpec* spec = nullptr;
    if (!opname.empty()) {
        for (const auto& s : op_specs())
            if (opname == s.name) spec = &s;
        if (!spec) {
            std::string list;
            for (const auto& s : op_specs()) list += (list.empty() ? "" : ", ") + std::string(s.name);
            return fail(*keys.get("do"), i18n::trf("unknown operation '{operation}' (expected one of: {list})", fmt::arg("operation", opname), fmt::arg("list", list)));
        }
        step.op = spec->op;
    }
    if (!check_step_keys(keys, spec, opname)) return false;
    if (keys.has("say") && !prose(*keys.get("say"), "say", step.say, &step.say_tr)) return false;
    if (keys.has("label") && !scalar(*keys.get("label"), "label", step.label)) return false;
    if (keys.has("ask")) {
        step.ask.emplace();
        if (!parse_question(*keys.get("ask"), *step.ask)) return false;
    }
    if (spec) {
        for (const auto& a : spec->args) {
            const yaml::Node* value = keys.get(a.key);
            if (!value) {
                if (a.required) return fail(n, i18n::trf("{operation} needs '{key}'", fmt::arg("operation", opname), fmt::arg("key", a.key)));
                continue;
            }
            Arg arg;
            if (!parse_arg(*value, a.key, a.type, arg)) return false;
            if (a.type == ArgType::Process && !m_processes.count(arg.text))
                return fail(*value, i18n::trf("{key}: no process '{process}' is created by an earlier step", fmt::arg("key", a.key), fmt::arg("process", arg.text)));
            step.args[a.key] = arg;
        }
        if (const Arg* a = step.arg("address"); step.op == Op::InterlockedAdd && a->address.name.empty() && (a->address.offset & 3))
            return fail(n["address"], i18n::trf("address: InterlockedExchangeAdd needs a 32-bit variable aligned on 4 bytes, and 0x{address:X} is not", fmt::arg("address", a->address.offset)));
        const bool buffer_write = step.op == Op::WriteFile || step.op == Op::WriteProcessMemory;
        if ((step.op == Op::Write || step.op == Op::DebuggerWrite || buffer_write) && keys.has("value") == keys.has("text"))
            return fail(n, i18n::trf("{operation} needs exactly one of 'value' or 'text'", fmt::arg("operation", opname)));
        if (const Arg* sz = step.arg("size"); sz && (step.op == Op::Read || step.op == Op::Write ||
                                                     step.op == Op::Execute || step.op == Op::DebuggerWrite ||
                                                     (buffer_write && !step.arg("text")))) {
            if (sz->number != 1 && sz->number != 2 && sz->number != 4)
                return fail(n["size"], i18n::tr("size: an access is 1, 2 or 4 bytes"));
            if (step.arg("text")) return fail(n["size"], i18n::tr("size: not with text (each character is one byte)"));
        }
        if (const Arg* v = step.arg("value")) {
            const uint64_t size = step.arg("size") ? step.arg("size")->number : 4;
            if (size < 4 && v->number >> (8 * size))
                return fail(n["value"], i18n::trfn("value: 0x{value:X} does not fit in {count} byte", "value: 0x{value:X} does not fit in {count} bytes", size,
                                           fmt::arg("value", v->number), fmt::arg("count", size)));
        }
    }
    // A name bound by this step is visible to its own expectations and to later steps.
    // Process names name processes only; they are not addresses.
    if (const Arg* as = step.arg("as")) {
        if (step.op == Op::CreateProcess) m_processes.insert(as->text);
        else m_bound.insert(as->text);
    }
    if (keys.has("expect")) {
        const yaml::Node& ex = *keys.get("expect");
        if (ex.IsSequence()) {
            for (const auto& m : ex)
                if (!parse_expect_map(m, step)) return false;
        } else if (!parse_expect_map(ex, step)) {
            return false;
        }
    }
    return true;
}

// `languages: [en]` or `[en, zh, ru]`: the languages the file's prose is written in.
bool Parser::parse_languages(const yaml::Node& n, std::vector<std::string>& out) {
    if (!n.IsSequence()) return fail(n, i18n::tr("languages must be a list of language codes: [en], [en, zh], [en, zh, ru]"));
    out.clear();
    for (const auto& item : n) {
        const std::string code = item.IsScalar() ? item.Scalar() : std::string();
        if (!is_one_of(code, {"en", "zh", "ru"}))
            return fail(item, i18n::trf("unknown language '{code}' (expected one of: en, zh, ru)", fmt::arg("code", code)));
        if (std::find(out.begin(), out.end(), code) != out.end())
            return fail(item, i18n::trf("language '{code}' is listed twice", fmt::arg("code", code)));
        out.push_back(code);
    }
    if (std::find(out.begin(), out.end(), "en") == out.end())
        return fail(n, i18n::tr("languages must include en: English is what every other language falls back to"));
    return true;
}

bool Parser::parse(const yaml::Node& root, Scenario& sc) {
    if (!root.IsMap()) return fail(root, i18n::tr("a scenario must be a map (pagelab: 1, title: ..., steps: ...)"));
    if (!check_keys(root, key_set(format_keys().scenario), i18n::tr("the scenario"))) return false;
    if (!root["pagelab"]) return fail(root, i18n::tr("the first key must be 'pagelab: 1' (the format version)"));
    uint64_t version = 0;
    if (!number(root["pagelab"], "pagelab", version)) return false;
    if (version != 1) return fail(root["pagelab"], i18n::trf("format version {version} is not supported (this build reads version 1)", fmt::arg("version", version)));
    if (root["title"] && !prose(root["title"], "title", sc.title, &sc.title_tr)) return false;
    if (root["summary"] && !prose(root["summary"], "summary", sc.summary, &sc.summary_tr)) return false;
    if (root["languages"] && !parse_languages(root["languages"], sc.languages)) return false;
    if (root["machine"] && !parse_machine(root["machine"], sc.machine)) return false;
    if (root["files"]) {
        if (!root["files"].IsSequence()) return fail(root["files"], i18n::tr("files must be a list"));
        uint64_t disk = 0;
        for (const auto& f : root["files"]) {
            FileDecl d;
            if (!parse_file(f, d)) return false;
            disk += d.size;
            if (disk > limits::kDiskBytes)
                return fail(f, i18n::trf("the files of the emulated disk together are limited to {limit} (with this one: {size} "
                                         "bytes)",
                                         fmt::arg("limit", io::size_text(limits::kDiskBytes)), fmt::arg("size", disk)));
            sc.files.push_back(std::move(d));
        }
    }
    if (!root["steps"]) return fail(root, i18n::tr("a scenario needs 'steps'"));
    if (!root["steps"].IsSequence()) return fail(root["steps"], i18n::tr("steps must be a list"));
    for (const auto& s : root["steps"]) {
        if (sc.steps.size() == limits::kMaxSteps)
            return fail(s, i18n::trf("a scenario has at most {max} steps", fmt::arg("max", limits::kMaxSteps)));
        const Fields keys(s);  // (empty unless s is a map)
        if (keys.has("steps")) {
            if (!parse_group(s, sc)) return false;
            continue;
        }
        Step step;
        if (!parse_step(s, keys, step)) return false;
        if (!within_budgets(s, step)) return false;
        sc.steps.push_back(std::move(step));
    }
    return true;
}

// The load-time budgets of sim/Limits.h that a step spends: the pages the steps touch, and the
// size a file may grow to.
bool Parser::within_budgets(const yaml::Node& n, const Step& step) {
    // Accesses touch one page, or two when they straddle; a debugger's text is one access a byte.
    uint64_t pages = 0;
    if (step.op == Op::Touch) pages = (step.arg("size")->number + 0xFFF) / 0x1000 + 1;
    else if (step.op == Op::Read || step.op == Op::Write || step.op == Op::Execute || step.op == Op::DebuggerWrite)
        pages = step.arg("text") ? step.arg("text")->text.size() / 0x1000 + 2 : 2;
    else if (step.op == Op::ReadProcessMemory || step.op == Op::IsBadReadPtr || step.op == Op::IsBadWritePtr ||
             step.op == Op::VirtualLock)
        pages = step.arg("size")->number / 0x1000 + 2;
    else if (step.op == Op::WriteProcessMemory)
        pages = step.arg("text") ? step.arg("text")->text.size() / 0x1000 + 2 : 2;
    m_touched_pages += pages;
    if (m_touched_pages > limits::kTouchedPages)
        return fail(n, i18n::trf("the steps together touch more than {max} pages (1 GB), the limit for a scenario "
                                 "(docs/limits.md)",
                                 fmt::arg("max", limits::kTouchedPages)));
    const uint64_t offset = step.arg("offset") ? step.arg("offset")->number : 0;
    if (step.op == Op::SetEndOfFile && step.arg("size")->number > limits::kFileBytes)
        return fail(n["size"], i18n::tr("size: files are limited to 64 MB"));
    if (step.op == Op::WriteFile) {
        const uint64_t bytes = step.arg("text") ? step.arg("text")->text.size() : 4;
        if (offset + bytes > limits::kFileBytes) return fail(n["offset"] ? n["offset"] : n, i18n::tr("offset: files are limited to 64 MB"));
    }
    return true;
}

}  // namespace pagelab::sim::detail
