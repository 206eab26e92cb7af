// Where `pagelab trace` sends the trace: standard output, a comparison with a golden file
// (--compare), or a golden file rewritten (--bless, or --compare with PAGELAB_BLESS=1). The trace
// is streamed in every case: no copy of it is held in memory, whatever its length.
#pragma once

#include <string>

#include "sim/Session.h"
#include "sim/Trace.h"

namespace pagelab::cli {

// True when `head`, the start of a file, is the first line of a trace PageLab wrote (text:
// "# PageLab trace, format N"; JSON: {"pagelab_trace": N, ...}): a file --bless may replace.
bool is_trace_header(std::string_view head);

// Each returns the exit code: 0 done (or equal), 1 the trace differs from the golden file,
// 2 an error (printed on standard error).
int print_trace(sim::Session& session, sim::TraceFormat format);
int compare_trace(sim::Session& session, sim::TraceFormat format, const std::string& golden);
int bless_trace(sim::Session& session, sim::TraceFormat format, const std::string& golden);

}  // namespace pagelab::cli
