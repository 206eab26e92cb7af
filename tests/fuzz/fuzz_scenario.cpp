// libFuzzer target for scenario files: any text must load with a FILE:LINE:COL error or run to the
// end with the machine consistent - no crash, no hang, no broken invariant - and undoing the whole
// run must give back the initial machine. Seed corpus: scenarios/*.yaml.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/Scenario.h"
#include "sim/Session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 16384) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    pagelab::sim::LoadResult r = pagelab::sim::parse_scenario(text, "fuzz.yaml");
    if (r.error) {
        if (r.error->message.rfind("fuzz.yaml:", 0) != 0) std::abort();  // every error names the place
        return 0;
    }
    // Keep one input cheap: small machines, few steps.
    const auto& sc = *r.scenario;
    if (sc.machine.frames > 4096 || sc.machine.pagefile_pages > 4096 || sc.steps.size() > 64) return 0;
    for (const auto& f : sc.files)
        if (f.size > (1u << 20)) return 0;
    pagelab::sim::Session s(std::move(*r.scenario));
    if (!s.machine().check_invariants().empty()) std::abort();
    s.seek_event(0);
    if (!s.machine().check_invariants().empty()) std::abort();
    return 0;
}
