// mm::SoftwarePte: what NT stores in a PTE whose Present bit is 0 (ReactOS MMPTE_SOFTWARE,
// MMPTE_TRANSITION, MMPTE_PROTOTYPE for x86 non-PAE), encoded and decoded.
#include <catch2/catch.hpp>

#include "mm/SoftwarePte.h"

using namespace pagelab::mm;

namespace {
// Field positions checked at compile time.
static_assert(SoftwarePte::kPrototypeBit == 1u << 10);
static_assert(SoftwarePte::kTransitionBit == 1u << 11);
static_assert(SoftwarePte::demand_zero(mmprot::kReadWrite) == (4u << 5));
static_assert(SoftwarePte::pagefile(3, mmprot::kReadOnly) == ((3u << 12) | (1u << 5)));
static_assert(SoftwarePte::transition(0x42, mmprot::kExecuteRead) == ((0x42u << 12) | (1u << 11) | (3u << 5)));
static_assert(SoftwarePte::decommitted() == (0x10u << 5));
static_assert(SoftwarePte::kind(0) == PteKind::Zero);

const uint32_t kAllProtections[] = {
    mmprot::kReadOnly,  mmprot::kExecute,          mmprot::kExecuteRead,       mmprot::kReadWrite,
    mmprot::kWriteCopy, mmprot::kExecuteReadWrite, mmprot::kExecuteWriteCopy,  mmprot::kNoAccess,
    mmprot::kReadWrite | mmprot::kGuard, mmprot::kReadOnly | mmprot::kNoCache,
    mmprot::kExecuteReadWrite | mmprot::kGuard | mmprot::kNoCache,
};
}  // namespace

TEST_CASE("a demand-zero PTE keeps its protection, is not present and has pagefile slot 0", "[software-pte]") {
    for (uint32_t prot : kAllProtections) {
        INFO("protection " << prot);
        const uint32_t raw = SoftwarePte::demand_zero(prot);
        CHECK((raw & 1u) == 0);
        CHECK(SoftwarePte::kind(raw) == PteKind::DemandZero);
        CHECK(SoftwarePte::protection(raw) == prot);
        CHECK(SoftwarePte::slot(raw) == 0);
    }
}

TEST_CASE("a pagefile PTE round-trips its slot and protection", "[software-pte]") {
    for (uint32_t slot : {1u, 2u, 255u, 4096u, 0xFFFFFu}) {
        for (uint32_t prot : kAllProtections) {
            INFO("slot " << slot << " protection " << prot);
            const uint32_t raw = SoftwarePte::pagefile(slot, prot);
            CHECK((raw & 1u) == 0);
            CHECK(SoftwarePte::kind(raw) == PteKind::Pagefile);
            CHECK(SoftwarePte::slot(raw) == slot);
            CHECK(SoftwarePte::protection(raw) == prot);
        }
    }
}

TEST_CASE("pagefile slot 0 means demand-zero, which is why slot 0 is never handed out", "[software-pte]") {
    CHECK(SoftwarePte::kind(SoftwarePte::pagefile(0, mmprot::kReadWrite)) == PteKind::DemandZero);
}

TEST_CASE("a transition PTE round-trips its frame and protection and sets the Transition bit", "[software-pte]") {
    for (uint32_t frame : {0u, 1u, 0x123u, 0xFFFFFu}) {
        for (uint32_t prot : kAllProtections) {
            INFO("frame " << frame << " protection " << prot);
            const uint32_t raw = SoftwarePte::transition(frame, prot);
            CHECK((raw & 1u) == 0);
            CHECK((raw & SoftwarePte::kTransitionBit) != 0);
            CHECK((raw & SoftwarePte::kPrototypeBit) == 0);
            CHECK(SoftwarePte::kind(raw) == PteKind::Transition);
            CHECK(SoftwarePte::frame(raw) == frame);
            CHECK(SoftwarePte::protection(raw) == prot);
        }
    }
}

