// Data integrity under memory pressure: long deterministic random sequences of VirtualAlloc,
// VirtualFree, VirtualProtect, VirtualQuery, reads, writes, debugger pokes and trims, in two
// processes, for every replacement policy, both personalities and TLB sizes 0 and 4, checked
// after every operation against a plain reference model of what each address holds, which
// accesses must fail and what every call must answer. Nothing may be lost through eviction and
// reload, and undoing the whole run and redoing it must give the same machine and the same bytes.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <memory>
#include <random>

#include "TestHelpers.h"

using namespace pagelab;
using mm::AccessStatus;
using mm::Error;
using mm::Personality;
namespace page = mm::page;
namespace memf = mm::mem;

namespace {

constexpr uint32_t kPage = 0x1000;
constexpr uint32_t kGranule = 0x10000;

// ---------------------------------------------------------------------------------------------
// The reference model: what Windows promises, with no frames, no pagefile and no PTEs.

enum class State : uint8_t { Reserved, Committed };

struct ModelPage {
    State state = State::Reserved;
    uint32_t protect = 0;                       // Win32 value, with GUARD while the guard is armed
    std::unique_ptr<std::array<uint8_t, kPage>> bytes;  // committed pages only
};

struct ModelRegion {
    uint32_t base = 0;
    uint32_t pages = 0;
    uint32_t alloc_protect = 0;
    uint32_t end() const { return base + pages * kPage; }
};

enum class Outcome : uint8_t { Ok, AccessViolation, Guard };

struct ModelProcess {
    uint16_t id = 0;     // os::Process id
    uint16_t space = 0;
    std::map<uint32_t, ModelRegion> regions;  // by base
    std::map<uint32_t, ModelPage> pages;       // by vpn, every page of every region

    const ModelRegion* region_of(uint32_t va) const {
        auto it = regions.upper_bound(va);
        if (it == regions.begin()) return nullptr;
        --it;
        return va < it->second.end() ? &it->second : nullptr;
    }
    ModelPage* page_of(uint32_t va) {
        auto it = pages.find(va >> 12);
        return it == pages.end() ? nullptr : &it->second;
    }
};

bool writable(uint32_t prot) {
    const uint32_t b = prot & 0xFF;
    return b == page::kReadWrite || b == page::kExecuteReadWrite;
}

// What a user-mode access to one page does (handle_fault's order: no region/not committed,
// NOACCESS, then the guard, then the write check).
Outcome page_outcome(const ModelPage* p, x86::Access kind) {
    if (!p || p->state != State::Committed) return Outcome::AccessViolation;
    if ((p->protect & 0xFF) == page::kNoAccess) return Outcome::AccessViolation;
    if (p->protect & page::kGuard) return Outcome::Guard;
    if (kind == x86::Access::Write && !writable(p->protect)) return Outcome::AccessViolation;
    return Outcome::Ok;
}

AccessStatus status_of(Outcome o) {
    return o == Outcome::Ok ? AccessStatus::Ok : o == Outcome::Guard ? AccessStatus::GuardPage
                                                                       : AccessStatus::AccessViolation;
}

// ---------------------------------------------------------------------------------------------
// The run

struct RunConfig {
    Personality personality;
    mm::Policy policy;
    uint32_t tlb;
    uint32_t frames;
    uint32_t pagefile;
    uint32_t seed;
    uint32_t operations;
};

class IntegrityRun {
public:
    explicit IntegrityRun(const RunConfig& cfg)
        : m_cfg(cfg),
          m_machine_cfg(test::make_config(cfg.personality, cfg.frames, cfg.pagefile, cfg.policy, cfg.tlb)),
          m_machine(m_machine_cfg),
          m_rng(cfg.seed),
          m_layout(mm::layout_of(cfg.personality)) {}

