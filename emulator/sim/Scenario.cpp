#include "sim/Scenario.h"

#include "sim/YamlReader.h"

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

#include "io/ReadFile.h"
#include "os/PeImage.h"
#include "sim/InputCheck.h"
#include "sim/Limits.h"
#include "os/SyntheticImage.h"

namespace pagelab::sim {

namespace {

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

const std::vector<OpSpec>& op_specs() {
    static const std::vector<OpSpec> specs = {
        {"create_process", Op::CreateProcess,
         {{"as", ArgType::Bind, true}, {"image", ArgType::Path, false}, {"suspended", ArgType::Flag, false}}},
        {"exit_process", Op::ExitProcess, {{"process", ArgType::Process, true}}},
        {"virtual_alloc", Op::VirtualAlloc,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, false}, {"size", ArgType::Number, true},
          {"type", ArgType::AllocType, true}, {"protect", ArgType::Protection, true}, {"as", ArgType::Bind, false}}},
        {"virtual_free", Op::VirtualFree,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false},
          {"type", ArgType::FreeType, true}}},
        {"virtual_protect", Op::VirtualProtect,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true},
          {"protect", ArgType::Protection, true}, {"as", ArgType::Bind, false}}},
        {"virtual_query", Op::VirtualQuery, {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}}},
        {"read", Op::Read,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false},
          {"as", ArgType::Bind, false}}},
        {"write", Op::Write,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false},
          {"value", ArgType::Value, false}, {"text", ArgType::Text, false}}},
        {"execute", Op::Execute,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false},
          {"as", ArgType::Bind, false}}},
        {"touch", Op::Touch,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true},
          {"access", ArgType::AccessKind, true}}},
        {"debugger_write", Op::DebuggerWrite,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false},
          {"value", ArgType::Value, false}, {"text", ArgType::Text, false}}},
        {"switch_to", Op::SwitchTo, {{"process", ArgType::Process, true}}},
        {"trim", Op::Trim, {{"process", ArgType::Process, true}}},
        {"load_library", Op::LoadLibrary,
         {{"process", ArgType::Process, true}, {"name", ArgType::Text, true}, {"as", ArgType::Bind, false}}},
        {"free_library", Op::FreeLibrary, {{"process", ArgType::Process, true}, {"module", ArgType::Address, true}}},
        {"create_file", Op::CreateFile,
         {{"process", ArgType::Process, true}, {"path", ArgType::Path, true}, {"access", ArgType::FileAccess, true},
          {"disposition", ArgType::Disposition, false}, {"as", ArgType::Bind, false}}},
        {"close_handle", Op::CloseHandle, {{"process", ArgType::Process, true}, {"handle", ArgType::Address, true}}},
        {"read_file", Op::ReadFile,
         {{"process", ArgType::Process, true}, {"file", ArgType::Address, true}, {"offset", ArgType::Number, false},
          {"size", ArgType::Number, true}, {"as", ArgType::Bind, false}}},
        {"write_file", Op::WriteFile,
         {{"process", ArgType::Process, true}, {"file", ArgType::Address, true}, {"offset", ArgType::Number, false},
          {"text", ArgType::Text, false}, {"value", ArgType::Value, false}, {"size", ArgType::Number, false}}},
        {"set_end_of_file", Op::SetEndOfFile,
         {{"process", ArgType::Process, true}, {"file", ArgType::Address, true}, {"size", ArgType::Number, true}}},
        {"create_file_mapping", Op::CreateFileMapping,
         {{"process", ArgType::Process, true}, {"file", ArgType::FileHandle, false}, {"protect", ArgType::Protection, true},
          {"size", ArgType::Number, false}, {"name", ArgType::Text, false}, {"flags", ArgType::SecFlags, false},
          {"as", ArgType::Bind, false}}},
        {"open_file_mapping", Op::OpenFileMapping,
         {{"process", ArgType::Process, true}, {"name", ArgType::Text, true}, {"access", ArgType::MapAccess, true},
          {"as", ArgType::Bind, false}}},
        {"map_view", Op::MapView,
         {{"process", ArgType::Process, true}, {"mapping", ArgType::Address, true}, {"access", ArgType::MapAccess, true},
          {"offset", ArgType::Number, false}, {"size", ArgType::Number, false}, {"address", ArgType::Address, false},
          {"as", ArgType::Bind, false}}},
        {"unmap_view", Op::UnmapView, {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}}},
        {"flush_view", Op::FlushView,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false}}},
        {"interlocked_add", Op::InterlockedAdd,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"value", ArgType::SignedNumber, true},
          {"as", ArgType::Bind, false}}},
    };
    return specs;
}

// Flag words of list-valued arguments: each names one bit (or bits) of the Win32 value.
struct FlagWord {
    const char* word;
    uint32_t bits;
};
const std::vector<FlagWord>& flag_words(ArgType t) {
    static const std::vector<FlagWord> file_access = {
        {"read", mm::generic::kRead}, {"write", mm::generic::kWrite}, {"execute", mm::generic::kExecute}};
    static const std::vector<FlagWord> map_access = {{"read", mm::filemap::kRead},
                                                     {"write", mm::filemap::kWrite},
                                                     {"copy", mm::filemap::kCopy},
                                                     {"all", mm::filemap::kAllAccess}};
    static const std::vector<FlagWord> sec_flags = {
        {"reserve", mm::sec::kReserve}, {"commit", mm::sec::kCommit}, {"image", mm::sec::kImage}};
    static const std::vector<FlagWord> none;
    switch (t) {
        case ArgType::FileAccess: return file_access;
        case ArgType::MapAccess: return map_access;
        case ArgType::SecFlags: return sec_flags;
        default: return none;
    }
}

struct ExpectSpec {
    const char* name;
    ExpectKind kind;
    std::vector<ArgSpec> fields;  // for map-valued expectations
};

const std::vector<ExpectSpec>& expect_specs() {
    static const std::vector<ExpectSpec> specs = {
        {"result", ExpectKind::Result, {}},
        {"error", ExpectKind::Error, {}},
        {"returns", ExpectKind::Returns, {}},
        {"fault", ExpectKind::Fault, {}},
        {"region", ExpectKind::Region,
         {{"process", ArgType::Process, false}, {"address", ArgType::Address, false}, {"base", ArgType::Address, false},
          {"allocation_base", ArgType::Address, false}, {"allocation_protect", ArgType::Protection, false},
          {"size", ArgType::Number, false}, {"state", ArgType::Text, false}, {"protect", ArgType::Protection, false},
          {"type", ArgType::Text, false}}},
        {"pte", ExpectKind::PteExpect,
         {{"process", ArgType::Process, false}, {"address", ArgType::Address, false}, {"present", ArgType::Text, false},
          {"writable", ArgType::Text, false}, {"user", ArgType::Text, false}, {"accessed", ArgType::Text, false},
          {"dirty", ArgType::Text, false}, {"frame", ArgType::Number, false}, {"copy_on_write", ArgType::Text, false},
          {"backing", ArgType::Text, false}}},
        {"value", ExpectKind::Value,
         {{"process", ArgType::Process, false}, {"address", ArgType::Address, false}, {"size", ArgType::Number, false},
          {"equals", ArgType::Number, false}, {"text", ArgType::Text, false}}},
        {"same_frame", ExpectKind::SameFrame, {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}}},
        {"different_frame", ExpectKind::DifferentFrame,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}}},
        {"counters", ExpectKind::Counters, {}},
        {"process", ExpectKind::Process, {{"name", ArgType::Process, true}, {"state", ArgType::Text, true}}},
        {"module", ExpectKind::Module,
         {{"process", ArgType::Process, false}, {"name", ArgType::Text, true}, {"loaded", ArgType::Text, false},
          {"base", ArgType::Address, false}, {"refcount", ArgType::Number, false}, {"relocated", ArgType::Text, false}}},
        {"file", ExpectKind::File,
         {{"path", ArgType::Path, true}, {"offset", ArgType::Number, false}, {"text", ArgType::Text, false},
          {"bytes", ArgType::Text, false}, {"size", ArgType::Number, false}}},
        {"in_range", ExpectKind::InRange,
         {{"address", ArgType::Address, true}, {"from", ArgType::Address, true}, {"to", ArgType::Address, true}}},
    };
    return specs;
}

