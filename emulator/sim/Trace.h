// The event trace (the golden-file format, docs/trace-format.md) and the narrated transcript of
// `pagelab run`. Both walk the session's journal from the start; the text is a pure function of
// the scenario, so the same scenario gives the same bytes.
#pragma once

#include <iosfwd>
#include <string>

#include "sim/Session.h"
#include "sim/Transcript.h"

namespace pagelab::sim {

enum class TraceFormat { Text, Json };

// One change, described with the machine standing just before it ("PTE of 0x00010000 (A) ...").
std::string describe_change(const os::Machine& m, const core::Change& c);

// A step as written: "virtual_alloc process=A size=0x3000 type=reserve|commit protect=READWRITE as=buf".
std::string describe_step(const Step& s);
// The outcome line: "ok, returns 0x00010000, faults: demand-zero" / "failed: ERROR_INVALID_ADDRESS".
std::string describe_result(const Step& s, const StepResult& r);
// "nt, 64 frames, pagefile 256 pages, clock, no TLB"
std::string describe_machine(const mm::MachineConfig& c);

void write_trace(Session& session, std::ostream& out, TraceFormat format);

// The narrated transcript of `pagelab run` and the quiz are in sim/Transcript.h.

}  // namespace pagelab::sim