    void run() {
        for (int i = 0; i < 2; ++i) {
            REQUIRE(spawn());
            check_after();
        }
        for (uint32_t i = 0; i < m_cfg.operations; ++i) {
            m_step = i;
            step();
            check_after();
        }
        verify_all_bytes("after the run");
        m_machine.sync_position();
        REQUIRE(m_machine.mm().counter(mm::Counter::CommitCharge) == m_charge);

        // Undo everything, compare with a machine fresh from the constructor, redo everything,
        // compare with the machine the run produced, and read every byte again.
        const auto at_end = test::snapshot(m_machine);
        const size_t end = m_machine.journal().changes().size();
        m_machine.seek(0);
        test::require_same_snapshot(test::snapshot(os::Machine(m_machine_cfg)), test::snapshot(m_machine));
        REQUIRE_INVARIANTS(m_machine);
        m_machine.seek(end);
        test::require_same_snapshot(at_end, test::snapshot(m_machine));
        REQUIRE_INVARIANTS(m_machine);
        verify_all_bytes("after seek(0) and seek(end)");
        m_machine.sync_position();
    }

    uint64_t faults() const { return m_machine.mm().counter(mm::Counter::PageFaults); }
    uint64_t pagefile_reads() const { return m_machine.mm().counter(mm::Counter::PagefileReads); }
    uint64_t dirty_bit_faults() const { return m_machine.mm().counter(mm::Counter::DirtyBitFaults); }
    uint64_t soft_faults() const { return m_machine.mm().counter(mm::Counter::SoftFaults); }
    uint32_t out_of_memory() const { return m_oom; }

private:
    uint32_t pick(uint32_t n) { return n ? uint32_t(m_rng() % n) : 0; }
    bool chance(uint32_t percent) { return pick(100) < percent; }

    void op(const char* what) {
        m_what = what;
        m_machine.journal().begin_operation(m_step);
        m_machine.journal().begin_event(uint16_t(mm::EventKind::Operation), 0xFFFF);
    }
    void check_after() {
        const auto bad = m_machine.check_invariants();
        if (!bad.empty()) {
            INFO("step " << m_step << " (" << m_what << "): " << test::join_lines(bad));
            FAIL("an invariant broke");
        }
    }
    mm::MemoryManager& mm() { return m_machine.mm(); }

    uint32_t random_protection() {
        static const uint32_t kProtections[] = {
            page::kReadWrite,        page::kReadWrite,    page::kReadWrite, page::kExecuteReadWrite,
            page::kReadOnly,         page::kExecuteRead,  page::kExecute,   page::kNoAccess,
            page::kReadWrite | page::kGuard, page::kReadOnly | page::kGuard, page::kReadWrite | page::kNoCache,
        };
        return kProtections[pick(sizeof(kProtections) / sizeof(kProtections[0]))];
    }
    ModelProcess& random_process() { return m_procs[pick(uint32_t(m_procs.size()))]; }
    const ModelRegion* random_region(ModelProcess& p) {
        if (p.regions.empty()) return nullptr;
        auto it = p.regions.begin();
        std::advance(it, pick(uint32_t(p.regions.size())));
        return &it->second;
    }
    // An address in a region (sometimes just past its end), or anywhere near the regions.
    uint32_t random_address(ModelProcess& p) {
        const ModelRegion* r = random_region(p);
        if (!r || chance(5)) return (chance(50) ? m_layout.alloc_lowest : m_layout.user_end - 8 * kGranule) + pick(8 * kGranule);
        return r->base + pick(r->pages * kPage + (chance(10) ? kPage : 0));
    }
    // Mostly an address in a committed page (where the data is), else any address.
    uint32_t random_access_address(ModelProcess& p) {
        if (chance(25)) return random_address(p);
        std::vector<uint32_t> committed;
        for (const auto& [vpn, pg] : p.pages)
            if (pg.state == State::Committed) committed.push_back(vpn);
        if (committed.empty()) return random_address(p);
        return (committed[pick(uint32_t(committed.size()))] << 12) + pick(kPage);
    }
    // Lowest 64 KB-aligned base where `pages` pages fit (find_gap's promise).
    uint32_t expected_base(const ModelProcess& p, uint32_t pages) const {
        uint64_t base = m_layout.alloc_lowest;
        for (const auto& [b, r] : p.regions) {
            if (r.end() <= base) continue;
            if (base + uint64_t(pages) * kPage <= b) break;
            base = (uint64_t(r.end()) + kGranule - 1) & ~uint64_t(kGranule - 1);
        }
        return uint32_t(base);
    }
    // Highest 64 KB-aligned base below the end of user space where `pages` pages fit.
    uint32_t expected_top_down_base(const ModelProcess& p, uint32_t pages) const {
        const uint64_t bytes = uint64_t(pages) * kPage;
        uint64_t limit = m_layout.user_end;
        for (auto it = p.regions.rbegin(); it != p.regions.rend(); ++it) {
            if (it->second.base >= limit) continue;
            const uint64_t base = (limit - bytes) & ~uint64_t(kGranule - 1);
            if (base >= it->second.end()) return uint32_t(base);
            limit = it->second.base;
        }
        return uint32_t((limit - bytes) & ~uint64_t(kGranule - 1));
    }
    uint32_t reserved_protect() const { return m_cfg.personality == Personality::Win95 ? page::kNoAccess : 0; }
    Error uncommitted_error() const {
        return m_cfg.personality == Personality::Win95 ? Error::InvalidParameter : Error::InvalidAddress;
    }