const std::vector<std::string> kPersonalities = {"nt", "win95"};
const std::vector<std::string> kPolicies = {"fifo", "clock", "lru", "ws", "working-set", "working_set"};
const std::vector<std::string> kFlagWords = {"true", "false", "yes", "no"};

struct SectionFlag {
    const char* word;
    uint32_t bit;
};
const std::vector<SectionFlag>& section_flags() {
    static const std::vector<SectionFlag> flags = {
        {"code", os::scn::kCode},   {"data", os::scn::kInitializedData}, {"bss", os::scn::kUninitializedData},
        {"read", os::scn::kRead},   {"write", os::scn::kWrite},          {"execute", os::scn::kExecute},
        {"shared", os::scn::kShared}, {"discardable", os::scn::kDiscardable}};
    return flags;
}

std::set<std::string> key_set(const std::vector<std::string>& keys) { return {keys.begin(), keys.end()}; }

bool is_one_of(const std::string& s, const std::vector<std::string>& words) {
    return std::find(words.begin(), words.end(), s) != words.end();
}

// True when text is a well-formed number too large for parse_number (it stops at 2^40 bytes).
bool number_too_big(std::string t) {
    while (!t.empty() && std::isspace(uint8_t(t.back()))) t.pop_back();
    while (!t.empty() && std::isspace(uint8_t(t.front()))) t.erase(t.begin());
    for (const char* suffix : {"KB", "MB", "GB"})
        if (t.size() > 2 && t.compare(t.size() - 2, 2, suffix) == 0) {
            t.resize(t.size() - 2);
            while (!t.empty() && std::isspace(uint8_t(t.back()))) t.pop_back();
        }
    const bool hex = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
    const std::string digits = hex ? t.substr(2) : t;
    if (digits.empty()) return false;
    for (char c : digits)
        if (!(hex ? std::isxdigit(uint8_t(c)) : std::isdigit(uint8_t(c)))) return false;
    return true;  // a number, and parse_number refused it: too large
}

class Parser : public YamlReader {
public:
    explicit Parser(std::string path) : YamlReader(std::move(path)) {}

    bool number(const YAML::Node& n, const std::string& what, uint64_t& out) {
        std::string s;
        if (!scalar(n, what, s)) return false;
        auto v = parse_number(s);
        if (!v && number_too_big(s))
            return fail(n, fmt::format("{}: '{}' is above the 4 GB address space", what, s));
        if (!v) return fail(n, fmt::format("{}: '{}' is not a number (write 4096, 0x1000 or 64 KB)", what, s));
        out = *v;
        return true;
    }

    bool boolean(const YAML::Node& n, const std::string& what, bool& out) {
        std::string s;
        if (!scalar(n, what, s)) return false;
        if (s == "true" || s == "yes") out = true;
        else if (s == "false" || s == "no") out = false;
        else return fail(n, fmt::format("{} must be true or false, not '{}'", what, s));
        return true;
    }

    bool parse_arg(const YAML::Node& n, const std::string& key, ArgType type, Arg& out) {
        out.type = type;
        out.loc = loc(n);
        std::string s;
        switch (type) {
            case ArgType::Process:
            case ArgType::Bind: {
                if (!scalar(n, key, s)) return false;
                if (s.empty() || !(std::isalpha(uint8_t(s[0])) || s[0] == '_'))
                    return fail(n, fmt::format("{}: '{}' is not a name (letters, digits and _, not starting with a digit)", key, s));
                for (char c : s)
                    if (!(std::isalnum(uint8_t(c)) || c == '_'))
                        return fail(n, fmt::format("{}: '{}' is not a name (letters, digits, _)", key, s));
                out.text = s;
                return true;
            }
            case ArgType::FileHandle:
                // CreateFileMapping's hFile: INVALID_HANDLE_VALUE names the paging file.
                if (!scalar(n, key, s)) return false;
                out.text = s;
                if (s == "INVALID_HANDLE_VALUE") {
                    out.address = AddressExpr{"", int64_t(mm::kInvalidHandleValue)};
                    out.number = mm::kInvalidHandleValue;
                    return true;
                }
                [[fallthrough]];
            case ArgType::Value:
            case ArgType::Address: {
                if (!scalar(n, key, s)) return false;
                if (type == ArgType::Value) {
                    if (auto v = parse_number(s)) {
                        if (*v > 0xFFFFFFFFull) return fail(n, fmt::format("{}: 0x{:X} does not fit in 32 bits", key, *v));
                        out.number = *v;
                        out.address = AddressExpr{"", int64_t(*v)};
                        return true;
                    }
                }
                auto a = parse_address(s);
                if (!a) return fail(n, fmt::format("{}: '{}' is not an address (a number, a bound name, or name+offset)", key, s));
                if (!a->name.empty() && !m_bound.count(a->name))
                    return fail(n, fmt::format("{}: '{}' is not bound by an earlier step's 'as:'", key, a->name));
                out.address = *a;
                return true;
            }
            case ArgType::Number:
                if (!number(n, key, out.number)) return false;
                if (out.number > 0xFFFFFFFFull)
                    return fail(n, fmt::format("{}: 0x{:X} does not fit in 32 bits", key, out.number));
                return true;
            case ArgType::Text:
            case ArgType::Path: return scalar(n, key, out.text);
            case ArgType::SignedNumber: {
                // InterlockedExchangeAdd's LONG addend: -1, +5, 0x10, -0x10.
                if (!scalar(n, key, s)) return false;
                std::string digits = s;
                const bool negative = !digits.empty() && digits[0] == '-';
                if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
                auto ends_with = [&](const char* unit) { return digits.size() > 2 && digits.compare(digits.size() - 2, 2, unit) == 0; };
                const bool plain = !digits.empty() && std::isdigit(uint8_t(digits[0])) && digits.find(' ') == std::string::npos &&
                                   !ends_with("KB") && !ends_with("MB") && !ends_with("GB");  // (no size units)
                const auto v = plain ? parse_number(digits) : std::nullopt;
                if (!v) return fail(n, fmt::format("{}: '{}' is not a signed number (write 1, -1 or 0x10)", key, s));
                const int64_t value = negative ? -int64_t(*v) : int64_t(*v);
                if (value < INT32_MIN || value > INT32_MAX)
                    return fail(n, fmt::format("{}: {} does not fit in a signed 32-bit LONG (-2147483648 to 2147483647)", key, s));
                out.number = uint32_t(int32_t(value));
                out.address = AddressExpr{"", value};
                out.text = std::to_string(value);
                return true;
            }
            case ArgType::Flag: {
                bool b = false;
                if (!boolean(n, key, b)) return false;
                out.number = b ? 1 : 0;
                out.text = b ? "true" : "false";
                return true;
            }
            case ArgType::Protection: {
                if (!scalar(n, key, s)) return false;
                auto p = mm::parse_protection(s);
                if (!p) return fail(n, fmt::format("{}: '{}' is not a protection (READWRITE, EXECUTE_READ+GUARD, ...)", key, s));
                out.number = *p;
                out.text = s;
                return true;
            }
            case ArgType::AllocType: {
                std::vector<YAML::Node> items;
                if (n.IsSequence()) for (const auto& i : n) items.push_back(i);
                else items.push_back(n);
                uint32_t flags = 0;
                for (const auto& i : items) {
                    if (!scalar(i, key, s)) return false;
                    if (s == "reserve") flags |= mm::mem::kReserve;
                    else if (s == "commit") flags |= mm::mem::kCommit;
                    else if (s == "top_down") flags |= mm::mem::kTopDown;
                    else if (auto v = parse_number(s)) flags |= uint32_t(*v);
                    else return fail(i, fmt::format("type: '{}' is not reserve, commit or top_down", s));
                }
                out.number = flags;
                return true;
            }
            case ArgType::FreeType: {
                if (!scalar(n, key, s)) return false;
                if (s == "decommit") out.number = mm::mem::kDecommit;
                else if (s == "release") out.number = mm::mem::kRelease;
                else if (auto v = parse_number(s)) out.number = *v;
                else return fail(n, fmt::format("type: '{}' is not decommit or release", s));
                return true;
            }
            case ArgType::FileAccess:
            case ArgType::MapAccess:
            case ArgType::SecFlags: {
                std::vector<YAML::Node> items;
                if (n.IsSequence()) for (const auto& i : n) items.push_back(i);
                else items.push_back(n);
                if (items.empty()) return fail(n, fmt::format("{}: needs at least one value", key));
                uint32_t flags = 0;
                std::string words;
                for (const auto& w : flag_words(type)) words += (words.empty() ? "" : ", ") + std::string(w.word);
                for (const auto& i : items) {
                    if (!scalar(i, key, s)) return false;
                    const FlagWord* found = nullptr;
                    for (const auto& w : flag_words(type))
                        if (s == w.word) found = &w;
                    if (!found) return fail(i, fmt::format("{}: '{}' is not one of {}", key, s, words));
                    flags |= found->bits;
                    out.text += (out.text.empty() ? "" : "|") + s;
                }
                out.number = flags;
                return true;
            }
            case ArgType::Disposition:
                if (!scalar(n, key, s)) return false;
                if (!is_one_of(s, arg_words(ArgType::Disposition)))
                    return fail(n, fmt::format("{}: '{}' is not open, create or open_always", key, s));
                out.text = s;
                return true;
            case ArgType::AccessKind: {
                if (!scalar(n, key, s)) return false;
                if (!is_one_of(s, arg_words(ArgType::AccessKind)))
                    return fail(n, fmt::format("access: '{}' is not read, write or execute", s));
                out.text = s;
                return true;
            }
        }
        return true;
    }

