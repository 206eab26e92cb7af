// A scenario file (DESIGN.md §3): the machine, the emulated disk, and the steps with their
// narration and expectations. Loading validates everything — keys, types, numbers, names, bound
// names — and reports the first problem as FILE:LINE:COLUMN: error: …; nothing runs then.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mm/MemoryManager.h"
#include "os/Image.h"

namespace pagelab::sim {

// Translations of a text a learner reads: language code -> text. The field itself holds the
// English text, which is always there and is what a missing translation falls back to.
// Languages: "zh" (Simplified Chinese) and "ru" (Russian).
using Translations = std::map<std::string, std::string>;
inline constexpr const char* kLanguages[] = {"en", "zh", "ru"};
bool is_language(const std::string& code);
// The text in `lang` if translated, else the English.
const std::string& localized(const std::string& en, const Translations& tr, const std::string& lang);

struct Location {
    int line = 0;    // 1-based
    int column = 0;  // 1-based
};

// An address as written: a number, a bound name, or name+offset / name-offset.
struct AddressExpr {
    std::string name;  // empty: a plain number
    int64_t offset = 0;
};

enum class ArgType : uint8_t {
    Process,     // a process name (bound by create_process's `as`)
    Bind,        // a new name (`as`)
    Address,     // AddressExpr
    Number,      // size, value, offset (sizes may say 64 KB)
    Text,        // free text
    Protection,  // READWRITE, EXECUTE_READ+GUARD, ...
    AllocType,   // reserve, commit, top_down (one or a list)
    FreeType,    // decommit | release
    AccessKind,  // read | write | execute
    Path,        // a file path on the emulated disk
    FileAccess,  // read | write, or both as a list (GENERIC_READ / GENERIC_WRITE)
    Disposition, // open | create | open_always
    MapAccess,   // read | write | copy | all (FILE_MAP_*), one or a list
    SecFlags,    // reserve | commit (SEC_*), one or a list
    Value,       // a number, or a bound name (+offset): the value an earlier read bound
    FileHandle,  // a bound handle name, a number, or INVALID_HANDLE_VALUE (0xFFFFFFFF); text: as written
    SignedNumber,// a signed 32-bit number (-1, 0x10): number = its 32-bit pattern, text = decimal
    Flag,        // true / false (yes / no): number 1 or 0, text "true" / "false"
    // Sections, views and images (issue 16, part 2).
    LoadFlags,   // as_datafile | dont_resolve (LoadLibraryEx's flags), one or a list
    SectionClass,// basic | image (NtQuerySection's information class)
    Inherit,     // share | unmap (NtMapViewOfSection's ViewShare / ViewUnmap)
};

struct Arg {
    ArgType type = ArgType::Number;
    Location loc;
    uint64_t number = 0;
    AddressExpr address;
    std::string text;
};

enum class Op : uint8_t {
    Pause,  // a step with only `say`
    CreateProcess,
    ExitProcess,
    VirtualAlloc,
    VirtualFree,
    VirtualProtect,
    VirtualQuery,
    Read,
    Write,
    Execute,
    Touch,
    DebuggerWrite,
    SwitchTo,
    Trim,
    LoadLibrary,
    FreeLibrary,
    CreateFile,
    CloseHandle,
    ReadFile,
    WriteFile,
    SetEndOfFile,
    CreateFileMapping,
    OpenFileMapping,
    MapView,
    UnmapView,
    FlushView,
    InterlockedAdd,
    // Sections, views and images (issue 16, part 2).
    LoadLibraryEx,
    QuerySection,
    // Issue 16: write watch, other processes' memory, locking, pointer checks.
    GetWriteWatch,
    ResetWriteWatch,
    ReadProcessMemory,
    WriteProcessMemory,
    IsBadReadPtr,
    IsBadWritePtr,
    // Issue 16: NtMapViewOfSection's arguments, DuplicateHandle.
    NtMapView,
    DuplicateHandle,
    VirtualLock,
    VirtualUnlock,
};
const char* op_name(Op op);

enum class ExpectKind : uint8_t {
    Result, Error, Returns, Fault, Region, PteExpect, Value, SameFrame, DifferentFrame, Counters, Process, Module,
    File, InRange,
};
const char* expect_kind_name(ExpectKind k);

// One expectation key of a step's `expect` map, with its fields kept as written.
struct Expectation {
    ExpectKind kind = ExpectKind::Result;
    Location loc;
    std::string text;                     // result / error / returns / process state: the scalar
    std::vector<std::string> list;        // fault kinds
    std::map<std::string, Arg> fields;    // region/pte/value/counters/process fields
    std::vector<std::map<std::string, Arg>> pair;  // same_frame / different_frame
};

// `ask:` — a question put to the learner before the step runs (predict, then reveal). Either
// 2-5 choices with one right answer, or a free numeric answer (decimal or 0x-hex; any spelling of
// the same number is right). The explanation is shown once the learner has answered.
struct Question {
    Location loc;
    std::string question;
    std::vector<std::string> choices;  // empty: a free numeric answer
    Translations question_tr, explain_tr;
    std::vector<Translations> choices_tr;  // one per choice
    size_t answer = 0;                 // the right choice (index into choices)
    uint64_t number = 0;               // the right number, for a free answer
    bool hex = false;                  // the author wrote it in hex (frames, addresses): show answers so
    std::string explain;
    bool has_choices() const { return !choices.empty(); }
};

// A narrated group of steps (`say` + `steps:` in the file): its sentence tells the story of
// several operations at once (a loop of reads and writes, say). The steps stay steps of their own
// (numbered, stepped, checked one by one); the group is narration over steps [first, first + count).
struct Group {
    Location loc;
    std::string say;
    Translations say_tr;
    std::string label;
    size_t first = 0;
    size_t count = 0;
};

struct Step {
    Location loc;
    Op op = Op::Pause;
    std::string say;
    Translations say_tr;
    std::string label;
    std::map<std::string, Arg> args;
    std::vector<Expectation> expects;
    std::optional<Question> ask;
    std::optional<size_t> group;  // the narrated group this step belongs to (Scenario::groups)

