// The generated event sentences say what really happens: a retried access that faults again says
// so, counts agree with their nouns, and every sentence starts as a sentence (docs/trace-format.md).
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include "sim/Session.h"

using namespace pagelab;

namespace {

std::unique_ptr<sim::Session> parse(const std::string& text) {
    auto r = sim::parse_scenario(text, "test.yaml");
    if (r.error) FAIL(r.error->message);
    return std::make_unique<sim::Session>(std::move(*r.scenario));
}

std::unique_ptr<sim::Session> load(const std::string& path) {
    auto r = sim::Session::load(path);
    if (auto* e = std::get_if<sim::LoadError>(&r)) FAIL(e->message);
    return std::move(std::get<std::unique_ptr<sim::Session>>(r));
}

// The sentences of every event of a step (the operation's own event has none).
std::vector<std::string> sentences_of_step(const sim::Session& s, size_t step) {
    std::vector<std::string> out;
    for (size_t e = s.first_event_of_step(step); e < s.first_event_of_step(step + 1); ++e)
        if (mm::EventKind(s.event(e).kind) != mm::EventKind::Operation) out.push_back(s.explain(e));
    return out;
}

std::vector<std::string> retry_sentences(const sim::Session& s, size_t step) {
    std::vector<std::string> out;
    for (size_t e = s.first_event_of_step(step); e < s.first_event_of_step(step + 1); ++e)
        if (mm::EventKind(s.event(e).kind) == mm::EventKind::Retry) out.push_back(s.explain(e));
    return out;
}

// A process whose image has a write-copy data page, and a first write to it: the write takes a
// not-present fault (the page is read from the image and mapped read-only, copy-on-write) and
// then, retried, a protection fault (error code 7) that makes the private copy.
const char* kTwoFaultWrite = R"(pagelab: 1
machine: {personality: nt, ram: 32 frames, pagefile: 64 pages}
files:
  - path: C:\APP\App.exe
    image:
      entry: 0x1000
      sections:
        - {name: .text, size: 0x1000, flags: [code, read, execute]}
        - {name: .data, size: 0x1000, flags: [data, read, write], text: "counter=0"}
steps:
  - do: create_process
    as: A
    image: C:\APP\App.exe
  - do: write
    process: A
    address: 0x00402000
    value: 7
    expect: {fault: [image-read, copy-on-write]}
)";

}  // namespace

TEST_CASE("the Retry event of a write that faults a second time says so, not that the walk succeeds", "[events]") {
    auto s = parse(kTwoFaultWrite);
    REQUIRE(s->failed_steps() == 0);
    const auto retries = retry_sentences(*s, 1);
    REQUIRE(retries.size() == 2);
    // The first retry faults again for copy-on-write (error code 7)...
    CHECK(retries[0].find("succeeds") == std::string::npos);
    CHECK(retries[0].find("read-only (copy-on-write)") != std::string::npos);
    CHECK(retries[0].find("faults a second time, now for protection") != std::string::npos);
    CHECK(retries[0].find("error code 7") != std::string::npos);
    // ...and the second one succeeds.
    CHECK(retries[1].find("this time the walk succeeds and sets the Accessed and Dirty bit") != std::string::npos);
    // The event that follows the first retry is the second page fault.
    size_t first_retry = 0;
    for (size_t e = s->first_event_of_step(1); e < s->first_event_of_step(2); ++e)
        if (mm::EventKind(s->event(e).kind) == mm::EventKind::Retry) {
            first_retry = e;
            break;
        }
    REQUIRE(first_retry > 0);
    CHECK(mm::EventKind(s->event(first_retry + 1).kind) == mm::EventKind::PageFault);
    CHECK(s->event(first_retry + 1).args[1] == 7);
}

TEST_CASE("a Retry that succeeds keeps its sentence", "[events]") {
    auto s = parse(R"(pagelab: 1
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x1000
    type: [reserve, commit]
    protect: READWRITE
    as: buf
  - do: read
    process: A
    address: buf
)");
    const auto retries = retry_sentences(*s, 2);
    REQUIRE(retries.size() == 1);
    CHECK(retries[0] == "The fault is resolved, so the read at 0x00010000 runs again: this time the walk succeeds and sets the Accessed bit.");
}

TEST_CASE("every event sentence of every lesson starts as a sentence and agrees in number", "[events]") {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(PAGELAB_SOURCE_DIR "/scenarios"))
        if (e.path().extension() == ".yaml" && e.path().filename() != "course.yaml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    REQUIRE(!files.empty());
    // "1 pages", "1 prototype PTEs", "1 PTE share", "1 bytes", "1 frames", "all 1 ...".
    const std::regex one_plural(R"((^|[^0-9A-Fa-fx.])1 ((prototype )?PTEs|pages|bytes|frames|fixups|DLLs|processes|slots|page directories)\b)");
    const std::regex one_share(R"((^|[^0-9A-Fa-fx.])1 PTE share\b)");
    const std::regex all_one(R"(\ball 1 )");
    size_t checked = 0;
    for (const std::string& f : files) {
        auto s = load(f);
        for (size_t step = 0; step < s->step_count(); ++step)
            for (const std::string& text : sentences_of_step(*s, step)) {
                INFO(f << " step " << step + 1 << ": " << text);
                REQUIRE(!text.empty());
                const char c = text[0];
                CHECK((std::isupper(uint8_t(c)) || std::isdigit(uint8_t(c)) || c == '"' || c == '\''));
                CHECK(!std::regex_search(text, one_plural));
                CHECK(!std::regex_search(text, one_share));
                CHECK(!std::regex_search(text, all_one));
                ++checked;
            }
    }
    CHECK(checked > 1000);
}