    bool parse_machine(const YAML::Node& n, mm::MachineConfig& cfg) {
        if (!n.IsMap()) return fail(n, "machine must be a map");
        if (!check_keys(n, key_set(format_keys().machine), "machine")) return false;
        std::string s;
        if (n["personality"]) {
            if (!scalar(n["personality"], "personality", s)) return false;
            if (s == kPersonalities[0]) cfg.personality = mm::Personality::Nt;
            else if (s == kPersonalities[1]) cfg.personality = mm::Personality::Win95;
            else return fail(n["personality"], fmt::format("personality: '{}' is not nt or win95", s));
        }
        auto pages = [&](const char* key, uint32_t& out, const char* unit, uint64_t lo, uint64_t hi) {
            if (!n[key]) return true;
            std::string t;
            if (!scalar(n[key], key, t)) return false;
            std::string num = t;
            bool is_bytes = false;
            for (const char* suffix : {" frames", " frame", " pages", " page"})
                if (num.size() > strlen(suffix) && num.compare(num.size() - strlen(suffix), strlen(suffix), suffix) == 0)
                    num.resize(num.size() - strlen(suffix));
            for (const char* suffix : {"KB", "MB", "GB"})
                if (t.find(suffix) != std::string::npos) is_bytes = true;
            auto v = parse_number(num);
            if (!v) return fail(n[key], fmt::format("{}: '{}' is not a count of {} (or a size like 1 MB)", key, t, unit));
            uint64_t count = is_bytes ? *v / 4096 : *v;
            if (count < lo || count > hi)
                return fail(n[key], fmt::format("{}: {} {} outside {}..{}", key, count, count == 1 ? std::string(unit).substr(0, strlen(unit) - 1) + " is" : std::string(unit) + " is", lo, hi));
            out = uint32_t(count);
            return true;
        };
        if (!pages("ram", cfg.frames, "frames", 6, 1u << 20)) return false;
        if (!pages("pagefile", cfg.pagefile_pages, "pages", 0, 1u << 20)) return false;
        if (n["policy"]) {
            if (!scalar(n["policy"], "policy", s)) return false;
            auto p = mm::parse_policy(s);
            if (!p) return fail(n["policy"], fmt::format("policy: '{}' is not fifo, clock, lru or ws", s));
            cfg.policy = *p;
        }
        if (n["tlb"]) {
            uint64_t t = 0;
            if (!number(n["tlb"], "tlb", t)) return false;
            if (t > 1024) return fail(n["tlb"], "tlb: at most 1024 entries");
            cfg.tlb_entries = uint32_t(t);
        }
        return true;
    }

