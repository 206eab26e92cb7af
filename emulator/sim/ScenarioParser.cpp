// The scenario parser: numbers, flags, every argument type, the machine and the file and image
// declarations (the steps are in ScenarioSteps.cpp).
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

bool Parser::number(const yaml::Node& n, const std::string& what, uint64_t& out) {
    std::string s;
    if (!scalar(n, what, s)) return false;
    auto v = parse_number(s);
    if (!v && number_too_big(s))
        return fail(n, i18n::trf("{what}: '{value}' is above the 4 GB address space", fmt::arg("what", what), fmt::arg("value", s)));
    if (!v) return fail(n, i18n::trf("{what}: '{value}' is not a number (write 4096, 0x1000 or 64 KB)", fmt::arg("what", what), fmt::arg("value", s)));
    out = *v;
    return true;
}

bool Parser::boolean(const yaml::Node& n, const std::string& what, bool& out) {
    std::string s;
    if (!scalar(n, what, s)) return false;
    if (s == "true" || s == "yes") out = true;
    else if (s == "false" || s == "no") out = false;
    else return fail(n, i18n::trf("{what} must be true or false, not '{value}'", fmt::arg("what", what), fmt::arg("value", s)));
    return true;
}

// A process or a bound name: letters, digits and _, not starting with a digit.
bool Parser::parse_name_arg(const yaml::Node& n, const std::string& key, Arg& out) {
    std::string s;
    if (!scalar(n, key, s)) return false;
    if (s.empty() || !(std::isalpha(uint8_t(s[0])) || s[0] == '_'))
        return fail(n, i18n::trf("{key}: '{value}' is not a name (letters, digits and _, not starting with a digit)", fmt::arg("key", key), fmt::arg("value", s)));
    for (char c : s)
        if (!(std::isalnum(uint8_t(c)) || c == '_'))
            return fail(n, i18n::trf("{key}: '{value}' is not a name (letters, digits, _)", fmt::arg("key", key), fmt::arg("value", s)));
    out.text = s;
    return true;
}

// A handle, a value or an address: a number or a name bound by an earlier step (+offset).
bool Parser::parse_address_arg(const yaml::Node& n, const std::string& key, ArgType type, Arg& out) {
    std::string s;
    if (!scalar(n, key, s)) return false;
    if (type == ArgType::FileHandle) {
        // CreateFileMapping's hFile: INVALID_HANDLE_VALUE names the paging file.
        out.text = s;
        if (s == "INVALID_HANDLE_VALUE") {
            out.address = AddressExpr{"", int64_t(mm::kInvalidHandleValue)};
            out.number = mm::kInvalidHandleValue;
            return true;
        }
    }
    if (type == ArgType::Value) {
        if (auto v = parse_number(s)) {
            if (*v > 0xFFFFFFFFull) return fail(n, i18n::trf("{key}: 0x{value:X} does not fit in 32 bits", fmt::arg("key", key), fmt::arg("value", *v)));
            out.number = *v;
            out.address = AddressExpr{"", int64_t(*v)};
            return true;
        }
    }
    auto a = parse_address(s);
    if (!a) return fail(n, i18n::trf("{key}: '{value}' is not an address (a number, a bound name, or name+offset)", fmt::arg("key", key), fmt::arg("value", s)));
    if (!a->name.empty() && !m_bound.count(a->name))
        return fail(n, i18n::trf("{key}: '{name}' is not bound by an earlier step's 'as:'", fmt::arg("key", key), fmt::arg("name", a->name)));
    out.address = *a;
    return true;
}

// InterlockedExchangeAdd's LONG addend: -1, +5, 0x10, -0x10.
bool Parser::parse_signed_arg(const yaml::Node& n, const std::string& key, Arg& out) {
    std::string s;
    if (!scalar(n, key, s)) return false;
    std::string digits = s;
    const bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
    auto ends_with = [&](const char* unit) { return digits.size() > 2 && digits.compare(digits.size() - 2, 2, unit) == 0; };
    const bool plain = !digits.empty() && std::isdigit(uint8_t(digits[0])) && digits.find(' ') == std::string::npos &&
                       !ends_with("KB") && !ends_with("MB") && !ends_with("GB");  // (no size units)
    const auto v = plain ? parse_number(digits) : std::nullopt;
    if (!v) return fail(n, i18n::trf("{key}: '{value}' is not a signed number (write 1, -1 or 0x10)", fmt::arg("key", key), fmt::arg("value", s)));
    const int64_t value = negative ? -int64_t(*v) : int64_t(*v);
    if (value < INT32_MIN || value > INT32_MAX)
        return fail(n, i18n::trf("{key}: {value} does not fit in a signed 32-bit LONG (-2147483648 to 2147483647)", fmt::arg("key", key), fmt::arg("value", s)));
    out.number = uint32_t(int32_t(value));
    out.address = AddressExpr{"", value};
    out.text = std::to_string(value);
    return true;
}