    const Arg* arg(const std::string& key) const {
        auto it = args.find(key);
        return it == args.end() ? nullptr : &it->second;
    }
};

struct FileDecl {
    Location loc;
    std::string path;
    uint64_t size = 0;
    std::string text;             // repeated to fill size
    std::vector<uint8_t> bytes;   // or these bytes, repeated
    // `image:` — a synthetic PE32 image: its description and the file's bytes (os/SyntheticImage.h).
    std::optional<os::ImageDescription> image;
    std::vector<uint8_t> image_bytes;
    std::string source;           // `pe:` — the host file it was read from (the window watches it)
};
// The file's bytes as the disk holds them (text or bytes repeated to fill size; an image's bytes).
std::vector<uint8_t> file_content(const FileDecl& f);

struct Scenario {
    std::string path;  // as given to load
    std::string title;
    std::string summary;
    Translations title_tr, summary_tr;
    // `languages:` — the languages the learner's texts are written in ("en" always). A regression
    // or reference scenario may declare itself English only; lint then asks for no translation.
    std::vector<std::string> languages{"en", "zh", "ru"};
    mm::MachineConfig machine;
    std::vector<FileDecl> files;
    std::vector<Step> steps;
    std::vector<Group> groups;

    // The group whose narration covers step i, if any.
    const Group* group_of(size_t i) const { return steps[i].group ? &groups[*steps[i].group] : nullptr; }
    // Whether step i is the first of its group (where the group's narration is told).
    bool starts_group(size_t i) const { return steps[i].group && groups[*steps[i].group].first == i; }
};

struct LoadError {
    std::string message;  // FILE:LINE:COLUMN: error: …
};

// Reads and validates a scenario file. Exactly one of the two is set.
struct LoadResult {
    std::optional<Scenario> scenario;
    std::optional<LoadError> error;
};
LoadResult load_scenario(const std::string& path);
LoadResult parse_scenario(const std::string& text, const std::string& path_for_messages);

// The operations and their arguments as the parser knows them, in the order of the table (for
// tests that cover every argument, and for tools).
struct OpArgInfo {
    std::string key;
    ArgType type;
    bool required;
};
struct OpInfo {
    std::string name;
    Op op;
    std::vector<OpArgInfo> args;
};
std::vector<OpInfo> operation_table();

// The rest of the format's vocabulary as the parser checks it, for tools: the JSON Schema of
// scenario files (sim/Schema.h) is generated from these tables and operation_table(), so an
// editor validates what PageLab accepts.
struct ExpectInfo {
    std::string name;
    ExpectKind kind;
    std::string summary;            // one line for a reader (an editor's hover text)
    std::vector<OpArgInfo> fields;  // the fields of a map-valued expectation; empty for scalars and counters
};
std::vector<ExpectInfo> expectation_table();
// One line saying what an operation is (CreateProcess, VirtualAlloc, ...), for an editor's hover text.
std::string operation_summary(Op op);

// The keys each kind of map may have (any other key is an error).
struct FormatKeys {
    std::vector<std::string> scenario, machine, data_file, image_file, pe_file, image, section, step, question, group;
};
const FormatKeys& format_keys();
// The words an argument of this type takes (read/write, reserve/commit/image, ...); empty when
// its values are not a fixed list of words.
std::vector<std::string> arg_words(ArgType type);
// The words an expectation's field takes (pte.backing: none, demand-zero, ...; pte.present: true,
// false, yes, no); empty when the field's values are not a fixed list of words.
std::vector<std::string> field_words(ExpectKind kind, const std::string& key);
// The machine's and a synthetic image's words.
std::vector<std::string> personality_words();
std::vector<std::string> policy_words();
std::vector<std::string> section_flag_words();
// The names `counters:` takes.
std::vector<std::string> counter_names();

// Parsers shared with the CLI: "0x1000", "4096", "64 KB", "1 MB".
std::optional<uint64_t> parse_number(const std::string& text);
std::optional<AddressExpr> parse_address(const std::string& text);

}  // namespace pagelab::sim