    bool parse_file(const YAML::Node& n, FileDecl& f) {
        f.loc = loc(n);
        if (!n.IsMap()) return fail(n, "a file must be a map with path and size/text/bytes");
        if (n["pe"]) {
            if (!check_keys(n, key_set(format_keys().pe_file), "PE file")) return false;
            if (!n["path"]) return fail(n, "a file needs a path");
            if (!scalar(n["path"], "path", f.path)) return false;
            std::string rel;
            if (!scalar(n["pe"], "pe", rel)) return false;
            const std::filesystem::path where = std::filesystem::path(m_path).parent_path() / rel;
            // A regular file of at most 64 MB, checked before reading (a device would never end);
            // every failure is a sentence (io::read_file throws nothing).
            const io::ReadResult got = io::read_file(where.string(), limits::kFileBytes, "a file of the emulated disk");
            if (!got.ok()) return fail(n["pe"], fmt::format("pe: cannot open '{}' ({})", rel, *got.error));  // (relative to the scenario)
            std::vector<uint8_t> bytes(got.bytes.begin(), got.bytes.end());
            // A file that is not a valid PE32 image stays on the disk as data: loading it is then
            // ERROR_BAD_EXE_FORMAT, as on Windows.
            os::PeReadResult r = os::read_pe_image(bytes, f.path);
            if (auto* img = std::get_if<os::ImageDescription>(&r)) {
                f.image = std::move(*img);
                f.image_bytes = bytes;
            } else {
                f.bytes = bytes;
            }
            f.size = bytes.size();
            f.source = where.string();
            return true;
        }
        if (n["image"]) {
            if (!check_keys(n, key_set(format_keys().image_file), "image file")) return false;
            if (!n["path"]) return fail(n, "a file needs a path");
            if (!scalar(n["path"], "path", f.path)) return false;
            return parse_image(n["image"], f);
        }
        if (!check_keys(n, key_set(format_keys().data_file), "file")) return false;
        if (!n["path"]) return fail(n, "a file needs a path");
        if (!scalar(n["path"], "path", f.path)) return false;
        if (n["size"] && !number(n["size"], "size", f.size)) return false;
        if (n["text"] && !scalar(n["text"], "text", f.text)) return false;
        if (n["bytes"]) {
            std::string hex;
            if (!scalar(n["bytes"], "bytes", hex)) return false;
            std::string digits;
            for (char c : hex) if (!std::isspace(uint8_t(c))) digits += c;
            if (digits.size() % 2) return fail(n["bytes"], "bytes: an odd number of hex digits");
            for (size_t i = 0; i < digits.size(); i += 2) {
                uint8_t b = 0;
                auto [p, ec] = std::from_chars(digits.data() + i, digits.data() + i + 2, b, 16);
                if (ec != std::errc() || p != digits.data() + i + 2)
                    return fail(n["bytes"], fmt::format("bytes: '{}' is not hex", digits.substr(i, 2)));
                f.bytes.push_back(b);
            }
        }
        if (f.size == 0) f.size = f.bytes.empty() ? f.text.size() : f.bytes.size();
        if (f.size > limits::kFileBytes) return fail(n["size"] ? n["size"] : n, "size: files are limited to 64 MB");
        return true;
    }

    bool parse_image(const YAML::Node& n, FileDecl& f) {
        if (!n.IsMap()) return fail(n, "image must be a map (base, entry, dll, relocations, imports, sections)");
        if (!check_keys(n, key_set(format_keys().image), "image")) return false;
        os::ImageDescription img;
        uint64_t v = 0;
        bool dll = false, relocations = true;
        if (n["dll"] && !boolean(n["dll"], "dll", dll)) return false;
        img.is_dll = dll;
        img.image_base = dll ? 0x10000000 : 0x00400000;
        if (n["base"]) {
            if (!number(n["base"], "base", v)) return false;
            if (v & 0xFFFF || v == 0 || v >= 0xC0000000ull) return fail(n["base"], "base: an image base is a non-zero multiple of 64 KB below 0xC0000000");
            img.image_base = uint32_t(v);
        }
        if (n["entry"]) {
            if (!number(n["entry"], "entry", v)) return false;
            img.entry_rva = uint32_t(v);
        }
        if (n["relocations"] && !boolean(n["relocations"], "relocations", relocations)) return false;
        if (n["imports"]) {
            const YAML::Node im = n["imports"];
            if (!im.IsSequence()) return fail(im, "imports must be a list of DLL names");
            for (const auto& i : im) {
                std::string s;
                if (!scalar(i, "imports", s)) return false;
                img.imports.push_back(s);
            }
        }
        std::vector<os::SyntheticSection> sections;
        if (n["sections"]) {
            if (!n["sections"].IsSequence()) return fail(n["sections"], "sections must be a list");
            for (const auto& sn : n["sections"]) {
                if (!sn.IsMap()) return fail(sn, "a section must be a map (name, size, flags, ...)");
                if (!check_keys(sn, key_set(format_keys().section), "section")) return false;
                os::SyntheticSection ss;
                if (!sn["name"]) return fail(sn, "a section needs a name");
                if (!scalar(sn["name"], "name", ss.section.name)) return false;
                if (!sn["size"]) return fail(sn, "a section needs a size");
                if (!number(sn["size"], "size", v)) return false;
                if (v == 0 || v > (16u << 20)) return fail(sn["size"], "size: a section is 1 byte to 16 MB");
                ss.section.virtual_size = uint32_t(v);
                if (sn["rva"]) {
                    if (!number(sn["rva"], "rva", v)) return false;
                    if (v & 0xFFF || v == 0 || v > (256u << 20)) return fail(sn["rva"], "rva: a section starts on a page boundary after the headers");
                    ss.section.rva = uint32_t(v);
                }
                if (sn["flags"]) {
                    std::vector<YAML::Node> items;
                    if (sn["flags"].IsSequence()) for (const auto& i : sn["flags"]) items.push_back(i);
                    else items.push_back(sn["flags"]);
                    for (const auto& i : items) {
                        std::string s;
                        if (!scalar(i, "flags", s)) return false;
                        bool known = false;
                        for (const auto& [name, bit] : section_flags())
                            if (s == name) { ss.section.characteristics |= bit; known = true; }
                        if (!known) return fail(i, fmt::format("flags: '{}' is not code, data, bss, read, write, execute, shared or discardable", s));
                    }
                }
                if (sn["text"]) {
                    std::string t;
                    if (!scalar(sn["text"], "text", t)) return false;
                    ss.section.raw.assign(t.begin(), t.end());
                }
                if (sn["bytes"]) {
                    std::string hex, digits;
                    if (!scalar(sn["bytes"], "bytes", hex)) return false;
                    for (char c : hex) if (!std::isspace(uint8_t(c))) digits += c;
                    if (digits.size() % 2) return fail(sn["bytes"], "bytes: an odd number of hex digits");
                    for (size_t i = 0; i < digits.size(); i += 2) {
                        uint8_t b = 0;
                        auto [p, ec] = std::from_chars(digits.data() + i, digits.data() + i + 2, b, 16);
                        if (ec != std::errc() || p != digits.data() + i + 2) return fail(sn["bytes"], "bytes: not hex");
                        ss.section.raw.push_back(b);
                    }
                }
                if (ss.section.raw.size() > ss.section.virtual_size) return fail(sn, "the section's text/bytes are larger than its size");
                if (sn["fixups"]) {
                    if (!sn["fixups"].IsSequence()) return fail(sn["fixups"], "fixups must be a list of section offsets");
                    ss.fixups_given = true;
                    for (const auto& i : sn["fixups"]) {
                        if (!number(i, "fixups", v)) return false;
                        if (v + 4 > ss.section.virtual_size || (v & 0xFFF) > 0xFFC)
                            return fail(i, "fixups: a fixup is a 32-bit word inside the section and inside one page");
                        ss.fixups.push_back(uint32_t(v));
                    }
                }
                sections.push_back(std::move(ss));
            }
        }
        f.image_bytes = os::build_synthetic_image(img, sections, relocations);
        // Sections may not overlap one another or the headers page.
        for (size_t i = 0; i < img.sections.size(); ++i)
            for (size_t j = i + 1; j < img.sections.size(); ++j) {
                const auto& a = img.sections[i];
                const auto& b = img.sections[j];
                if (a.rva < b.rva + b.virtual_size && b.rva < a.rva + a.virtual_size)
                    return fail(n["sections"], fmt::format("sections {} and {} overlap", a.name, b.name));
            }
        if (img.entry_rva >= img.size_of_image) return fail(n["entry"] ? n["entry"] : n, "entry: the entry point lies outside the image");
        if (uint64_t(img.image_base) + img.size_of_image > 0xC0000000ull) return fail(n, "the image does not fit below 0xC0000000");
        f.size = f.image_bytes.size();
        f.image = std::move(img);
        return true;
    }