    void commit_page(ModelPage& pg, uint32_t prot) {
        if (pg.state != State::Committed) {
            pg.state = State::Committed;
            pg.bytes = std::make_unique<std::array<uint8_t, kPage>>();
            pg.bytes->fill(0);
            ++m_charge;
        }
        pg.protect = prot;
    }
    void decommit_page(ModelPage& pg) {
        if (pg.state == State::Committed) --m_charge;
        pg.state = State::Reserved;
        pg.protect = 0;
        pg.bytes.reset();
    }

    bool spawn() {
        op("create process");
        const mm::Result r = m_machine.create_process("P" + std::to_string(m_machine.processes().size()));
        if (!r.ok) {
            REQUIRE(r.error == Error::NotEnoughMemory);  // no frame for the page directory
            ++m_oom;
            return false;
        }
        ModelProcess p;
        p.id = uint16_t(r.value);
        p.space = m_machine.processes()[r.value].space;
        m_procs.push_back(std::move(p));
        return true;
    }

    // One process exits (everything it had goes back) and a new one starts.
    void respawn() {
        if (m_procs.size() == 2) {
            const size_t victim = pick(2);
            op("exit process");
            REQUIRE(m_machine.exit_process(m_procs[victim].id).ok);
            for (auto& [vpn, pg] : m_procs[victim].pages) decommit_page(pg);
            m_procs.erase(m_procs.begin() + victim);
            check_after();
        }
        spawn();
    }

    void step() {
        if (m_procs.size() < 2 || pick(400) == 0) return respawn();
        ModelProcess& p = random_process();
        const uint32_t roll = pick(200);
        if (roll < 14) return do_reserve(p);
        if (roll < 36) return do_commit(p);
        if (roll < 42) return do_decommit(p);
        if (roll < 45) return do_release(p);
        if (roll < 57) return do_protect(p);
        if (roll < 65) return do_query(p);
        if (roll < 130) return do_write(p);
        if (roll < 192) return do_read(p);
        if (roll < 197) return do_debugger_write(p);
        op("trim");
        mm().trim(p.space);
    }

    void do_reserve(ModelProcess& p) {
        if (p.regions.size() >= 4) return do_release(p);
        const uint32_t pages = 1 + pick(15);
        const bool commit = chance(70);
        const uint32_t prot = random_protection();
        if (!p.regions.empty() && chance(15)) {
            // A base inside an existing region: 64 KB rounding puts it on a taken granule.
            const ModelRegion* r = random_region(p);
            const uint32_t address = r->base + pick(r->pages * kPage);
            op("reserve over a region");
            const mm::Result res = mm().virtual_alloc(p.space, address, pages * kPage,
                                                       memf::kReserve | (commit ? memf::kCommit : 0), prot);
            REQUIRE_FALSE(res.ok);
            // A range reaching past user space is refused before any overlap is looked for.
            const bool past_end = uint64_t(address) + pages * kPage > m_layout.user_end;
            REQUIRE(res.error == (past_end ? Error::InvalidParameter : Error::InvalidAddress));
            return;
        }
        const bool top_down = chance(15);
        op(commit ? "reserve+commit" : "reserve");
        const uint32_t size = pages * kPage - pick(kPage);
        const mm::Result res = mm().virtual_alloc(
            p.space, 0, size, memf::kReserve | (commit ? memf::kCommit : 0) | (top_down ? memf::kTopDown : 0), prot);
        if (commit && m_charge + pages > mm().commit_limit()) {
            REQUIRE_FALSE(res.ok);
            REQUIRE(res.error == Error::CommitmentLimit);
            return;
        }
        INFO("step " << m_step << ": reserve " << pages << " pages");
        REQUIRE(res.ok);
        REQUIRE(res.value == (top_down ? expected_top_down_base(p, pages) : expected_base(p, pages)));
        ModelRegion region{res.value, pages, prot};
        p.regions[res.value] = region;
        for (uint32_t i = 0; i < pages; ++i) {
            ModelPage& pg = p.pages[(res.value >> 12) + i];
            pg = ModelPage{};
            if (commit) commit_page(pg, prot);
        }
    }

