#include "sim/Scenario.h"

#include "sim/ScenarioParser.h"
#include "os/Loader.h"

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

namespace pagelab::sim {

namespace detail {

// Issue 16's calls: write watch, other processes' memory, pointer checks (after the table's own).
static std::vector<OpSpec> with_issue16_calls(std::vector<OpSpec> specs) {
    const std::vector<OpSpec> calls = {
        {"get_write_watch", Op::GetWriteWatch,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true},
          {"reset", ArgType::Flag, false}, {"count", ArgType::Number, false}, {"as", ArgType::Bind, false}}},
        {"reset_write_watch", Op::ResetWriteWatch,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true}}},
        {"read_process_memory", Op::ReadProcessMemory,
         {{"process", ArgType::Process, true}, {"target", ArgType::Process, true}, {"address", ArgType::Address, true},
          {"size", ArgType::Number, true}, {"as", ArgType::Bind, false}}},
        {"write_process_memory", Op::WriteProcessMemory,
         {{"process", ArgType::Process, true}, {"target", ArgType::Process, true}, {"address", ArgType::Address, true},
          {"text", ArgType::Text, false}, {"value", ArgType::Value, false}, {"size", ArgType::Number, false},
          {"as", ArgType::Bind, false}}},
        {"is_bad_read_ptr", Op::IsBadReadPtr,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true},
          {"as", ArgType::Bind, false}}},
        {"is_bad_write_ptr", Op::IsBadWritePtr,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true},
          {"as", ArgType::Bind, false}}},
        // NtMapViewOfSection with its own arguments; `target` is the ProcessHandle (the view goes there).
        {"nt_map_view_of_section", Op::NtMapView,
         {{"process", ArgType::Process, true}, {"mapping", ArgType::Address, true}, {"target", ArgType::Process, false},
          {"address", ArgType::Address, false}, {"zero_bits", ArgType::Number, false}, {"commit_size", ArgType::Number, false},
          {"offset", ArgType::Number, false}, {"size", ArgType::Number, false}, {"inherit", ArgType::Inherit, false},
          {"allocation", ArgType::AllocType, false}, {"protect", ArgType::Protection, true}, {"as", ArgType::Bind, false}}},
        {"duplicate_handle", Op::DuplicateHandle,
         {{"process", ArgType::Process, true}, {"handle", ArgType::Address, true}, {"target", ArgType::Process, true},
          {"access", ArgType::MapAccess, false}, {"as", ArgType::Bind, false}}},
        {"virtual_lock", Op::VirtualLock,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true}}},
        {"virtual_unlock", Op::VirtualUnlock,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true}}},
    };
    specs.insert(specs.end(), calls.begin(), calls.end());
    return specs;
}

const std::vector<OpSpec>& op_specs() {
    static const std::vector<OpSpec> specs = with_issue16_calls({
        {"create_process", Op::CreateProcess,
         {{"as", ArgType::Bind, true}, {"image", ArgType::Path, false}, {"suspended", ArgType::Flag, false}}},
        {"exit_process", Op::ExitProcess, {{"process", ArgType::Process, true}}},
        // `target` (issue 16): the *Ex form, on another process's memory.
        {"virtual_alloc", Op::VirtualAlloc,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, false}, {"size", ArgType::Number, true},
          {"type", ArgType::AllocType, true}, {"protect", ArgType::Protection, true}, {"as", ArgType::Bind, false},
          {"target", ArgType::Process, false}}},
        {"virtual_free", Op::VirtualFree,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, false},
          {"type", ArgType::FreeType, true}, {"target", ArgType::Process, false}}},
        {"virtual_protect", Op::VirtualProtect,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"size", ArgType::Number, true},
          {"protect", ArgType::Protection, true}, {"as", ArgType::Bind, false}, {"target", ArgType::Process, false},
          {"null_old", ArgType::Flag, false}}},
        {"virtual_query", Op::VirtualQuery,
         {{"process", ArgType::Process, true}, {"address", ArgType::Address, true}, {"target", ArgType::Process, false}}},
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
        // Sections, views and images (issue 16, part 2).
        {"load_library_ex", Op::LoadLibraryEx,
         {{"process", ArgType::Process, true}, {"name", ArgType::Text, true}, {"flags", ArgType::LoadFlags, true},
          {"as", ArgType::Bind, false}}},
        {"query_section", Op::QuerySection,
         {{"process", ArgType::Process, true}, {"mapping", ArgType::FileHandle, true}, {"class", ArgType::SectionClass, true}}},
    });
    return specs;
}

