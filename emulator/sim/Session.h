// The stepping session that the CLI and the window both drive. Loading a scenario runs every
// step once, through the journal, checking each step's expectations right after it; the
// machine is then rewound to the start. Stepping forward and back — by operation or by single
// event — jumping and running to a breakpoint are moves through that journal (redo / undo),
// so the machine at any point is exactly the machine the run produced there.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "os/Machine.h"
#include "sim/Scenario.h"

namespace pagelab::sim {

struct EventFilter;
struct StepRun;

struct CheckResult {
    const Expectation* expectation = nullptr;
    std::string what;      // "pte.present", "result", "counters.page_faults"
    std::string expected;
    std::string actual;
    bool passed = true;
};

struct StepResult {
    bool ok = true;                       // the call succeeded / the access completed
    uint32_t value = 0;                   // returned value (address, old protection, value read)
    bool has_value = false;
    mm::Error error = mm::Error::Success; // GetLastError
    uint32_t faults = 0;                  // 1 << mm::FaultKind, for each fault the step caused
    std::optional<mm::MemoryBasicInformation> query;
    std::optional<std::string> data;      // read_file: the bytes read
    std::optional<std::vector<uint32_t>> pages;  // get_write_watch: the addresses of the pages reported
    std::string note;                     // a runtime problem (e.g. a name bound by a failed step)
    std::vector<CheckResult> checks;
    // Names bound after this step (shared with the previous step when it bound nothing).
    std::shared_ptr<const std::map<std::string, uint64_t>> bindings;
    bool passed() const {
        for (const auto& c : checks)
            if (!c.passed) return false;
        return true;
    }
};

enum class BreakKind : uint8_t { Fault, Process, PteChange, Label, Filter };

struct Breakpoint {
    BreakKind kind = BreakKind::Fault;
    mm::FaultKind fault = mm::FaultKind::None;  // Fault: this kind (None = any fault)
    std::string process;                        // Process / PteChange / Fault (optional filter)
    uint32_t address = 0;                       // PteChange
    std::string label;                          // Label
    std::string filter;                         // Filter: an event filter (sim/Find.h), as typed
};
// "demand-zero fault in A", "PTE of 0x00010000 in A changes", "step labelled 'trim'".
std::string describe(const Breakpoint& b);

class Session {
public:
    // Loads and runs the whole scenario. Returns the session, or the load error.
    static std::variant<std::unique_ptr<Session>, LoadError> load(const std::string& path);
    explicit Session(Scenario scenario);

    const Scenario& scenario() const { return m_scenario; }
    const os::Machine& machine() const { return *m_machine; }
    const StepResult& result(size_t step) const { return m_results[step]; }
    size_t step_count() const { return m_scenario.steps.size(); }
    size_t failed_steps() const;

    // Events: index e covers journal changes [first_change(e), first_change(e + 1)).
    size_t event_count() const { return m_machine->journal().events().size(); }
    core::EventRecord event(size_t e) const { return m_machine->journal().events()[e]; }
    size_t first_change(size_t e) const;
    size_t step_of_event(size_t e) const { return m_machine->journal().operation_of(e); }
    size_t first_event_of_step(size_t step) const;  // == event_count() for step == step_count()
    std::string explain(size_t e) const;            // the event's sentence for a learner

    // The cursor counts the events applied: 0 is the initial machine, event_count() the end.
    size_t cursor() const { return m_cursor; }
    // The number of steps fully done at the cursor; the step being shown is steps_done() - 1
    // when the cursor is at a step boundary, else the step whose events are partly applied.
    size_t steps_done() const;
    size_t current_step() const;  // the step the last applied event belongs to (or 0)
    bool at_step_boundary() const;

    void reset() { seek_event(0); }
    void seek_event(size_t cursor);
    void seek_step(size_t steps_done) { seek_event(first_event_of_step(steps_done)); }
    bool step_event_forward();
    bool step_event_back();
    bool step_forward();  // to the end of the next step
    bool step_back();     // to the end of the previous step
    // Moves forward event by event until one matches; returns false (at the end) if none does.
    bool run_to(const std::vector<Breakpoint>& breakpoints);
    bool matches(const Breakpoint& b, size_t e);

    // Walks events [first, end): on_event(e) with the machine before event e, then on_change(c)
    // for each of its changes with the machine standing just before that change. The cursor is
    // restored afterwards — or, while a VisitBatch is alive, when the batch ends.
    void visit(size_t first, size_t end, const std::function<void(size_t)>& on_event,
               const std::function<void(const core::Change&)>& on_change);

    // Visits in a row (a whole trace, step after step) without putting the cursor back after
    // each one: a visit starts where the machine stands (undo or redo from there), so walking
    // the run step by step costs one pass over the journal instead of one pass per step. The
    // cursor is restored when the batch ends. Nothing but visit() may move or read the
    // machine's position meanwhile.
    class VisitBatch {
    public:
        explicit VisitBatch(Session& s) : m_session(s) {
            if (s.m_batch_depth++ == 0) s.m_batch_cursor = s.m_cursor;
        }
        ~VisitBatch() {
            if (--m_session.m_batch_depth == 0) m_session.seek_event(m_session.m_batch_cursor);
        }
        VisitBatch(const VisitBatch&) = delete;
        VisitBatch& operator=(const VisitBatch&) = delete;

    private:
        Session& m_session;
    };

private:
    friend struct StepRun;
    void run_all();
    void run_step(size_t index);
    void create_process(StepRun& c);
    std::optional<uint16_t> process_space(const std::string& name, StepResult& r) const;
    std::optional<uint32_t> resolve(const AddressExpr& a, StepResult& r) const;
    void check(size_t index, StepResult& r);

    Scenario m_scenario;
    std::unique_ptr<os::Machine> m_machine;
    std::vector<StepResult> m_results;
    std::map<std::string, uint64_t> m_bindings;
    size_t m_cursor = 0;
    size_t m_batch_depth = 0;   // VisitBatch nesting
    std::string m_filter_text;  // the last filter breakpoint's text, and its parsed filter
    std::shared_ptr<const EventFilter> m_filter;
    size_t m_batch_cursor = 0;  // the cursor to restore when the outermost batch ends
};

// Reads one byte as the process would see it, without changing anything (no fault, no A/D bit):
// from its frame, its transition frame or its pagefile slot; demand-zero pages read 0.
std::optional<uint8_t> peek_byte(const os::Machine& m, uint16_t space, uint32_t va);
// The frame behind va if the page is resident (valid or in transition).
std::optional<uint32_t> resident_frame(const os::Machine& m, uint16_t space, uint32_t va);
// "demand-zero", "pagefile", "transition", "none", ... — where the page at va comes from (or
// would go to) when it is not in memory.
std::string pte_backing(const os::Machine& m, uint16_t space, uint32_t va);

}  // namespace pagelab::sim