    // A page range [first, last) inside region r, from an unaligned address and size.
    void random_range(const ModelRegion& r, uint32_t& address, uint32_t& size) {
        const uint32_t first = pick(r.pages);
        const uint32_t count = 1 + pick(r.pages - first);
        address = r.base + first * kPage + pick(kPage);
        size = (r.base + (first + count) * kPage) - address - pick(kPage - (address & 0xFFF));
        if (size == 0) size = 1;
    }

    void do_commit(ModelProcess& p) {
        const ModelRegion* r = random_region(p);
        if (!r) return do_reserve(p);
        uint32_t address, size;
        random_range(*r, address, size);
        const bool past_end = chance(5);
        if (past_end) size = r->end() - address + kPage;
        const uint32_t prot = random_protection();
        op("commit");
        const mm::Result res = mm().virtual_alloc(p.space, address, size, memf::kCommit, prot);
        if (past_end) {
            REQUIRE_FALSE(res.ok);
            REQUIRE(res.error == Error::InvalidAddress);
            return;
        }
        const uint32_t first = address >> 12, last = uint32_t((uint64_t(address) + size + kPage - 1) >> 12);
        uint32_t fresh = 0;
        for (uint32_t v = first; v < last; ++v) fresh += p.pages[v].state != State::Committed;
        if (m_charge + fresh > mm().commit_limit()) {
            REQUIRE_FALSE(res.ok);
            REQUIRE(res.error == Error::CommitmentLimit);
            return;
        }
        if (!res.ok && res.error == Error::NotEnoughMemory) {  // no frame for a page table: nothing changed
            ++m_oom;
            return;
        }
        INFO("step " << m_step << ": commit " << address << " + " << size);
        REQUIRE(res.ok);
        REQUIRE(res.value == (address & ~0xFFFu));
        for (uint32_t v = first; v < last; ++v) commit_page(p.pages[v], prot);
    }

    void do_decommit(ModelProcess& p) {
        const ModelRegion* r = random_region(p);
        if (!r) return;
        uint32_t address, size;
        random_range(*r, address, size);
        const uint32_t variant = pick(10);
        if (variant == 0) size = r->end() - address + kPage;  // past the end: 87
        if (variant == 1) { address = r->base; size = 0; }   // the whole region
        op("decommit");
        const mm::Result res = mm().virtual_free(p.space, address, size, memf::kDecommit);
        if (variant == 0) {
            REQUIRE_FALSE(res.ok);
            REQUIRE(res.error == Error::InvalidParameter);
            return;
        }
        if (!res.ok && res.error == Error::NotEnoughMemory) {
            ++m_oom;
            return;
        }
        REQUIRE(res.ok);
        const uint32_t first = address >> 12;
        const uint32_t last = size == 0 ? (r->end() >> 12) : uint32_t((uint64_t(address) + size + kPage - 1) >> 12);
        for (uint32_t v = first; v < last; ++v) decommit_page(p.pages[v]);
    }

    void do_release(ModelProcess& p) {
        const ModelRegion* r = random_region(p);
        if (!r) return;
        const ModelRegion region = *r;
        if (region.pages > 1 && chance(10)) {
            op("release not at base");
            const mm::Result bad = mm().virtual_free(p.space, region.base + kPage, 0, memf::kRelease);
            REQUIRE_FALSE(bad.ok);
            REQUIRE(bad.error == Error::InvalidAddress);
            return;
        }
        op("release");
        REQUIRE(mm().virtual_free(p.space, region.base, 0, memf::kRelease).ok);
        for (uint32_t i = 0; i < region.pages; ++i) {
            decommit_page(p.pages[(region.base >> 12) + i]);
            p.pages.erase((region.base >> 12) + i);
        }
        p.regions.erase(region.base);
    }