TEST_CASE("every event kind's sentence, for any small count, starts with a capital and agrees in number", "[events]") {
    // Counts 0, 1, 2 and a page's size in every argument, the system's events and a process's, and
    // names where the sentence takes a string ("the program" is the loader's importer for
    // LoadLibrary calls).
    const std::vector<std::string> strings = {"the program", "C:\\APP\\ONE.DLL", "NOTES.TXT"};
    const std::regex one_plural(R"((^|[^0-9A-Fa-fx.])1 ((prototype )?PTEs|pages|bytes|frames|fixups|DLLs|processes|slots|page directories)\b)");
    const std::regex one_share(R"((^|[^0-9A-Fa-fx.])1 PTE share\b)");
    const std::regex all_one(R"(\ball 1 )");
    const uint32_t values[] = {0, 1, 2, 4096};
    size_t rendered = 0;
    for (uint16_t kind = 1; kind < uint16_t(mm::EventKind::Count_); ++kind)
        for (uint16_t space : {uint16_t(0), uint16_t(0xFFFF)})
            for (uint32_t i = 0; i < 256; ++i) {
                core::EventRecord e{0, kind, space, {values[i & 3], values[(i >> 2) & 3], values[(i >> 4) & 3], values[(i >> 6) & 3]}};
                const std::string text = mm::describe_event(e, [](uint16_t) { return std::string("A"); }, &strings);
                INFO(mm::event_kind_name(mm::EventKind(kind)) << " args " << e.args[0] << "," << e.args[1] << "," << e.args[2]
                                                              << "," << e.args[3] << ": " << text);
                REQUIRE(!text.empty());
                const char c = text[0];
                // ('#4096': a string index the table does not hold, which a real run never records.)
                CHECK((std::isupper(uint8_t(c)) || std::isdigit(uint8_t(c)) || c == '"' || c == '\'' || c == '#'));
                CHECK(!std::regex_search(text, one_plural));
                CHECK(!std::regex_search(text, one_share));
                CHECK(!std::regex_search(text, all_one));
                ++rendered;
            }
    CHECK(rendered > 10000);
}

TEST_CASE("a commit's sentence says how much the charge grew: all, part, or nothing for committed pages", "[events]") {
    auto s = parse(R"(pagelab: 1
steps:
  - {do: create_process, as: A}
  - {do: virtual_alloc, process: A, size: 0x3000, type: [reserve, commit], protect: READWRITE, as: buf}
  - {do: virtual_alloc, process: A, address: buf, size: 0x1000, type: commit, protect: READONLY}
  - {do: virtual_alloc, process: A, size: 0x3000, type: reserve, protect: READWRITE, as: r}
  - {do: virtual_alloc, process: A, address: r, size: 0x1000, type: commit, protect: READWRITE}
  - {do: virtual_alloc, process: A, address: r, size: 0x3000, type: commit, protect: READWRITE}
)");
    auto has = [&](size_t step, const std::string& part) {
        for (const auto& t : sentences_of_step(*s, step))
            if (t.find(part) != std::string::npos) return true;
        return false;
    };
    CHECK(has(1, "the commit charge grows by 3 pages; frames come only at first touch."));
    CHECK(has(2, "the page is committed already, so the commit charge stays; only the protection is set."));
    CHECK(has(4, "the commit charge grows by 1 page; frames"));
    CHECK(has(5, "the commit charge grows by 2 pages (the other 1 was committed already)"));
}

TEST_CASE("closing the last handle of a named mapping with a view left says the name goes, not the object", "[events]") {
    auto s = parse(R"(pagelab: 1
steps:
  - {do: create_process, as: A}
  - {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, name: Shared, as: m}
  - {do: map_view, process: A, mapping: m, access: write, as: v}
  - {do: close_handle, process: A, handle: m}
  - {do: unmap_view, process: A, address: v}
)");
    const auto closed = sentences_of_step(*s, 3);
    REQUIRE_FALSE(closed.empty());
    bool name_gone = false;
    for (const auto& t : closed) name_gone |= t.find("its name \"Shared\" goes with it (OpenFileMapping will not find it), but the object lives on for its 1 view.") != std::string::npos;
    CHECK(name_gone);
    bool deleted_without_name = false;
    for (const auto& t : sentences_of_step(*s, 4)) {
        CHECK(t.find("and its name with it") == std::string::npos);
        deleted_without_name |= t.find("has no handle and no view left: it goes away.") != std::string::npos;
    }
    CHECK(deleted_without_name);
}