    bool parse_expect_map(const YAML::Node& m, Step& step) {
        if (!m.IsMap()) return fail(m, "each expectation must be a map (result: ok, fault: demand-zero, ...)");
        std::set<std::string> seen;
        for (auto it = m.begin(); it != m.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (!seen.insert(key).second) return fail(it->first, fmt::format("expectation '{}' appears twice in one map", key));
            const YAML::Node v = it->second;
            const ExpectSpec* spec = nullptr;
            for (const auto& s : expect_specs())
                if (key == s.name) spec = &s;
            if (!spec) {
                std::string list;
                for (const auto& s : expect_specs()) list += (list.empty() ? "" : ", ") + std::string(s.name);
                return fail(it->first, fmt::format("unknown expectation '{}' (expected one of: {})", key, list));
            }
            Expectation e;
            e.kind = spec->kind;
            e.loc = loc(it->first);
            switch (spec->kind) {
                case ExpectKind::Result:
                    if (!scalar(v, key, e.text)) return false;
                    if (e.text != "ok" && e.text != "failed") return fail(v, "result: must be ok or failed");
                    break;
                case ExpectKind::Error:
                    if (!scalar(v, key, e.text)) return false;
                    if (!mm::parse_error(e.text)) return fail(v, fmt::format("error: '{}' is not a Windows error name or number", e.text));
                    break;
                case ExpectKind::Returns:
                    if (!scalar(v, key, e.text)) return false;
                    break;
                case ExpectKind::Fault: {
                    std::vector<YAML::Node> items;
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
                            return fail(i, fmt::format("fault: '{}' is not {}", s, kinds));
                        }
                        e.list.push_back(s);
                    }
                    break;
                }
                case ExpectKind::Counters:
                    if (!v.IsMap()) return fail(v, "counters: must be a map of counter names to numbers");
                    for (auto c = v.begin(); c != v.end(); ++c) {
                        const std::string name = c->first.Scalar();
                        if (!is_one_of(name, counter_names()))
                            return fail(c->first, fmt::format("counters: unknown counter '{}'", name));
                        Arg a;
                        if (!parse_arg(c->second, name, ArgType::Number, a)) return false;
                        e.fields[name] = a;
                    }
                    break;
                case ExpectKind::SameFrame:
                case ExpectKind::DifferentFrame:
                    if (!v.IsSequence() || v.size() != 2) return fail(v, fmt::format("{}: must be a list of two {{process, address}} maps", key));
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
                        return fail(e.fields["to"].loc, fmt::format("in_range: to (0x{:X}) is below from (0x{:X})", to.offset, from.offset));
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

    bool parse_fields(const YAML::Node& v, const ExpectSpec& spec, std::map<std::string, Arg>& fields) {
        if (!v.IsMap()) return fail(v, fmt::format("{}: must be a map", spec.name));
        std::set<std::string> allowed;
        for (const auto& f : spec.fields) allowed.insert(f.key);
        if (!check_keys(v, allowed, spec.name)) return false;
        for (const auto& f : spec.fields) {
            if (!v[f.key]) {
                if (f.required) return fail(v, fmt::format("{}: needs '{}'", spec.name, f.key));
                continue;
            }
            Arg a;
            if (!parse_arg(v[f.key], f.key, f.type, a)) return false;
            if (f.type == ArgType::Process && !m_processes.count(a.text))
                return fail(v[f.key], fmt::format("{}: no process '{}' is created by an earlier step", spec.name, a.text));
            if (!check_field_value(spec.kind, f.key, a)) return false;
            fields[f.key] = a;
        }
        return true;
    }

    // Values of expectation fields that have a fixed vocabulary are checked when the file is read.
    bool check_field_value(ExpectKind kind, const std::string& key, const Arg& a) {
        auto one_of = [&](const std::vector<std::string>& words) {
            if (is_one_of(a.text, words)) return true;
            std::string list;
            for (const auto& w : words) list += (list.empty() ? "" : ", ") + w;
            return fail(a.loc, fmt::format("{}: '{}' is not one of {}", key, a.text, list));
        };
        if (const auto words = field_words(kind, key); !words.empty()) return one_of(words);
        if (kind == ExpectKind::File && key == "bytes") {
            std::string digits;
            for (char c : a.text)
                if (!std::isspace(uint8_t(c))) digits += c;
            if (digits.empty() || digits.size() % 2 || digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                return fail(a.loc, fmt::format("bytes: '{}' is not an even number of hex digits", a.text));
        }
        if (kind == ExpectKind::Value && key == "size" && a.number != 1 && a.number != 2 && a.number != 4)
            return fail(a.loc, "size: a value is 1, 2 or 4 bytes");
        return true;
    }

    // `ask:` — the question, 2-5 distinct choices and the right one (its letter or its exact
    // text), or a free numeric answer; and the explanation shown after answering.
    bool parse_question(const YAML::Node& n, Question& q) {
        q.loc = loc(n);
        if (!n.IsMap()) return fail(n, "ask: must be a map (question, choices, answer, explain)");
        if (!check_keys(n, key_set(format_keys().question), "a question")) return false;
        if (!n["question"]) return fail(n, "ask: needs 'question'");
        if (!prose(n["question"], "question", q.question, &q.question_tr)) return false;
        if (q.question.empty()) return fail(n["question"], "question: is empty");
        if (!n["answer"]) return fail(n, "ask: needs 'answer' (the right choice's letter or text, or a number)");
        if (!n["explain"]) return fail(n, "ask: needs 'explain' (what the learner should see once they have answered)");
        if (!prose(n["explain"], "explain", q.explain, &q.explain_tr)) return false;
        if (q.explain.empty()) return fail(n["explain"], "explain: is empty");
        std::string answer;
        if (!scalar(n["answer"], "answer", answer)) return false;
        if (!n["choices"]) {
            auto v = parse_number(answer);
            if (!v) return fail(n["answer"], fmt::format("answer: '{}' is not a number (a question without choices takes a number: 5, 0x1F, 64 KB)", answer));
            q.number = *v;
            q.hex = answer.size() > 2 && answer[0] == '0' && (answer[1] == 'x' || answer[1] == 'X');
            return true;
        }
        const YAML::Node ch = n["choices"];
        if (!ch.IsSequence()) return fail(ch, "choices: must be a list of 2 to 5 answers");
        if (ch.size() < 2 || ch.size() > 5) return fail(ch, fmt::format("choices: {} given, but a question has 2 to 5 choices", ch.size()));
        for (const auto& c : ch) {
            std::string t;
            Translations t_tr;
            if (!prose(c, "choices", t, &t_tr)) return false;
            if (t.empty()) return fail(c, "choices: a choice is empty");
            for (const auto& earlier : q.choices)
                if (earlier == t) return fail(c, fmt::format("choices: '{}' is given twice", t));
            q.choices.push_back(t);
            q.choices_tr.push_back(std::move(t_tr));
        }
        for (size_t i = 0; i < q.choices.size(); ++i)
            if (q.choices[i] == answer) { q.answer = i; return true; }
        if (answer.size() == 1 && answer[0] >= 'a' && size_t(answer[0] - 'a') < q.choices.size()) {
            q.answer = size_t(answer[0] - 'a');
            return true;
        }
        return fail(n["answer"], fmt::format("answer: '{}' is not among the choices (give the right choice's letter, a-{}, or its exact text)",
                                             answer, char('a' + q.choices.size() - 1)));
    }

    // A narrated group: `say` over a list of steps (which are ordinary steps, numbered in order).
    bool parse_group(const YAML::Node& n, Scenario& sc) {
        if (!check_keys(n, key_set(format_keys().group), "a group of steps")) return false;
        Group g;
        g.loc = loc(n);
        if (!n["say"]) return fail(n, "a group of steps needs 'say': the narration that covers them");
        if (!prose(n["say"], "say", g.say, &g.say_tr)) return false;
        if (g.say.empty()) return fail(n["say"], "say: is empty");
        const YAML::Node list = n["steps"];
        if (!list.IsSequence() || list.size() == 0) return fail(list, "steps: a group needs a list of steps");
        g.first = sc.steps.size();
        const size_t index = sc.groups.size();
        sc.groups.push_back(g);
        for (const auto& s : list) {
            if (s.IsMap() && s["steps"]) return fail(s["steps"], "a group's steps cannot be groups themselves");
            if (sc.steps.size() == limits::kMaxSteps)
                return fail(s, fmt::format("a scenario has at most {} steps", limits::kMaxSteps));
            Step step;
            if (!parse_step(s, step)) return false;
            step.group = index;
            sc.steps.push_back(std::move(step));
        }
        sc.groups[index].count = sc.steps.size() - g.first;
        return true;
    }

    bool parse_step(const YAML::Node& n, Step& step) {
        step.loc = loc(n);
        if (!n.IsMap()) return fail(n, "a step must be a map (do: ..., say: ..., expect: ...)");
        std::string opname;
        if (n["do"]) {
            if (!scalar(n["do"], "do", opname)) return false;
            if (opname.empty()) return fail(n["do"], "do: needs an operation name");
        } else if (!n["say"]) {
            return fail(n, "a step needs 'do' (an operation), 'say' (a pause for narration) or 'steps' (a narrated group)");
        }
        const OpSpec* spec = nullptr;
        if (!opname.empty()) {
            for (const auto& s : op_specs())
                if (opname == s.name) spec = &s;
            if (!spec) {
                std::string list;
                for (const auto& s : op_specs()) list += (list.empty() ? "" : ", ") + std::string(s.name);
                return fail(n["do"], fmt::format("unknown operation '{}' (expected one of: {})", opname, list));
            }
            step.op = spec->op;
        }
        std::set<std::string> allowed = key_set(format_keys().step);
        if (spec)
            for (const auto& a : spec->args) allowed.insert(a.key);
        if (!check_keys(n, allowed, spec ? fmt::format("a {} step", opname) : std::string("a narration step"))) return false;
        if (n["say"] && !prose(n["say"], "say", step.say, &step.say_tr)) return false;
        if (n["label"] && !scalar(n["label"], "label", step.label)) return false;
        if (n["ask"]) {
            step.ask.emplace();
            if (!parse_question(n["ask"], *step.ask)) return false;
        }
        if (spec) {
            for (const auto& a : spec->args) {
                if (!n[a.key]) {
                    if (a.required) return fail(n, fmt::format("{} needs '{}'", opname, a.key));
                    continue;
                }
                Arg arg;
                if (!parse_arg(n[a.key], a.key, a.type, arg)) return false;
                if (a.type == ArgType::Process && !m_processes.count(arg.text))
                    return fail(n[a.key], fmt::format("{}: no process '{}' is created by an earlier step", a.key, arg.text));
                step.args[a.key] = arg;
            }
            if (const Arg* a = step.arg("address"); step.op == Op::InterlockedAdd && a->address.name.empty() && (a->address.offset & 3))
                return fail(n["address"], fmt::format("address: InterlockedExchangeAdd needs a 32-bit variable aligned on 4 bytes, and 0x{:X} is not", a->address.offset));
            if ((step.op == Op::Write || step.op == Op::DebuggerWrite || step.op == Op::WriteFile) && !!n["value"] == !!n["text"])
                return fail(n, fmt::format("{} needs exactly one of 'value' or 'text'", opname));
            if (const Arg* sz = step.arg("size"); sz && (step.op == Op::Read || step.op == Op::Write ||
                                                         step.op == Op::Execute || step.op == Op::DebuggerWrite ||
                                                         (step.op == Op::WriteFile && !step.arg("text")))) {
                if (sz->number != 1 && sz->number != 2 && sz->number != 4)
                    return fail(n["size"], "size: an access is 1, 2 or 4 bytes");
                if (step.arg("text")) return fail(n["size"], "size: not with text (each character is one byte)");
            }
            if (const Arg* v = step.arg("value")) {
                const uint64_t size = step.arg("size") ? step.arg("size")->number : 4;
                if (size < 4 && v->number >> (8 * size))
                    return fail(n["value"], fmt::format("value: 0x{:X} does not fit in {} byte{}", v->number, size, size == 1 ? "" : "s"));
            }
        }
        // A name bound by this step is visible to its own expectations and to later steps.
        // Process names name processes only; they are not addresses.
        if (const Arg* as = step.arg("as")) {
            if (step.op == Op::CreateProcess) m_processes.insert(as->text);
            else m_bound.insert(as->text);
        }
        if (n["expect"]) {
            const YAML::Node ex = n["expect"];
            if (ex.IsSequence()) {
                for (const auto& m : ex)
                    if (!parse_expect_map(m, step)) return false;
            } else if (!parse_expect_map(ex, step)) {
                return false;
            }
        }
        return true;
    }

    bool parse(const YAML::Node& root, Scenario& sc) {
        if (!root.IsMap()) return fail(root, "a scenario must be a map (pagelab: 1, title: ..., steps: ...)");
        if (!check_keys(root, key_set(format_keys().scenario), "the scenario")) return false;
        if (!root["pagelab"]) return fail(root, "the first key must be 'pagelab: 1' (the format version)");
        uint64_t version = 0;
        if (!number(root["pagelab"], "pagelab", version)) return false;
        if (version != 1) return fail(root["pagelab"], fmt::format("format version {} is not supported (this build reads version 1)", version));
        if (root["title"] && !prose(root["title"], "title", sc.title, &sc.title_tr)) return false;
        if (root["summary"] && !prose(root["summary"], "summary", sc.summary, &sc.summary_tr)) return false;
        if (root["machine"] && !parse_machine(root["machine"], sc.machine)) return false;
        if (root["files"]) {
            if (!root["files"].IsSequence()) return fail(root["files"], "files must be a list");
            uint64_t disk = 0;
            for (const auto& f : root["files"]) {
                FileDecl d;
                if (!parse_file(f, d)) return false;
                disk += d.size;
                if (disk > limits::kDiskBytes)
                    return fail(f, fmt::format("the files of the emulated disk together are limited to {} (with this one: {} "
                                               "bytes)",
                                               io::size_text(limits::kDiskBytes), disk));
                sc.files.push_back(std::move(d));
            }
        }
        if (!root["steps"]) return fail(root, "a scenario needs 'steps'");
        if (!root["steps"].IsSequence()) return fail(root["steps"], "steps must be a list");
        for (const auto& s : root["steps"]) {
            if (sc.steps.size() == limits::kMaxSteps)
                return fail(s, fmt::format("a scenario has at most {} steps", limits::kMaxSteps));
            if (s.IsMap() && s["steps"]) {
                if (!parse_group(s, sc)) return false;
                continue;
            }
            Step step;
            if (!parse_step(s, step)) return false;
            if (!within_budgets(s, step)) return false;
            sc.steps.push_back(std::move(step));
        }
        return true;
    }

private:
    // The load-time budgets of sim/Limits.h that a step spends: the pages the steps touch, and the
    // size a file may grow to.
    bool within_budgets(const YAML::Node& n, const Step& step) {
        // Accesses touch one page, or two when they straddle; a debugger's text is one access a byte.
        uint64_t pages = 0;
        if (step.op == Op::Touch) pages = (step.arg("size")->number + 0xFFF) / 0x1000 + 1;
        else if (step.op == Op::Read || step.op == Op::Write || step.op == Op::Execute || step.op == Op::DebuggerWrite)
            pages = step.arg("text") ? step.arg("text")->text.size() / 0x1000 + 2 : 2;
        m_touched_pages += pages;
        if (m_touched_pages > limits::kTouchedPages)
            return fail(n, fmt::format("the steps together touch more than {} pages (1 GB), the limit for a scenario "
                                       "(docs/limits.md)",
                                       limits::kTouchedPages));
        const uint64_t offset = step.arg("offset") ? step.arg("offset")->number : 0;
        if (step.op == Op::SetEndOfFile && step.arg("size")->number > limits::kFileBytes)
            return fail(n["size"], "size: files are limited to 64 MB");
        if (step.op == Op::WriteFile) {
            const uint64_t bytes = step.arg("text") ? step.arg("text")->text.size() : 4;
            if (offset + bytes > limits::kFileBytes) return fail(n["offset"] ? n["offset"] : n, "offset: files are limited to 64 MB");
        }
        return true;
    }

    uint64_t m_touched_pages = 0;
    std::set<std::string> m_bound;
    std::set<std::string> m_processes;
};

}  // namespace

bool is_language(const std::string& code) {
    for (const char* l : kLanguages)
        if (code == l) return true;
    return false;
}

const std::string& localized(const std::string& en, const Translations& tr, const std::string& lang) {
    if (auto it = tr.find(lang); it != tr.end()) return it->second;
    return en;
}

const char* op_name(Op op) {
    if (op == Op::Pause) return "say";
    for (const auto& s : op_specs())
        if (s.op == op) return s.name;
    return "?";
}

std::vector<OpInfo> operation_table() {
    std::vector<OpInfo> out;
    for (const auto& s : op_specs()) {
        OpInfo info{s.name, s.op, {}};
        for (const auto& a : s.args) info.args.push_back(OpArgInfo{a.key, a.type, a.required});
        out.push_back(std::move(info));
    }
    return out;
}

std::string operation_summary(Op op) {
    switch (op) {
        case Op::Pause: return "A pause for narration: say, and optionally expect.";
        case Op::CreateProcess: return "CreateProcess: a process named by `as`, empty or from an image on the emulated disk.";
        case Op::ExitProcess: return "ExitProcess: releases the process's memory, page tables and page directory.";
        case Op::VirtualAlloc: return "VirtualAlloc: reserve and/or commit pages; `as` binds the returned address.";
        case Op::VirtualFree: return "VirtualFree: decommit pages or release a whole allocation.";
        case Op::VirtualProtect: return "VirtualProtect: change the protection of committed pages; `as` binds the old one.";
        case Op::VirtualQuery: return "VirtualQuery: the region at an address (check it with a region expectation).";
        case Op::Read: return "A load by the process (1, 2 or 4 bytes); `as` binds the value read.";
        case Op::Write: return "A store by the process: a value (1, 2 or 4 bytes) or a text.";
        case Op::Execute: return "An instruction fetch by the process; `as` binds the bytes fetched.";
        case Op::Touch: return "A 1-byte access to every page of a range.";
        case Op::DebuggerWrite: return "A kernel debugger's poke: bypasses protection and copy-on-write.";
        case Op::SwitchTo: return "Loads the process's CR3 (a context switch).";
        case Op::Trim: return "Trims the process's working set.";
        case Op::LoadLibrary: return "LoadLibrary: maps a DLL (and its imports); `as` binds its base.";
        case Op::FreeLibrary: return "FreeLibrary: drops a reference to a module (by its base).";
        case Op::CreateFile: return "CreateFile: a handle to a file on the emulated disk; `as` binds it.";
        case Op::CloseHandle: return "CloseHandle.";
        case Op::ReadFile: return "ReadFile: bytes from a file handle (compare them with returns).";
        case Op::WriteFile: return "WriteFile: a text or a value into a file handle.";
        case Op::SetEndOfFile: return "SetEndOfFile: the file's new size.";
        case Op::CreateFileMapping: return "CreateFileMapping: a mapping of a file, or of the pagefile without `file`; `as` binds the handle.";
        case Op::OpenFileMapping: return "OpenFileMapping: a named mapping; `as` binds the handle.";
        case Op::MapView: return "MapViewOfFile(Ex): a view of a mapping; `as` binds its base.";
        case Op::UnmapView: return "UnmapViewOfFile: the base address MapViewOfFile returned.";
        case Op::FlushView: return "FlushViewOfFile: writes a view's dirty pages to their file.";
        case Op::InterlockedAdd: return "InterlockedExchangeAdd on a 32-bit variable; `as` binds the value it had.";
    }
    return "";
}

namespace {
std::string expect_summary(ExpectKind k) {
    switch (k) {
        case ExpectKind::Result: return "ok or failed: whether the step's call succeeded.";
        case ExpectKind::Error: return "The step's GetLastError: a Windows error name (INVALID_ADDRESS) or number.";
        case ExpectKind::Returns: return "The step's result: a number, a bound name (+offset), a protection name or a text.";
        case ExpectKind::Fault: return "The page faults the step caused, one or a list.";
        case ExpectKind::Region: return "VirtualQuery's answer at an address (default: the step's process and address).";
        case ExpectKind::PteExpect: return "The PTE of an address: its bits and where the page comes from.";
        case ExpectKind::Value: return "The bytes at an address, as the process would read them.";
        case ExpectKind::SameFrame: return "Two {process, address} pages in one physical frame.";
        case ExpectKind::DifferentFrame: return "Two {process, address} pages resident in two different frames.";
        case ExpectKind::Counters: return "Machine-wide counters: totals since the start, or current values.";
        case ExpectKind::Process: return "A process's state: running, failed or exited.";
        case ExpectKind::Module: return "A module (EXE or DLL) of a process: loaded, base, refcount, relocated.";
        case ExpectKind::File: return "The emulated disk: a file's size and bytes.";
        case ExpectKind::InRange: return "from <= address <= to.";
    }
    return "";
}
}  // namespace

std::vector<ExpectInfo> expectation_table() {
    std::vector<ExpectInfo> out;
    for (const auto& s : expect_specs()) {
        ExpectInfo info{s.name, s.kind, expect_summary(s.kind), {}};
        for (const auto& f : s.fields) info.fields.push_back(OpArgInfo{f.key, f.type, f.required});
        out.push_back(std::move(info));
    }
    return out;
}

const FormatKeys& format_keys() {
    static const FormatKeys keys = {
        /*scenario*/ {"pagelab", "title", "summary", "machine", "files", "steps"},
        /*machine*/ {"personality", "ram", "pagefile", "policy", "tlb"},
        /*data_file*/ {"path", "size", "text", "bytes"},
        /*image_file*/ {"path", "image"},
        /*pe_file*/ {"path", "pe"},
        /*image*/ {"base", "entry", "dll", "relocations", "imports", "sections"},
        /*section*/ {"name", "size", "rva", "flags", "text", "bytes", "fixups"},
        /*step*/ {"do", "say", "label", "expect", "ask"},
        /*question*/ {"question", "choices", "answer", "explain"},
        /*group*/ {"say", "steps"},
    };
    return keys;
}

std::vector<std::string> arg_words(ArgType type) {
    switch (type) {
        case ArgType::AllocType: return {"reserve", "commit", "top_down"};
        case ArgType::FreeType: return {"decommit", "release"};
        case ArgType::AccessKind: return {"read", "write", "execute"};
        case ArgType::Disposition: return {"open", "create", "open_always"};
        case ArgType::Flag: return kFlagWords;
        case ArgType::FileAccess:
        case ArgType::MapAccess:
        case ArgType::SecFlags: {
            std::vector<std::string> out;
            for (const auto& w : flag_words(type)) out.push_back(w.word);
            return out;
        }
        default: return {};
    }
}

std::vector<std::string> field_words(ExpectKind kind, const std::string& key) {
    if (kind == ExpectKind::PteExpect && key == "backing")
        return {"none", "demand-zero", "pagefile", "transition", "prototype", "image", "file"};
    if (kind == ExpectKind::PteExpect && key != "process" && key != "address" && key != "frame") return kFlagWords;
    if (kind == ExpectKind::Region && key == "state") return {"commit", "reserve", "free"};
    if (kind == ExpectKind::Region && key == "type") return {"private", "mapped", "image", "none"};
    if (kind == ExpectKind::Process && key == "state") return {"running", "failed", "exited"};
    if (kind == ExpectKind::Module && (key == "loaded" || key == "relocated")) return kFlagWords;
    return {};
}

std::vector<std::string> personality_words() { return kPersonalities; }
std::vector<std::string> policy_words() { return kPolicies; }
std::vector<std::string> section_flag_words() {
    std::vector<std::string> out;
    for (const auto& f : section_flags()) out.push_back(f.word);
    return out;
}

std::vector<std::string> counter_names() {
    std::vector<std::string> out;
    for (size_t c = 0; c < mm::kCounterCount; ++c) out.emplace_back(mm::counter_name(mm::Counter(c)));
    out.push_back("frames_free");
    out.push_back("pagefile_used");
    return out;
}

const char* expect_kind_name(ExpectKind k) {
    for (const auto& s : expect_specs())
        if (s.kind == k) return s.name;
    return "?";
}

std::optional<uint64_t> parse_number(const std::string& raw) {
    std::string t = raw;
    while (!t.empty() && std::isspace(uint8_t(t.back()))) t.pop_back();
    while (!t.empty() && std::isspace(uint8_t(t.front()))) t.erase(t.begin());
    uint64_t scale = 1;
    for (auto [suffix, mult] : {std::pair{"KB", 1024ull}, {"MB", 1024ull * 1024}, {"GB", 1024ull * 1024 * 1024}}) {
        const size_t len = strlen(suffix);
        if (t.size() > len && t.compare(t.size() - len, len, suffix) == 0) {
            t.resize(t.size() - len);
            while (!t.empty() && std::isspace(uint8_t(t.back()))) t.pop_back();
            scale = mult;
            break;
        }
    }
    if (t.empty()) return std::nullopt;
    int base = 10;
    const char* b = t.data();
    const char* e = t.data() + t.size();
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        base = 16;
        b += 2;
    }
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(b, e, v, base);
    if (ec != std::errc() || p != e || b == e) return std::nullopt;
    if (v > (uint64_t(1) << 40) / scale) return std::nullopt;
    return v * scale;
}

