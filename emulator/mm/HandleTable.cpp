#include "mm/HandleTable.h"

#include "mm/Invariants.h"

namespace pagelab::mm {

namespace {
constexpr uint32_t kHandleStep = 4;
}

const HandleMap& HandleTable::handles(SpaceId space) const {
    static const HandleMap none;
    return space < m_tables.size() ? m_tables[space] : none;
}

const HandleEntry* HandleTable::find(SpaceId space, uint32_t handle) const {
    const HandleMap& table = handles(space);
    auto it = table.find(handle);
    return it == table.end() ? nullptr : &it->second;
}

const HandleEntry* HandleTable::find(SpaceId space, uint32_t handle, HandleKind kind) const {
    const HandleEntry* e = find(space, handle);
    return e && e->kind == kind ? e : nullptr;
}

uint32_t HandleTable::lowest_free(SpaceId space) const {
    uint32_t h = kHandleStep;
    for (const auto& [value, e] : handles(space)) {
        if (value != h) break;
        h += kHandleStep;
    }
    return h;
}

void HandleTable::put(SpaceId space, uint32_t handle, const HandleEntry* entry) {
    PL_CHECK(handle % kHandleStep == 0 && handle / kHandleStep <= 0xFFFF);
    if (m_tables.size() <= space) m_tables.resize(size_t(space) + 1);
    HandleMap& table = m_tables[space];
    auto it = table.find(handle);
    uint64_t before = core::kNoBlob, after = core::kNoBlob;
    if (m_journal.enabled()) {
        if (it != table.end()) {
            m_blobs.push_back(it->second);
            before = m_blobs.size() - 1;
        }
        if (entry) {
            m_blobs.push_back(*entry);
            after = m_blobs.size() - 1;
        }
        m_journal.record(core::Store::Object, uint8_t(ObjectField::Handle), space, before, after,
                         uint16_t(handle / kHandleStep));
    }
    if (entry) table[handle] = *entry;
    else if (it != table.end()) table.erase(it);
}

uint32_t HandleTable::add(SpaceId space, const HandleEntry& entry) {
    const uint32_t h = lowest_free(space);
    put(space, h, &entry);
    return h;
}

void HandleTable::apply(const core::Change& c, bool forward) {
    const uint64_t v = forward ? c.after : c.before;
    if (m_tables.size() <= c.target) m_tables.resize(size_t(c.target) + 1);
    const uint32_t handle = uint32_t(c.aux) * kHandleStep;
    if (v == core::kNoBlob) m_tables[c.target].erase(handle);
    else m_tables[c.target][handle] = m_blobs[v];
}

std::vector<uint32_t> HandleTable::check(InvariantReport& report, uint32_t mappings, uint32_t files) const {
    std::vector<uint32_t> handle_refs(mappings, 0);
    for (uint32_t id = 0; id < m_tables.size(); ++id) {
        if (!m_tables[id].empty() && (id >= m_spaces.size() || !m_spaces[id].alive()))
            report.fail("address space %u is gone but holds %u handles", id, uint32_t(m_tables[id].size()));
        for (const auto& [h, e] : m_tables[id]) {
            if (e.kind == HandleKind::Mapping) {
                if (e.object >= mappings) report.fail("handle 0x%X of space %u names no mapping object", h, id);
                else ++handle_refs[e.object];
            } else if (e.object >= files) {
                report.fail("handle 0x%X of space %u names no file", h, id);
            }
        }
    }
    return handle_refs;
}

}  // namespace pagelab::mm