// VirtualAlloc's flAllocationType: reserve, commit, top_down, reset, write_watch (one or a list), or a number.
bool Parser::parse_alloc_type(const yaml::Node& n, const std::string& key, Arg& out) {
    std::string s;
    std::vector<yaml::Node> items;
    if (n.IsSequence()) for (const auto& i : n) items.push_back(i);
    else items.push_back(n);
    uint32_t flags = 0;
    for (const auto& i : items) {
        if (!scalar(i, key, s)) return false;
        if (s == "reserve") flags |= mm::mem::kReserve;
        else if (s == "commit") flags |= mm::mem::kCommit;
        else if (s == "top_down") flags |= mm::mem::kTopDown;
        else if (s == "reset") flags |= mm::mem::kReset;
        else if (s == "write_watch") flags |= mm::mem::kWriteWatch;
        else if (s == "round_to_page") flags |= mm::kAtRoundToPage;
        else if (auto v = parse_number(s)) flags |= uint32_t(*v);
        else return fail(i, i18n::trf("{key}: '{value}' is not reserve, commit, top_down, reset, write_watch or round_to_page", fmt::arg("key", key), fmt::arg("value", s)));
    }
    out.number = flags;
    return true;
}

// A list of flag words (file access, map access, SEC_* flags): each names bits of the value.
bool Parser::parse_flag_list(const yaml::Node& n, const std::string& key, ArgType type, Arg& out) {
    std::string s;
    std::vector<yaml::Node> items;
    if (n.IsSequence()) for (const auto& i : n) items.push_back(i);
    else items.push_back(n);
    if (items.empty()) return fail(n, i18n::trf("{key}: needs at least one value", fmt::arg("key", key)));
    uint32_t flags = 0;
    std::string words;
    for (const auto& w : flag_words(type)) words += (words.empty() ? "" : ", ") + std::string(w.word);
    for (const auto& i : items) {
        if (!scalar(i, key, s)) return false;
        const FlagWord* found = nullptr;
        for (const auto& w : flag_words(type))
            if (s == w.word) found = &w;
        if (!found) return fail(i, i18n::trf("{key}: '{value}' is not one of {list}", fmt::arg("key", key), fmt::arg("value", s), fmt::arg("list", words)));
        flags |= found->bits;
        out.text += (out.text.empty() ? "" : "|") + s;
    }
    out.number = flags;
    return true;
}

