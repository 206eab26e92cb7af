// The root object: owns every piece of machine state (the memory manager with RAM, the frame
// database, the pagefile and the address spaces; the processes). No singletons, no globals.
// Front ends read it through const access and change it through the session (sim/Session).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mm/MemoryManager.h"
#include "os/Image.h"
#include <map>
#include <memory>

namespace pagelab::os {

enum class ProcessState : uint8_t { Running, Failed, Exited };
const char* process_state_name(ProcessState s);

struct Process {
    uint16_t id = 0;
    std::string name;
    uint16_t space = mm::kNoSpace;
    ProcessState state = ProcessState::Running;
    uint32_t modules = 0;  // index of its module list (Machine::modules); 0 = none loaded
};

// A loaded image (EXE or DLL) in one process: the loader's LDR_DATA_TABLE_ENTRY, reduced.
struct Module {
    std::string name;     // file name as imported, upper case ("USER32.DLL")
    std::string path;     // the file on the emulated disk
    uint32_t base = 0;
    uint32_t size = 0;
    uint32_t section = 0;
    uint32_t refcount = 0;
    bool relocated = false;
    bool is_exe = false;
    std::vector<std::string> imports;  // names of the modules it imports (referenced once each)
    bool operator==(const Module&) const = default;
};

enum class OsField : uint8_t { ProcessCreate, ProcessState, Modules };

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
    // A process whose CreateProcess failed before it had an address space (listed as failed).
    uint16_t add_failed_process(const std::string& name);
    // The loader's bookkeeping (os/Loader.cpp): journaled.
    void set_process_state(uint16_t process, ProcessState s) { set_state(process, s); }
    const std::vector<Module>& modules(uint16_t process) const { return m_module_lists[m_processes[process].modules]; }
    void set_modules(uint16_t process, std::vector<Module> list);

    // The emulated disk, declared before the run (not journaled). An image file also registers
    // its description, which the loader reads instead of parsing headers again.
    uint32_t add_file(const std::string& path, std::vector<uint8_t> bytes);
    uint32_t add_image(const std::string& path, std::vector<uint8_t> bytes, ImageDescription image);
    const ImageDescription* image_of(uint32_t file) const;

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
    std::vector<std::vector<Module>> m_module_lists{std::vector<Module>{}};  // append-only; [0] empty
    std::map<uint32_t, std::shared_ptr<const ImageDescription>> m_images;  // by file index
    size_t m_position = 0;
};

}  // namespace pagelab::os
