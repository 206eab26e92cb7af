// What check_invariants collects: the broken promises (one sentence each) and the tallies that
// several parts' checks add to — how many PTEs map each frame, who refers to each pagefile slot,
// how many pages are committed. Each part checks its own state (its check(InvariantReport&));
// MemoryManager::check_invariants (Invariants.cpp) runs them and the checks that span parts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pagelab::mm {

class InvariantReport {
public:
    explicit InvariantReport(uint32_t frames) : valid_maps(frames, 0), transition_maps(frames, 0) {}

    // fmt takes up to three %u / %X / %08X numbers.
    void fail(const char* fmt, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0);
    std::vector<std::string> take() { return std::move(m_failures); }

    std::vector<uint32_t> valid_maps;       // per frame: valid PTEs naming it
    std::vector<uint32_t> transition_maps;  // per frame: transition PTEs naming it
    std::map<uint32_t, uint32_t> slot_refs; // per pagefile slot: PTEs, PFN entries and prototypes naming it
    uint64_t committed = 0;                 // pages charged to the commit limit

private:
    std::vector<std::string> m_failures;
};

}  // namespace pagelab::mm