// A dispatcher over the argument types; the longer ones have their own function above.
bool Parser::parse_arg(const yaml::Node& n, const std::string& key, ArgType type, Arg& out) {
    out.type = type;
    out.loc = loc(n);
    std::string s;
    switch (type) {
        case ArgType::Process:
        case ArgType::Bind: return parse_name_arg(n, key, out);
        case ArgType::FileHandle:
        case ArgType::Value:
        case ArgType::Address: return parse_address_arg(n, key, type, out);
        case ArgType::Number:
            if (!number(n, key, out.number)) return false;
            if (out.number > 0xFFFFFFFFull)
                return fail(n, i18n::trf("{key}: 0x{value:X} does not fit in 32 bits", fmt::arg("key", key), fmt::arg("value", out.number)));
            return true;
        case ArgType::Text:
        case ArgType::Path: return scalar(n, key, out.text);
        case ArgType::SignedNumber: return parse_signed_arg(n, key, out);
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
            if (!p) return fail(n, i18n::trf("{key}: '{value}' is not a protection (READWRITE, EXECUTE_READ+GUARD, ...)", fmt::arg("key", key), fmt::arg("value", s)));
            out.number = *p;
            out.text = s;
            return true;
        }
        case ArgType::AllocType: return parse_alloc_type(n, key, out);
        case ArgType::FreeType: {
            if (!scalar(n, key, s)) return false;
            if (s == "decommit") out.number = mm::mem::kDecommit;
            else if (s == "release") out.number = mm::mem::kRelease;
            else if (auto v = parse_number(s)) out.number = *v;
            else return fail(n, i18n::trf("type: '{value}' is not decommit or release", fmt::arg("value", s)));
            return true;
        }
        case ArgType::FileAccess:
        case ArgType::MapAccess:
        case ArgType::SecFlags:
        case ArgType::LoadFlags: return parse_flag_list(n, key, type, out);
        case ArgType::SectionClass:
            if (!scalar(n, key, s)) return false;
            if (!is_one_of(s, arg_words(ArgType::SectionClass)))
                return fail(n, i18n::trf("{key}: '{value}' is not basic or image", fmt::arg("key", key), fmt::arg("value", s)));
            out.text = s;
            return true;
        case ArgType::Inherit:
            if (!scalar(n, key, s)) return false;
            if (!is_one_of(s, arg_words(ArgType::Inherit)))
                return fail(n, i18n::trf("{key}: '{value}' is not share or unmap", fmt::arg("key", key), fmt::arg("value", s)));
            out.text = s;
            out.number = s == "unmap" ? mm::kViewUnmap : mm::kViewShare;
            return true;
        case ArgType::Disposition:
            if (!scalar(n, key, s)) return false;
            if (!is_one_of(s, arg_words(ArgType::Disposition)))
                return fail(n, i18n::trf("{key}: '{value}' is not open, create or open_always", fmt::arg("key", key), fmt::arg("value", s)));
            out.text = s;
            return true;
        case ArgType::AccessKind: {
            if (!scalar(n, key, s)) return false;
            if (!is_one_of(s, arg_words(ArgType::AccessKind)))
                return fail(n, i18n::trf("access: '{value}' is not read, write or execute", fmt::arg("value", s)));
            out.text = s;
            return true;
        }
    }
    return true;
}

bool Parser::parse_machine(const yaml::Node& n, mm::MachineConfig& cfg) {
    if (!n.IsMap()) return fail(n, i18n::tr("machine must be a map"));
    if (!check_keys(n, key_set(format_keys().machine), "machine")) return false;
    std::string s;
    if (n["personality"]) {
        if (!scalar(n["personality"], "personality", s)) return false;
        if (s == kPersonalities[0]) cfg.personality = mm::Personality::Nt;
        else if (s == kPersonalities[1]) cfg.personality = mm::Personality::Win95;
        else return fail(n["personality"], i18n::trf("personality: '{value}' is not nt or win95", fmt::arg("value", s)));
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
        const bool frames = std::string_view(unit) == "frames";
        if (!v)
            return fail(n[key], frames ? i18n::trf("{key}: '{value}' is not a count of frames (or a size like 1 MB)", fmt::arg("key", key),
                                                   fmt::arg("value", t))
                                       : i18n::trf("{key}: '{value}' is not a count of pages (or a size like 1 MB)", fmt::arg("key", key),
                                                   fmt::arg("value", t)));
        uint64_t count = is_bytes ? *v / 4096 : *v;
        if (count < lo || count > hi)
            return fail(n[key], frames ? i18n::trfn("{key}: {count} frame is outside {low}..{high}", "{key}: {count} frames is outside {low}..{high}",
                                                    count, fmt::arg("key", key), fmt::arg("count", count), fmt::arg("low", lo), fmt::arg("high", hi))
                                       : i18n::trfn("{key}: {count} page is outside {low}..{high}", "{key}: {count} pages is outside {low}..{high}",
                                                    count, fmt::arg("key", key), fmt::arg("count", count), fmt::arg("low", lo), fmt::arg("high", hi)));
        out = uint32_t(count);
        return true;
    };
    if (!pages("ram", cfg.frames, "frames", 6, 1u << 20)) return false;
    if (!pages("pagefile", cfg.pagefile_pages, "pages", 0, 1u << 20)) return false;
    if (n["policy"]) {
        if (!scalar(n["policy"], "policy", s)) return false;
        auto p = mm::parse_policy(s);
        if (!p) return fail(n["policy"], i18n::trf("policy: '{value}' is not fifo, clock, lru or ws", fmt::arg("value", s)));
        cfg.policy = *p;
    }
    if (n["tlb"]) {
        uint64_t t = 0;
        if (!number(n["tlb"], "tlb", t)) return false;
        if (t > 1024) return fail(n["tlb"], i18n::tr("tlb: at most 1024 entries"));
        cfg.tlb_entries = uint32_t(t);
    }
    return true;
}