    void do_protect(ModelProcess& p) {
        const ModelRegion* r = random_region(p);
        if (!r) return;
        uint32_t address, size;
        random_range(*r, address, size);
        if (chance(5)) size = r->end() - address + kPage;
        const uint32_t prot = random_protection();
        op("protect");
        const mm::Result res = mm().virtual_protect(p.space, address, size, prot);
        const uint64_t end = uint64_t(address) + size;
        const uint32_t first = address >> 12, last = uint32_t((end + kPage - 1) >> 12);
        bool all_committed = end <= r->end();
        for (uint32_t v = first; all_committed && v < last; ++v)
            all_committed = p.pages[v].state == State::Committed;
        if (!all_committed) {
            REQUIRE_FALSE(res.ok);
            REQUIRE(res.error == uncommitted_error());
            return;
        }
        if (!res.ok && res.error == Error::NotEnoughMemory) {
            ++m_oom;
            return;
        }
        INFO("step " << m_step << ": protect " << address << " + " << size);
        REQUIRE(res.ok);
        REQUIRE(res.value == p.pages[first].protect);
        for (uint32_t v = first; v < last; ++v) p.pages[v].protect = prot;
    }

    void do_query(ModelProcess& p) {
        const uint32_t va = random_address(p);
        op("query");
        mm::MemoryBasicInformation mbi;
        REQUIRE(mm().virtual_query(p.space, va, mbi).ok);
        INFO("step " << m_step << ": query " << va);
        const uint32_t page = va & ~0xFFFu;
        CHECK(mbi.base_address == page);
        const ModelRegion* r = p.region_of(va);
        if (!r) {
            auto next = p.regions.upper_bound(va);
            const uint32_t end = next == p.regions.end() ? m_layout.user_end : next->first;
            CHECK(mbi.state == memf::kFree);
            CHECK(mbi.region_size == end - page);
            CHECK(mbi.protect == page::kNoAccess);
            CHECK(mbi.allocation_base == 0);
            CHECK(mbi.allocation_protect == 0);
            CHECK(mbi.type == 0);
            return;
        }
        auto key = [&](uint32_t v) {
            const ModelPage& pg = p.pages[v];
            return pg.state == State::Committed ? std::pair<uint32_t, uint32_t>{memf::kCommit, pg.protect}
                                                : std::pair<uint32_t, uint32_t>{memf::kReserve, reserved_protect()};
        };
        const auto k = key(page >> 12);
        uint32_t v = page >> 12;
        while (v < (r->end() >> 12) && key(v) == k) ++v;
        CHECK(mbi.state == k.first);
        CHECK(mbi.protect == k.second);
        CHECK(mbi.region_size == (v << 12) - page);
        CHECK(mbi.allocation_base == r->base);
        CHECK(mbi.allocation_protect == r->alloc_protect);
        CHECK(mbi.type == memf::kPrivate);
    }

    // The expected outcome of an access of `size` bytes at va, low page first; a guard page
    // loses its guard when it is the page that faults.
    Outcome expect_access(ModelProcess& p, uint32_t va, uint32_t size, x86::Access kind) {
        const uint32_t in_page = kPage - (va & 0xFFF);
        const Outcome lo = page_outcome(p.page_of(va), kind);
        if (lo != Outcome::Ok || size <= in_page) return lo;
        return page_outcome(p.page_of(va + in_page), kind);
    }
    uint32_t faulting_page(ModelProcess& p, uint32_t va, uint32_t size, x86::Access kind) {
        const uint32_t in_page = kPage - (va & 0xFFF);
        if (page_outcome(p.page_of(va), kind) != Outcome::Ok || size <= in_page) return va & ~0xFFFu;
        return (va + in_page) & ~0xFFFu;
    }
    uint8_t& byte_at(ModelProcess& p, uint32_t va) { return (*p.page_of(va)->bytes)[va & 0xFFF]; }

