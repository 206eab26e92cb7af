// MemoryManager::check_invariants: every promise the model makes, checked at an event boundary.
// Each part checks its own state in its own file; this runs them in an order where a check finds
// the tallies it needs (InvariantReport: the PTEs naming each frame and slot) already made:
//
//   FrameAllocator::check        the lists: links, counts            (FrameAllocator.cpp)
//   Regions::check               each space's VADs                   (Regions.cpp)
//   PageTables::check            directories and every PTE; tallies  (PageTablesCheck.cpp)
//   SharedArena::check           win95's shared PDEs, tables, VADs   (SharedArena.cpp)
//   FrameAllocator::check_frames each frame against its PTEs         (FrameAllocator.cpp)
//   check_sections               section frames, prototype PTEs      (Segment.cpp)
//   check_objects                handles (HandleTable::check), mapping objects, views, data sections (FileMapping.cpp)
//   Pagefile::check              each used slot referred to once     (Pagefile.cpp)
//   check_commit                 the commit charge                   (VirtualMemory.cpp)
//   check_locks                  VirtualLock's pages stay resident   (VirtualLock.cpp)
//   PageTables::check_tlb        the TLB against the tables          (PageTablesCheck.cpp)
#include <cstdio>

#include "mm/Invariants.h"
#include "mm/MemoryManager.h"

namespace pagelab::mm {

void InvariantReport::fail(const char* fmt, uint32_t a, uint32_t b, uint32_t c) {
    char buf[256];
    std::snprintf(buf, sizeof buf, fmt, a, b, c);
    m_failures.emplace_back(buf);
}

std::vector<std::string> MemoryManager::check_invariants() const {
    InvariantReport report(m_pfn.size());
    m_frames.check(report);
    m_regions.check(report);
    m_tables.check(report, *this);
    m_shared.check(report);
    m_frames.check_frames(report);
    check_sections(report);
    check_objects(report);
    m_pagefile.check(report);
    check_commit(report);
    check_locks(report);
    m_tables.check_tlb(report);
    return report.take();
}

}  // namespace pagelab::mm