bool Parser::parse_file(const yaml::Node& n, FileDecl& f) {
    f.loc = loc(n);
    if (!n.IsMap()) return fail(n, i18n::tr("a file must be a map with path and size/text/bytes"));
    if (n["pe"]) {
        if (!check_keys(n, key_set(format_keys().pe_file), i18n::tr("PE file"))) return false;
        if (!n["path"]) return fail(n, i18n::tr("a file needs a path"));
        if (!scalar(n["path"], "path", f.path)) return false;
        std::string rel;
        if (!scalar(n["pe"], "pe", rel)) return false;
        const std::filesystem::path where = std::filesystem::path(m_path).parent_path() / rel;
        // A regular file of at most 64 MB, checked before reading (a device would never end);
        // every failure is a sentence (io::read_file throws nothing).
        const io::ReadResult got = io::read_file(where.string(), limits::kFileBytes, "a file of the emulated disk");
        if (!got.ok()) return fail(n["pe"], i18n::trf("pe: cannot open '{file}' ({reason})", fmt::arg("file", rel), fmt::arg("reason", *got.error)));  // (relative to the scenario)
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
        if (!check_keys(n, key_set(format_keys().image_file), i18n::tr("image file"))) return false;
        if (!n["path"]) return fail(n, i18n::tr("a file needs a path"));
        if (!scalar(n["path"], "path", f.path)) return false;
        return parse_image(n["image"], f);
    }
    if (!check_keys(n, key_set(format_keys().data_file), i18n::tr("file"))) return false;
    if (!n["path"]) return fail(n, i18n::tr("a file needs a path"));
    if (!scalar(n["path"], "path", f.path)) return false;
    if (n["size"] && !number(n["size"], "size", f.size)) return false;
    if (n["text"] && !scalar(n["text"], "text", f.text)) return false;
    if (n["bytes"]) {
        std::string hex;
        if (!scalar(n["bytes"], "bytes", hex)) return false;
        std::string digits;
        for (char c : hex) if (!std::isspace(uint8_t(c))) digits += c;
        if (digits.size() % 2) return fail(n["bytes"], i18n::tr("bytes: an odd number of hex digits"));
        for (size_t i = 0; i < digits.size(); i += 2) {
            uint8_t b = 0;
            auto [p, ec] = std::from_chars(digits.data() + i, digits.data() + i + 2, b, 16);
            if (ec != std::errc() || p != digits.data() + i + 2)
                return fail(n["bytes"], i18n::trf("bytes: '{value}' is not hex", fmt::arg("value", digits.substr(i, 2))));
            f.bytes.push_back(b);
        }
    }
    if (f.size == 0) f.size = f.bytes.empty() ? f.text.size() : f.bytes.size();
    if (f.size > limits::kFileBytes) return fail(n["size"] ? n["size"] : n, i18n::tr("size: files are limited to 64 MB"));
    return true;
}