    // Machine answered OutOfMemory: allowed only where the model expects success or a guard fault
    // (both can need a frame); a guard fault may or may not have happened before the frame ran out.
    // The low page is resolved first, so a frame can run out there even when the high page would
    // have failed; every guard the access reached may or may not have fired.
    void accept_out_of_memory(ModelProcess& p, uint32_t va, uint32_t size, x86::Access kind) {
        REQUIRE(page_outcome(p.page_of(va), kind) != Outcome::AccessViolation);
        ++m_oom;
        for (uint32_t page : {va & ~0xFFFu, (va + size - 1) & ~0xFFFu}) {
            ModelPage* pg = p.page_of(page);
            if (!pg || pg->state != State::Committed || !(pg->protect & page::kGuard)) continue;
            mm::MemoryBasicInformation mbi;
            REQUIRE(mm().virtual_query(p.space, page, mbi).ok);
            REQUIRE((mbi.protect | page::kGuard) == pg->protect);
            pg->protect = mbi.protect;
        }
    }

    void do_write(ModelProcess& p) {
        const uint32_t va = random_access_address(p);
        const uint32_t size = std::array<uint32_t, 3>{1, 2, 4}[pick(3)];
        const uint32_t value = uint32_t(m_rng());
        const Outcome expected = expect_access(p, va, size, x86::Access::Write);
        const uint32_t fault_page = faulting_page(p, va, size, x86::Access::Write);
        op("write");
        const mm::AccessResult r = mm().access(p.space, va, size, x86::Access::Write, value);
        INFO("step " << m_step << ": write " << size << " bytes at " << va);
        if (r.status == AccessStatus::OutOfMemory) return accept_out_of_memory(p, va, size, x86::Access::Write);
        REQUIRE(r.status == status_of(expected));
        if (expected == Outcome::Guard) p.page_of(fault_page)->protect &= ~page::kGuard;
        if (expected != Outcome::Ok) return;
        for (uint32_t i = 0; i < size; ++i) byte_at(p, va + i) = uint8_t(value >> (8 * i));
    }

    void do_read(ModelProcess& p) {
        const uint32_t va = random_access_address(p);
        const uint32_t size = std::array<uint32_t, 3>{1, 2, 4}[pick(3)];
        const x86::Access kind = chance(10) ? x86::Access::Execute : x86::Access::Read;
        const Outcome expected = expect_access(p, va, size, kind);
        const uint32_t fault_page = faulting_page(p, va, size, kind);
        op("read");
        const mm::AccessResult r = mm().access(p.space, va, size, kind);
        INFO("step " << m_step << ": read " << size << " bytes at " << va);
        if (r.status == AccessStatus::OutOfMemory) return accept_out_of_memory(p, va, size, kind);
        REQUIRE(r.status == status_of(expected));
        if (expected == Outcome::Guard) p.page_of(fault_page)->protect &= ~page::kGuard;
        if (expected != Outcome::Ok) return;
        uint32_t want = 0;
        for (uint32_t i = 0; i < size; ++i) want |= uint32_t(byte_at(p, va + i)) << (8 * i);
        REQUIRE(r.value == want);
    }

    // The kernel debugger pokes one byte, ignoring the page's protection (not NOACCESS, which has
    // no valid PTE to write through, and not an armed guard page, which faults first).
    void do_debugger_write(ModelProcess& p) {
        const uint32_t va = random_access_address(p);
        const uint32_t value = pick(256);
        ModelPage* pg = p.page_of(va);
        Outcome expected = Outcome::Ok;
        if (!pg || pg->state != State::Committed || (pg->protect & 0xFF) == page::kNoAccess)
            expected = Outcome::AccessViolation;
        else if (pg->protect & page::kGuard)
            expected = Outcome::Guard;
        op("debugger write");
        const mm::AccessResult r = mm().debugger_write(p.space, va, 1, value);
        INFO("step " << m_step << ": debugger write at " << va);
        if (r.status == AccessStatus::OutOfMemory) return accept_out_of_memory(p, va, 1, x86::Access::Read);
        REQUIRE(r.status == status_of(expected));
        if (expected == Outcome::Guard) pg->protect &= ~page::kGuard;
        if (expected == Outcome::Ok) byte_at(p, va) = uint8_t(value);
    }