std::optional<AddressExpr> parse_address(const std::string& text) {
    if (text.empty()) return std::nullopt;
    if (std::isdigit(uint8_t(text[0]))) {
        auto v = parse_number(text);
        if (!v || *v > 0xFFFFFFFFull) return std::nullopt;
        return AddressExpr{"", int64_t(*v)};
    }
    size_t cut = text.find_first_of("+-");
    std::string name = text.substr(0, cut);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.empty() || !(std::isalpha(uint8_t(name[0])) || name[0] == '_')) return std::nullopt;
    for (char c : name)
        if (!(std::isalnum(uint8_t(c)) || c == '_')) return std::nullopt;
    AddressExpr a{name, 0};
    if (cut != std::string::npos) {
        auto v = parse_number(text.substr(cut + 1));
        if (!v || *v > 0xFFFFFFFFull) return std::nullopt;
        a.offset = text[cut] == '+' ? int64_t(*v) : -int64_t(*v);
    }
    return a;
}

LoadResult parse_scenario(const std::string& text, const std::string& path) {
    LoadResult out;
    Parser parser(path);
    if (auto bad = check_scenario_text(text)) {
        out.error = LoadError{fmt::format("{}:{}:{}: error: {}", path, bad->line, bad->column,
                                          bad->nul ? std::string("NUL byte (a scenario file is UTF-8 text, which never holds one)")
                                                   : fmt::format("invalid UTF-8 (byte 0x{:02X}): a scenario file is UTF-8 text; "
                                                                 "save it as UTF-8",
                                                                 bad->byte))};
        return out;
    }
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
        out.error = LoadError{fmt::format("{}:{}:{}: error: YAML: nested too deeply (lists and maps inside one another "
                                          "hundreds of levels deep)",
                                          path, e.mark.line + 1, e.mark.column + 1)};
        return out;
    } catch (const YAML::ParserException& e) {
        std::string hint;
        if (e.msg == "illegal map value")
            hint = " (a ': ' inside an unquoted value starts a map: put the text in quotes)";
        out.error = LoadError{fmt::format("{}:{}:{}: error: YAML: {}{}", path, e.mark.line + 1, e.mark.column + 1, e.msg, hint)};
        return out;
    }
    Scenario sc;
    sc.path = path;
    bool ok = false;
    try {
        ok = parser.parse(root, sc);
    } catch (const YAML::Exception& e) {
        parser.fail(Location{e.mark.line + 1, e.mark.column + 1}, e.msg);
    }
    if (!ok || parser.error) {
        out.error = parser.error ? *parser.error : LoadError{path + ":1:1: error: invalid scenario"};
        return out;
    }
    out.scenario = std::move(sc);
    return out;
}

std::vector<uint8_t> file_content(const FileDecl& f) {
    if (f.image) return f.image_bytes;
    std::vector<uint8_t> out(f.size, 0);
    const std::vector<uint8_t> pattern = !f.bytes.empty() ? f.bytes : std::vector<uint8_t>(f.text.begin(), f.text.end());
    if (!pattern.empty())
        for (size_t i = 0; i < out.size(); ++i) out[i] = pattern[i % pattern.size()];
    return out;
}

LoadResult load_scenario(const std::string& path) {
    // A regular file of a sane size only: a device or a pipe might never end.
    const io::ReadResult got = io::read_file(path, limits::kScenarioFileBytes, "scenario files");
    if (!got.ok()) return LoadResult{std::nullopt, LoadError{fmt::format("{}:1:1: error: {}", path, *got.error)}};
    return parse_scenario(got.bytes, path);
}

}  // namespace pagelab::sim
