// libFuzzer target for scenario files: the YAML tree is YAML::Load's, and any text must load with
// a FILE:LINE:COL error or run to the end with the machine consistent - no crash, no hang, no
// broken invariant - and undoing the whole run must give back the initial machine. Seed corpus: scenarios/*.yaml and tests/fuzz/corpus/.
//
// No caps of its own: whatever the load-time budgets (sim/Limits.h) let through is run, so an input
// that loads and still takes too long (libFuzzer's -timeout) or too much memory (-rss_limit_mb) is
// a finding - a budget that is too generous. CI runs it with -timeout=20 -rss_limit_mb=3072.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "YamlDump.h"
#include "sim/Scenario.h"
#include "sim/Session.h"
#include "sim/Trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 16384) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    // The tree the parser reads (libyaml's, or yaml-cpp's where libyaml's could differ) is the one
    // YAML::Load gives, with the same positions, or the same error (sim/YamlTree.h).
    // (Not with anchors: the text form repeats an aliased node, exponentially for nested ones.)
    if (text.find('&') == std::string::npos &&
        pagelab::yaml_dump::via_tree(text, pagelab::yaml::load) != pagelab::yaml_dump::via_yaml_cpp_load(text)) std::abort();
    pagelab::sim::LoadResult r = pagelab::sim::parse_scenario(text, "fuzz.yaml");
    if (r.error) {
        if (r.error->message.rfind("fuzz.yaml:", 0) != 0) std::abort();  // every error names the place
        return 0;
    }
    // A kernel debugger may write anything into a page table (through the nt self-map): the
    // machine must survive it (no crash, no read outside it), but its invariants need not hold.
    bool forged = false;
    for (const auto& step : r.scenario->steps) forged = forged || step.op == pagelab::sim::Op::DebuggerWrite;
    pagelab::sim::Session s(std::move(*r.scenario));
    if (!forged && !s.machine().check_invariants().empty()) std::abort();
    // Every output walks the whole journal: a trace of each kind, the transcript.
    std::ostringstream sink;
    pagelab::sim::write_trace(s, sink, pagelab::sim::TraceFormat::Json);
    pagelab::sim::write_transcript(s, sink, pagelab::sim::TranscriptOptions{});
    s.seek_event(0);
    if (!s.machine().check_invariants().empty()) std::abort();
    return 0;
}
