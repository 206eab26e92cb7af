#include "mm/Stores.h"

namespace pagelab::mm {

uint32_t Part::intern(const std::string& text) {
    std::vector<std::string>& strings = m_stores.strings;
    for (uint32_t i = 0; i < strings.size(); ++i)
        if (strings[i] == text) return i;
    strings.push_back(text);
    return uint32_t(strings.size() - 1);
}

bool Part::charge_fits(SpaceId space, uint64_t pages) {
    const uint64_t charge = counter(Counter::CommitCharge);
    if (charge + pages <= commit_limit()) return true;
    event(EventKind::CommitLimit, space, uint32_t(pages), uint32_t(charge), commit_limit());
    return false;
}

void Part::set_register(CpuField field, uint32_t& reg, uint32_t value) {
    if (reg == value) return;
    m_journal.record(core::Store::Cpu, uint8_t(field), 0, reg, value);
    reg = value;
}

void Part::record_vad(uint32_t target, const Vad* before, const Vad* after) {
    if (!m_journal.enabled()) return;
    std::vector<Vad>& blobs = m_stores.vad_blobs;
    uint64_t b = core::kNoBlob, a = core::kNoBlob;
    if (before) {
        blobs.push_back(*before);
        b = blobs.size() - 1;
    }
    if (after) {
        blobs.push_back(*after);
        a = blobs.size() - 1;
    }
    m_journal.record(core::Store::Vad, 0, target, b, a);
}

}  // namespace pagelab::mm
