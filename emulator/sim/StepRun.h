// What one step's operation and its expectations work with (internal to sim/): the step, its
// result, the machine and the names bound so far. Session::run_step hands one to the operation
// of the step (sim/Operations.cpp), Session::check one to each expectation (sim/Expectations.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "os/Loader.h"
#include "sim/Session.h"

namespace pagelab::sim {

struct StepRun {
    Session& session;
    const Step& step;
    StepResult& r;
    mm::MemoryManager& mm;
    std::optional<uint16_t> space;    // the step's process: address space
    std::optional<uint32_t> address;  // the step's address, resolved

    os::Machine& machine() const { return *session.m_machine; }
    // The number argument `key`, or dflt when the step has none.
    uint64_t number(const char* key, uint64_t dflt) const {
        const Arg* a = step.arg(key);
        return a ? a->number : dflt;
    }
    // Binds the step's `as:` name to v.
    void bind(uint64_t v) const {
        if (const Arg* as = step.arg("as")) session.m_bindings[as->text] = v;
    }
    // A Win32 call's answer: success, last error, returned value.
    void set(const mm::Result& res) const {
        r.ok = res.ok;
        r.error = res.error;
        r.value = res.value;
        r.has_value = res.ok;
    }
    // A name (+offset) resolved through the bindings; a failure marks the step failed.
    std::optional<uint32_t> resolve(const AddressExpr& a) const { return session.resolve(a, r); }
    // The same without touching the step's result (an expectation's address); `problem` says why not.
    std::optional<uint32_t> resolve_quiet(const AddressExpr& a, std::string* problem = nullptr) const {
        StepResult scratch;
        auto v = session.resolve(a, scratch);
        if (problem && !scratch.note.empty()) *problem = scratch.note;
        return v;
    }
    bool bound(const std::string& name) const { return session.m_bindings.count(name) != 0; }
    // A loader call's outcome: its Win32 answer, the faults it took and its note.
    void take_load(const os::LoadOutcome& o) const {
        set(o.result);
        r.faults |= o.faults;
        r.note = o.note;
    }
    // A memory access's outcome folded into the step; false when it stopped the access.
    bool take_access(const mm::AccessResult& a) const;
    // The *Ex calls' process (issue 16): the step's `target`, else its own process; none (the step
    // failed with ERROR_INVALID_HANDLE) when the target has exited.
    std::optional<uint16_t> target_space() const {
        const Arg* t = step.arg("target");
        return t ? session.process_space(t->text, r) : space;
    }
    // The process named `name` (it exists: the parser checked the step).
    const os::Process& process(const std::string& name) const { return *session.m_machine->find_process(name); }
};

// Runs one step's operation (space and address already resolved). A dispatcher: one function per op.
void run_operation(StepRun& c);

// Checks the step's expectations against the machine right after it (appends to c.r.checks).
void check_expectations(const StepRun& c);

}  // namespace pagelab::sim