TEST_CASE("a prototype PTE round-trips its index across the split index fields", "[software-pte]") {
    for (uint32_t index : {0u, 1u, 0x7Fu, 0x80u, 0x1234u, 0xFFFFFu, (1u << 28) - 1}) {
        for (bool ro : {false, true}) {
            INFO("index " << index << " read-only " << ro);
            const uint32_t raw = SoftwarePte::prototype(index, ro);
            CHECK((raw & 1u) == 0);
            CHECK((raw & SoftwarePte::kPrototypeBit) != 0);
            CHECK(SoftwarePte::kind(raw) == PteKind::Prototype);
            CHECK(SoftwarePte::prototype_index(raw) == index);
            CHECK(((raw >> 8) & 1u) == uint32_t(ro));
        }
    }
}

TEST_CASE("the decommitted PTE is protection DECOMMIT (0x10) with no slot", "[software-pte]") {
    const uint32_t raw = SoftwarePte::decommitted();
    CHECK(raw != 0);
    CHECK(SoftwarePte::kind(raw) == PteKind::Decommitted);
    CHECK(SoftwarePte::protection(raw) == mmprot::kDecommit);
    // NOACCESS (0x18) is a committed page, not a decommitted one.
    CHECK(SoftwarePte::kind(SoftwarePte::demand_zero(mmprot::kNoAccess)) == PteKind::DemandZero);
    // READWRITE+GUARD (0x14) is committed too, although it carries the GUARD bit.
    CHECK(SoftwarePte::kind(SoftwarePte::demand_zero(mmprot::kReadWrite | mmprot::kGuard)) == PteKind::DemandZero);
}

TEST_CASE("the zero PTE means ask the VAD, and any present PTE decodes as valid", "[software-pte]") {
    CHECK(SoftwarePte::kind(0) == PteKind::Zero);
    CHECK(SoftwarePte::kind(0x00001001u) == PteKind::Valid);
    // A valid PTE with the NT copy-on-write or prototype AVL bits is still valid, not prototype.
    CHECK(SoftwarePte::kind(0x00001001u | SoftwarePte::kPrototypeBit) == PteKind::Valid);
    CHECK(SoftwarePte::kind(0x00001001u | SoftwarePte::kTransitionBit) == PteKind::Valid);
}

TEST_CASE("with_protection changes only the protection field of a software PTE", "[software-pte]") {
    const uint32_t pf = SoftwarePte::pagefile(77, mmprot::kReadWrite);
    const uint32_t ro = SoftwarePte::with_protection(pf, mmprot::kReadOnly);
    CHECK(SoftwarePte::kind(ro) == PteKind::Pagefile);
    CHECK(SoftwarePte::slot(ro) == 77);
    CHECK(SoftwarePte::protection(ro) == mmprot::kReadOnly);
    const uint32_t tr = SoftwarePte::with_protection(SoftwarePte::transition(9, mmprot::kReadWrite), mmprot::kNoAccess);
    CHECK(SoftwarePte::kind(tr) == PteKind::Transition);
    CHECK(SoftwarePte::frame(tr) == 9);
    CHECK(SoftwarePte::protection(tr) == mmprot::kNoAccess);
}

TEST_CASE("every software PTE kind has a display name", "[software-pte]") {
    CHECK(std::string(pte_kind_name(PteKind::Valid)) == "valid");
    CHECK(std::string(pte_kind_name(PteKind::Zero)) == "zero");
    CHECK(std::string(pte_kind_name(PteKind::DemandZero)) == "demand-zero");
    CHECK(std::string(pte_kind_name(PteKind::Pagefile)) == "pagefile");
    CHECK(std::string(pte_kind_name(PteKind::Transition)) == "transition");
    CHECK(std::string(pte_kind_name(PteKind::Prototype)) == "prototype");
    CHECK(std::string(pte_kind_name(PteKind::Decommitted)) == "decommitted");
}