// Flag words of list-valued arguments: each names one bit (or bits) of the Win32 value.
const std::vector<FlagWord>& flag_words(ArgType t) {
    static const std::vector<FlagWord> file_access = {
        {"read", mm::generic::kRead}, {"write", mm::generic::kWrite}, {"execute", mm::generic::kExecute}};
    static const std::vector<FlagWord> map_access = {{"read", mm::filemap::kRead},
                                                     {"write", mm::filemap::kWrite},
                                                     {"copy", mm::filemap::kCopy},
                                                     {"all", mm::filemap::kAllAccess},
                                                     {"none", 0}};
    static const std::vector<FlagWord> sec_flags = {
        {"reserve", mm::sec::kReserve}, {"commit", mm::sec::kCommit}, {"image", mm::sec::kImage},
        {"file", mm::sec::kFile}, {"nocache", mm::sec::kNoCache}, {"large_pages", mm::sec::kLargePages}};
    static const std::vector<FlagWord> load_flags = {{"dont_resolve", os::load::kDontResolveDllReferences},
                                                     {"as_datafile", os::load::kAsDataFile}};
    static const std::vector<FlagWord> none;
    switch (t) {
        case ArgType::FileAccess: return file_access;
        case ArgType::MapAccess: return map_access;
        case ArgType::SecFlags: return sec_flags;
        case ArgType::LoadFlags: return load_flags;
        default: return none;
    }
}

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

}  // namespace detail

using namespace detail;

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
        case Op::LoadLibraryEx: return "LoadLibraryEx: as_datafile maps the file as a read-only data view, dont_resolve maps the image without its imports; `as` binds the handle.";
        case Op::QuerySection: return "NtQuerySection: a mapping's SectionBasicInformation or SectionImageInformation (compare it with returns).";
        case Op::GetWriteWatch: return "GetWriteWatch: the written pages of a MEM_WRITE_WATCH region (`reset` clears them); `as` binds their number.";
        case Op::ResetWriteWatch: return "ResetWriteWatch: clears the write-watch bitmap of a range.";
        case Op::ReadProcessMemory: return "ReadProcessMemory: bytes of another process (`target`); `as` binds the number read.";
        case Op::WriteProcessMemory: return "WriteProcessMemory: a text or a value into another process (`target`); `as` binds the number written.";
        case Op::IsBadReadPtr: return "IsBadReadPtr: touches each page of a range; returns 1 when one cannot be read.";
        case Op::IsBadWritePtr: return "IsBadWritePtr: writes each page of a range back to itself; returns 1 when one cannot be written.";
        case Op::NtMapView: return "NtMapViewOfSection: a view with the native call's arguments (zero_bits, commit_size, allocation: top_down | round_to_page, inherit, protect), in `target` or the caller; `as` binds its base.";
        case Op::DuplicateHandle: return "DuplicateHandle: a copy of a file mapping handle in `target`'s handle table (`access` replaces the source's); `as` binds the new handle.";
        case Op::VirtualLock: return "VirtualLock: faults every page of a committed private range in and locks it in the working set (trimming and replacement pass over it).";
        case Op::VirtualUnlock: return "VirtualUnlock: unlocks a range whose pages are all locked (else ERROR_NOT_LOCKED, and its unlocked resident pages leave the working set).";
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
        /*scenario*/ {"pagelab", "title", "summary", "languages", "machine", "files", "steps"},
        /*machine*/ {"personality", "ram", "pagefile", "policy", "tlb"},
        /*data_file*/ {"path", "size", "text", "bytes"},
        /*image_file*/ {"path", "image"},
        /*pe_file*/ {"path", "pe"},
        /*image*/ {"base", "entry", "dll", "relocations", "dynamic_base", "imports", "sections"},
        /*section*/ {"name", "size", "rva", "flags", "text", "bytes", "fixups"},
        /*step*/ {"do", "say", "label", "expect", "ask"},
        /*question*/ {"question", "choices", "answer", "explain"},
        /*group*/ {"say", "steps"},
    };
    return keys;
}

std::vector<std::string> arg_words(ArgType type) {
    switch (type) {
        case ArgType::AllocType: return {"reserve", "commit", "top_down", "reset", "write_watch", "round_to_page"};
        case ArgType::FreeType: return {"decommit", "release"};
        case ArgType::AccessKind: return {"read", "write", "execute"};
        case ArgType::Disposition: return {"open", "create", "open_always"};
        case ArgType::Flag: return kFlagWords;
        case ArgType::SectionClass: return {"basic", "image"};
        case ArgType::Inherit: return {"share", "unmap"};
        case ArgType::FileAccess:
        case ArgType::MapAccess:
        case ArgType::LoadFlags:
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
    yaml::Document doc;  // (the tree the parser reads: libyaml's or yaml-cpp's, sim/YamlTree.h)
    try {
        yaml::load(text, doc);
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
    const yaml::Node root = yaml::root(doc);
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
