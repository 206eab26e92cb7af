// The handle tables: one per address space (the process's), journaled entry by entry
// (core::Store::Object, ObjectField::Handle). Values are multiples of 4 from 4 on, the lowest
// free one first (NT hands out the lowest free entry of the table); 0 stands for "no file" (the
// pagefile) where a call takes a file handle.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "mm/Section.h"
#include "mm/Stores.h"

namespace pagelab::mm {

class InvariantReport;

using HandleMap = std::map<uint32_t, HandleEntry>;

class HandleTable : public Part {
public:
    explicit HandleTable(Stores& stores) : Part(stores) {}

    const HandleMap& handles(SpaceId space) const;
    const HandleEntry* find(SpaceId space, uint32_t handle) const;
    // find() of a handle of this kind (null when it is not one).
    const HandleEntry* find(SpaceId space, uint32_t handle, HandleKind kind) const;
    uint32_t lowest_free(SpaceId space) const;
    void put(SpaceId space, uint32_t handle, const HandleEntry* entry);  // null: remove
    uint32_t add(SpaceId space, const HandleEntry& entry);               // at the lowest free value
    const std::vector<HandleMap>& tables() const { return m_tables; }    // by space (for the invariants)
    const HandleEntry& blob(uint64_t index) const { return m_blobs[index]; }  // as the journal recorded it

    void apply(const core::Change& c, bool forward);

    // Only live spaces hold handles, and each names an object that exists (a mapping object, of
    // `mappings`, or a file, of `files`). Returns how many handles name each mapping object.
    std::vector<uint32_t> check(InvariantReport& report, uint32_t mappings, uint32_t files) const;

private:
    std::vector<HandleMap> m_tables;  // by address space id
    std::vector<HandleEntry> m_blobs; // entries as the journal recorded them
};

}  // namespace pagelab::mm
