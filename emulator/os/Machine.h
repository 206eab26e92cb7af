// The root object: owns every piece of machine state (the memory manager with RAM, the frame
// database, the pagefile and the address spaces; the processes). No singletons, no globals.
// Front ends read it through const access and change it through the session (sim/Session).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mm/MemoryManager.h"

namespace pagelab::os {

enum class ProcessState : uint8_t { Running, Failed, Exited };
const char* process_state_name(ProcessState s);

struct Process {
    uint16_t id = 0;
    std::string name;
    uint16_t space = mm::kNoSpace;
    ProcessState state = ProcessState::Running;
};

enum class OsField : uint8_t { ProcessCreate, ProcessState };

class Machine {
public:
    explicit Machine(const mm::MachineConfig& config) : m_mm(config) {}

    mm::MemoryManager& mm() { return m_mm; }
    const mm::MemoryManager& mm() const { return m_mm; }
    core::Journal& journal() { return m_mm.journal(); }
    const core::Journal& journal() const { return m_mm.journal(); }

    const std::vector<Process>& processes() const { return m_processes; }
    const Process* find_process(std::string_view name) const;
    std::string space_name(uint16_t space) const;

    // CreateProcess without an image: an empty address space. Fails with NOT_ENOUGH_MEMORY when
    // no frame can hold the page directory.
    mm::Result create_process(const std::string& name);
    mm::Result exit_process(uint16_t process);

    // Moves the machine to the state just after change `position` (undoing or redoing).
    void seek(size_t position);
    size_t position() const { return m_position; }
    // Call after any operation ran: the machine now stands at the end of the journal.
    void sync_position() { m_position = journal().changes().size(); }

    std::vector<std::string> check_invariants() const { return m_mm.check_invariants(); }

private:
    void apply(const core::Change& c, bool forward);
    void set_state(uint16_t process, ProcessState s);

    mm::MemoryManager m_mm;
    std::vector<Process> m_processes;
    std::vector<std::string> m_names;        // process names by process id, for redo
    std::vector<std::string> m_space_names;  // process names by address-space id
    size_t m_position = 0;
};

}  // namespace pagelab::os