// One section of a synthetic image: its name, size, place, flags, contents and fixups.
bool Parser::parse_section(const yaml::Node& sn, os::SyntheticSection& ss) {
    uint64_t v = 0;
    if (!sn.IsMap()) return fail(sn, i18n::tr("a section must be a map (name, size, flags, ...)"));
    if (!check_keys(sn, key_set(format_keys().section), "section")) return false;
    if (!sn["name"]) return fail(sn, i18n::tr("a section needs a name"));
    if (!scalar(sn["name"], "name", ss.section.name)) return false;
    if (!sn["size"]) return fail(sn, i18n::tr("a section needs a size"));
    if (!number(sn["size"], "size", v)) return false;
    if (v == 0 || v > (16u << 20)) return fail(sn["size"], i18n::tr("size: a section is 1 byte to 16 MB"));
    ss.section.virtual_size = uint32_t(v);
    if (sn["rva"]) {
        if (!number(sn["rva"], "rva", v)) return false;
        if (v & 0xFFF || v == 0 || v > (256u << 20)) return fail(sn["rva"], i18n::tr("rva: a section starts on a page boundary after the headers"));
        ss.section.rva = uint32_t(v);
    }
    if (sn["flags"]) {
        std::vector<yaml::Node> items;
        if (sn["flags"].IsSequence()) for (const auto& i : sn["flags"]) items.push_back(i);
        else items.push_back(sn["flags"]);
        for (const auto& i : items) {
            std::string s;
            if (!scalar(i, "flags", s)) return false;
            bool known = false;
            for (const auto& [name, bit] : section_flags())
                if (s == name) { ss.section.characteristics |= bit; known = true; }
            if (!known) return fail(i, i18n::trf("flags: '{value}' is not code, data, bss, read, write, execute, shared or discardable", fmt::arg("value", s)));
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
        if (digits.size() % 2) return fail(sn["bytes"], i18n::tr("bytes: an odd number of hex digits"));
        for (size_t i = 0; i < digits.size(); i += 2) {
            uint8_t b = 0;
            auto [p, ec] = std::from_chars(digits.data() + i, digits.data() + i + 2, b, 16);
            if (ec != std::errc() || p != digits.data() + i + 2) return fail(sn["bytes"], i18n::tr("bytes: not hex"));
            ss.section.raw.push_back(b);
        }
    }
    if (ss.section.raw.size() > ss.section.virtual_size) return fail(sn, i18n::tr("the section's text/bytes are larger than its size"));
    if (sn["fixups"]) {
        if (!sn["fixups"].IsSequence()) return fail(sn["fixups"], i18n::tr("fixups must be a list of section offsets"));
        ss.fixups_given = true;
        for (const auto& i : sn["fixups"]) {
            if (!number(i, "fixups", v)) return false;
            if (v + 4 > ss.section.virtual_size || (v & 0xFFF) > 0xFFC)
                return fail(i, i18n::tr("fixups: a fixup is a 32-bit word inside the section and inside one page"));
            ss.fixups.push_back(uint32_t(v));
        }
    }
    return true;
}

bool Parser::parse_image(const yaml::Node& n, FileDecl& f) {
    if (!n.IsMap()) return fail(n, i18n::tr("image must be a map (base, entry, dll, relocations, imports, sections)"));
    if (!check_keys(n, key_set(format_keys().image), "image")) return false;
    os::ImageDescription img;
    uint64_t v = 0;
    bool dll = false, relocations = true;
    if (n["dll"] && !boolean(n["dll"], "dll", dll)) return false;
    img.is_dll = dll;
    img.image_base = dll ? 0x10000000 : 0x00400000;
    if (n["base"]) {
        if (!number(n["base"], "base", v)) return false;
        if (v & 0xFFFF || v == 0 || v >= 0xC0000000ull) return fail(n["base"], i18n::tr("base: an image base is a non-zero multiple of 64 KB below 0xC0000000"));
        img.image_base = uint32_t(v);
    }
    if (n["entry"]) {
        if (!number(n["entry"], "entry", v)) return false;
        img.entry_rva = uint32_t(v);
    }
    if (n["relocations"] && !boolean(n["relocations"], "relocations", relocations)) return false;
    // IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE: written to the header, ignored by the 95/NT4-XP loader.
    bool dynamic_base = false;
    if (n["dynamic_base"] && !boolean(n["dynamic_base"], "dynamic_base", dynamic_base)) return false;
    if (dynamic_base) img.dll_characteristics |= 0x0040;
    if (n["imports"]) {
        const yaml::Node im = n["imports"];
        if (!im.IsSequence()) return fail(im, i18n::tr("imports must be a list of DLL names"));
        for (const auto& i : im) {
            std::string s;
            if (!scalar(i, "imports", s)) return false;
            img.imports.push_back(s);
        }
    }
    std::vector<os::SyntheticSection> sections;
    if (n["sections"]) {
        if (!n["sections"].IsSequence()) return fail(n["sections"], i18n::tr("sections must be a list"));
        for (const auto& sn : n["sections"]) {
            os::SyntheticSection ss;
            if (!parse_section(sn, ss)) return false;
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
                return fail(n["sections"], i18n::trf("sections {first} and {second} overlap", fmt::arg("first", a.name), fmt::arg("second", b.name)));
        }
    if (img.entry_rva >= img.size_of_image) return fail(n["entry"] ? n["entry"] : n, i18n::tr("entry: the entry point lies outside the image"));
    if (uint64_t(img.image_base) + img.size_of_image > 0xC0000000ull) return fail(n, i18n::tr("the image does not fit below 0xC0000000"));
    f.size = f.image_bytes.size();
    f.image = std::move(img);
    return true;
}

}  // namespace pagelab::sim::detail