    // Reads every byte of every committed page, after making each readable (the protection
    // change is part of the run and of the model).
    void verify_all_bytes(const char* when) {
        for (ModelProcess& p : m_procs) {
            for (auto& [vpn, pg] : p.pages) {
                if (pg.state != State::Committed) continue;
                const uint32_t va = vpn << 12;
                if (!(pg.protect == page::kReadWrite || pg.protect == page::kReadOnly ||
                      pg.protect == page::kExecuteRead || pg.protect == page::kExecuteReadWrite)) {
                    op("make readable");
                    const mm::Result r = mm().virtual_protect(p.space, va, kPage, page::kReadOnly);
                    if (!r.ok && r.error == Error::NotEnoughMemory) {  // no frame for its page table
                        ++m_oom;
                        continue;
                    }
                    REQUIRE(r.ok);
                    REQUIRE(r.value == pg.protect);
                    pg.protect = page::kReadOnly;
                }
                op("verify page");
                for (uint32_t off = 0; off < kPage; off += 4) {
                    const mm::AccessResult r = mm().access(p.space, va + off, 4, x86::Access::Read);
                    if (!r.ok()) {
                        INFO(when << ": page " << va << " offset " << off);
                        REQUIRE(r.status == AccessStatus::OutOfMemory);
                        ++m_oom;
                        break;
                    }
                    uint32_t want;
                    std::memcpy(&want, pg.bytes->data() + off, 4);
                    if (r.value != want) {
                        INFO(when << ": page " << va << " offset " << off);
                        REQUIRE(r.value == want);
                    }
                }
                check_after();
            }
        }
    }

    RunConfig m_cfg;
    mm::MachineConfig m_machine_cfg;
    os::Machine m_machine;
    std::mt19937 m_rng;
    const mm::Layout& m_layout;
    std::vector<ModelProcess> m_procs;
    uint64_t m_charge = 0;
    uint32_t m_step = 0;
    uint32_t m_oom = 0;
    const char* m_what = "";
};

void run_policy(mm::Policy policy) {
    uint64_t faults = 0, hard = 0, soft = 0, dirty_bit = 0;
    for (Personality personality : {Personality::Nt, Personality::Win95}) {
        for (uint32_t tlb : {0u, 4u}) {
            for (uint32_t seed : {1u, 2u, 3u, 4u}) {
                const uint32_t frames = 12 + 4 * ((seed + tlb) % 4);  // 12, 16, 20, 24
                const RunConfig cfg{personality, policy, tlb, frames, 40, seed * 7919u + tlb, 6000};
                INFO(mm::policy_name(policy) << " " << mm::personality_name(personality) << " tlb " << tlb
                                             << " frames " << frames << " seed " << seed);
                IntegrityRun run(cfg);
                run.run();
                faults += run.faults();
                hard += run.pagefile_reads();
                soft += run.soft_faults();
                dirty_bit += run.dirty_bit_faults();
            }
        }
    }
    // The sequences really ran under memory pressure: pages went to the pagefile and came back.
    INFO("faults " << faults << ", pagefile reads " << hard << ", soft faults " << soft << ", dirty-bit faults "
                    << dirty_bit);
    CHECK(faults > 1000);
    CHECK(hard > 100);
    CHECK(dirty_bit > 50);  // (nt: pages read back and then written)
    CHECK(soft > 0);  // trims and working-set trimming put pages on standby/modified
}

}  // namespace

TEST_CASE("data integrity: random private-memory sequences keep every byte under FIFO", "[integrity]") {
    run_policy(mm::Policy::Fifo);
}

TEST_CASE("data integrity: random private-memory sequences keep every byte under Clock", "[integrity]") {
    run_policy(mm::Policy::Clock);
}

TEST_CASE("data integrity: random private-memory sequences keep every byte under LRU", "[integrity]") {
    run_policy(mm::Policy::Lru);
}

TEST_CASE("data integrity: random private-memory sequences keep every byte under working-set trimming",
          "[integrity]") {
    run_policy(mm::Policy::WorkingSet);
}
