// The win95 shared arena (0x80000000-0xBFFFFFFF): page tables owned by no process and entered in
// every win95 page directory, one set of VADs every win95 process sees, and system DLLs (images
// based there) mapped once for all processes. Under nt nothing of this exists.
#include "TestHelpers.h"

#include "os/Loader.h"
#include "os/SyntheticImage.h"

using namespace pagelab;
namespace scn = os::scn;

namespace {

constexpr uint32_t kK32 = 0xBFF70000;        // KERNEL32.DLL's base in the shared arena
constexpr uint32_t kK32Text = kK32 + 0x1000;  // its code page
constexpr uint32_t kK32Data = kK32 + 0x2000;  // its data page (write-copy)

void add_image(os::Machine& m, const std::string& path, uint32_t base, bool dll, std::vector<std::string> imports,
               const std::string& text = "code") {
    os::ImageDescription img;
    img.image_base = base;
    img.is_dll = dll;
    img.entry_rva = 0x1000;
    img.imports = std::move(imports);
    os::SyntheticSection code;
    code.section.name = ".text";
    code.section.virtual_size = 0x1000;
    code.section.characteristics = scn::kCode | scn::kRead | scn::kExecute;
    code.section.raw.assign(text.begin(), text.end());
    os::SyntheticSection data;
    data.section.name = ".data";
    data.section.virtual_size = 0x1000;
    data.section.characteristics = scn::kInitializedData | scn::kRead | scn::kWrite;
    data.section.raw = {'d', 'a', 't', 'a'};
    auto bytes = os::build_synthetic_image(img, {code, data}, true);
    m.add_image(path, std::move(bytes), img);
}

const os::Module* module(const os::Machine& m, uint16_t process, const std::string& name) {
    for (const os::Module& mod : m.modules(process))
        if (mod.name == name) return &mod;
    return nullptr;
}

uint32_t fault_bit(mm::FaultKind k) { return 1u << uint32_t(k); }

struct World {
    test::Rig rig;
    uint32_t free0 = 0;
    std::vector<std::string> start;
    explicit World(mm::Personality p, uint32_t frames = 64, mm::Policy policy = mm::Policy::Clock, uint32_t tlb = 0)
        : rig(test::make_config(p, frames, 64, policy, tlb), false) {
        add_image(rig.machine, "C:\\APP\\One.exe", 0x00400000, false, {"KERNEL32.DLL", "APPHELP.DLL"});
        add_image(rig.machine, "C:\\APP\\Two.exe", 0x00400000, false, {"KERNEL32.DLL"});
        add_image(rig.machine, "C:\\APP\\APPHELP.DLL", 0x10000000, true, {});
        add_image(rig.machine, "C:\\WINDOWS\\SYSTEM\\KERNEL32.DLL", kK32, true, {}, "kernel32 code");
        add_image(rig.machine, "C:\\WINDOWS\\SYSTEM\\TWIN.DLL", kK32, true, {}, "twin code");
        free0 = rig.mm().frames_free();
        start = test::snapshot(rig.machine);
    }
    uint16_t create(const std::string& name, const std::string& exe) {
        const os::LoadOutcome o = os::create_process(rig.machine, name, exe);
        REQUIRE(o.result.ok);
        return uint16_t(o.result.value);
    }
    uint16_t space(uint16_t process) const { return rig.machine.processes()[process].space; }
    mm::MemoryManager& mm() { return rig.mm(); }
    mm::AccessResult read(uint16_t process, uint32_t va) { return mm().access(space(process), va, 4, x86::Access::Read); }
    mm::AccessResult write(uint16_t process, uint32_t va, uint32_t v) {
        return mm().access(space(process), va, 4, x86::Access::Write, v);
    }
    // The model's invariants at every event boundary of the run so far, then back at the end.
    void require_invariants_at_every_event() {
        os::Machine& m = rig.machine;
        m.sync_position();
        const size_t end = m.position();
        for (const auto& e : m.journal().events()) {
            m.seek(e.first_change);
            INFO("before event " << mm::event_kind_name(mm::EventKind(e.kind)) << " at change " << e.first_change);
            REQUIRE_INVARIANTS(m);
        }
        m.seek(end);
        REQUIRE_INVARIANTS(m);
    }
};

size_t events_of_kind(const core::Journal& j, size_t from, mm::EventKind kind) {
    size_t n = 0;
    for (size_t e = from; e < j.events().size(); ++e)
        if (j.events()[e].kind == uint16_t(kind)) ++n;
    return n;
}

}  // namespace

TEST_CASE("win95: a system DLL loaded by A is visible in B at the same address without a new page table",
          "[shared-arena][loader]") {
    World w(mm::Personality::Win95);
    const uint16_t a = w.create("A", "C:\\APP\\One.exe");
    REQUIRE(module(w.rig.machine, a, "KERNEL32.DLL"));
    CHECK(module(w.rig.machine, a, "KERNEL32.DLL")->base == kK32);
    CHECK_FALSE(module(w.rig.machine, a, "KERNEL32.DLL")->relocated);
    // One shared VAD, used by A; none of A's own VADs lies in the shared arena.
    REQUIRE(w.mm().shared_vads().size() == 1);
    const mm::Vad& v = w.mm().shared_vads().begin()->second;
    CHECK(v.base() == kK32);
    CHECK(v.type == mm::VadType::Image);
    CHECK(v.users == std::vector<uint16_t>{w.space(a)});
    CHECK(w.mm().space(w.space(a)).find_vad(kK32) == nullptr);
    CHECK(w.mm().vad_at(w.space(a), kK32) == &v);
    // The shared table is owned by nobody and locked.
    const uint32_t table = w.mm().shared_table(kK32 >> 22);
    REQUIRE(table != mm::kNoFrame);
    CHECK(w.mm().pfn()[table].owner == mm::kNoSpace);
    CHECK(w.mm().pfn()[table].use == mm::FrameUse::PageTable);
    CHECK((w.mm().pfn()[table].flags & mm::PfnEntry::kLocked) != 0);
    // The application DLL stays private.
    REQUIRE(module(w.rig.machine, a, "APPHELP.DLL"));
    CHECK(module(w.rig.machine, a, "APPHELP.DLL")->base == 0x10000000);
    CHECK(w.mm().space(w.space(a)).find_vad(0x10000000) != nullptr);

    const size_t before_b = w.rig.machine.journal().events().size();
    const uint16_t b = w.create("B", "C:\\APP\\Two.exe");
    // B's directory got the shared PDE when it was created: no page table is made for the arena.
    CHECK(events_of_kind(w.rig.machine.journal(), before_b, mm::EventKind::SharedTableCreated) == 0);
    CHECK(events_of_kind(w.rig.machine.journal(), before_b, mm::EventKind::SharedRegionJoined) == 1);
    REQUIRE(module(w.rig.machine, b, "KERNEL32.DLL"));
    CHECK(module(w.rig.machine, b, "KERNEL32.DLL")->base == kK32);
    CHECK(w.mm().shared_vads().size() == 1);
    CHECK(w.mm().shared_vads().begin()->second.users == std::vector<uint16_t>{w.space(a), w.space(b)});
    const auto ia = w.mm().pte_info(w.space(a), kK32Text), ib = w.mm().pte_info(w.space(b), kK32Text);
    REQUIRE(ia.table_present);
    REQUIRE(ib.table_present);
    CHECK(ia.pde_address != ib.pde_address);          // two directories ...
    CHECK((ia.pde >> 12) == table);                    // ... whose PDEs point at the same table
    CHECK((ib.pde >> 12) == table);
    CHECK(ia.pte_address == ib.pte_address);           // so the PTE is one word for both
    // VirtualQuery in B describes the DLL B never mapped itself.
    mm::MemoryBasicInformation q;
    REQUIRE(w.mm().virtual_query(w.space(b), kK32Text, q).ok);
    CHECK(q.allocation_base == kK32);
    CHECK(q.type == mm::mem::kImage);
    CHECK(q.state == mm::mem::kCommit);
    CHECK(q.protect == mm::page::kExecuteRead);
    // Both processes list it among their regions, after their own.
    const auto rb = w.mm().regions(w.space(b));
    REQUIRE_FALSE(rb.empty());
    CHECK(rb.back()->base() == kK32);
    w.require_invariants_at_every_event();
}

TEST_CASE("win95: a page A faults in is valid for B at once, and A's write to its data is B's too",
          "[shared-arena][fault]") {
    World w(mm::Personality::Win95, 64, mm::Policy::Clock, 4);
    const uint16_t a = w.create("A", "C:\\APP\\One.exe");
    const uint16_t b = w.create("B", "C:\\APP\\Two.exe");
    const mm::AccessResult ra = w.read(a, kK32Text);
    REQUIRE(ra.ok());
    CHECK((ra.faults & fault_bit(mm::FaultKind::ImageRead)) != 0);
    const auto ia = w.mm().pte_info(w.space(a), kK32Text), ib = w.mm().pte_info(w.space(b), kK32Text);
    CHECK(ib.kind == mm::PteKind::Valid);
    CHECK((ia.pte >> 12) == (ib.pte >> 12));
    const uint32_t frame = ib.pte >> 12;
    CHECK(w.mm().pfn()[frame].share_count == 1);  // one PTE maps it, for every process
    const mm::AccessResult rb = w.read(b, kK32Text);
    REQUIRE(rb.ok());
    CHECK(rb.faults == 0);
    CHECK(rb.value == ra.value);
    // A's write to the write-copy data page makes one copy, in the shared PTE: B sees it.
    REQUIRE(w.write(a, kK32Data, 0x12345678).ok());
    const uint32_t copy = w.mm().pte_info(w.space(b), kK32Data).pte >> 12;
    CHECK(w.mm().pfn()[copy].use == mm::FrameUse::Private);
    CHECK(w.mm().pfn()[copy].owner == mm::kNoSpace);
    const mm::AccessResult rd = w.read(b, kK32Data);
    REQUIRE(rd.ok());
    CHECK(rd.value == 0x12345678u);
    CHECK(w.mm().counter(mm::Counter::CommitCharge) >= 1);
    w.require_invariants_at_every_event();
}

TEST_CASE("win95: ExitProcess of one user keeps the DLL for the other, the last user frees everything",
          "[shared-arena][loader][teardown]") {
    World w(mm::Personality::Win95);
    const uint16_t a = w.create("A", "C:\\APP\\One.exe");
    const uint16_t b = w.create("B", "C:\\APP\\Two.exe");
    REQUIRE(w.read(a, kK32Text).ok());
    REQUIRE(w.write(b, kK32Data, 7).ok());
    const uint32_t table = w.mm().shared_table(kK32 >> 22);
    REQUIRE(w.rig.machine.exit_process(a).ok);
    REQUIRE(w.mm().shared_vads().size() == 1);
    CHECK(w.mm().shared_vads().begin()->second.users == std::vector<uint16_t>{w.space(b)});
    CHECK(w.mm().shared_table(kK32 >> 22) == table);
    const mm::AccessResult r = w.read(b, kK32Text);
    REQUIRE(r.ok());
    CHECK(r.faults == 0);
    CHECK(w.read(b, kK32Data).value == 7u);
    REQUIRE_INVARIANTS(w.rig);
    REQUIRE(w.rig.machine.exit_process(b).ok);
    CHECK(w.mm().shared_vads().empty());
    CHECK(w.mm().shared_table(kK32 >> 22) == mm::kNoFrame);
    CHECK(w.mm().frames_free() == w.free0);
    CHECK(w.mm().pagefile().used() == 0);
    CHECK(w.mm().counter(mm::Counter::CommitCharge) == 0);
    CHECK(w.mm().pfn()[table].state == mm::FrameState::Free);
    w.require_invariants_at_every_event();
    // Back to the start: exactly the initial machine.
    w.rig.machine.seek(0);
    test::require_same_snapshot(w.start, test::snapshot(w.rig.machine));
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("win95: FreeLibrary drops one process's use, a process created later gets the shared PDEs",
          "[shared-arena][loader]") {
    World w(mm::Personality::Win95);
    const uint16_t a = w.create("A", "C:\\APP\\Two.exe");
    const auto lb = os::load_library(w.rig.machine, a, "TWIN.DLL");  // same preferred base: relocated
    REQUIRE(lb.result.ok);
    const uint32_t twin = lb.result.value;
    CHECK(twin >= 0x80000000u);
    CHECK(twin < 0xC0000000u);
    CHECK(twin != kK32);
    CHECK(module(w.rig.machine, a, "TWIN.DLL")->relocated);
    const uint16_t b = w.create("B", "C:\\APP\\Two.exe");
    const size_t before = w.rig.machine.journal().events().size();
    const auto lb2 = os::load_library(w.rig.machine, b, "TWIN.DLL");
    REQUIRE(lb2.result.ok);
    CHECK(lb2.result.value == twin);  // joined where A's load put it: no second relocation
    CHECK(module(w.rig.machine, b, "TWIN.DLL")->relocated);
    CHECK(events_of_kind(w.rig.machine.journal(), before, mm::EventKind::Relocated) == 0);
    CHECK(events_of_kind(w.rig.machine.journal(), before, mm::EventKind::ImageMapped) == 0);
    REQUIRE(os::free_library(w.rig.machine, a, twin).ok);
    CHECK(w.mm().vad_at(w.space(a), twin) != nullptr);  // still there: B uses it (and A still sees it)
    REQUIRE(os::free_library(w.rig.machine, b, twin).ok);
    CHECK(w.mm().vad_at(w.space(a), twin) == nullptr);
    w.require_invariants_at_every_event();
}

TEST_CASE("win95: evicting a shared page while another process runs invalidates its TLB entry",
          "[shared-arena][tlb][eviction]") {
    World w(mm::Personality::Win95, 20, mm::Policy::Fifo, 4);
    const uint16_t a = w.create("A", "C:\\APP\\One.exe");
    const uint16_t b = w.create("B", "C:\\APP\\Two.exe");
    REQUIRE(w.read(a, kK32Text).ok());
    REQUIRE(w.read(b, kK32Text).ok());  // B's TLB holds the shared translation
    const mm::Result buf = w.mm().virtual_alloc(w.space(b), 0, 0x10000, mm::mem::kReserve | mm::mem::kCommit, mm::page::kReadWrite);
    REQUIRE(buf.ok);
    for (uint32_t off = 0; off < 0x10000; off += 0x1000) {
        const mm::AccessResult r = w.write(b, buf.value + off, off);
        if (!r.ok()) break;
        if (w.mm().pte_info(w.space(b), kK32Text).kind != mm::PteKind::Valid) break;
    }
    CHECK(w.mm().pte_info(w.space(b), kK32Text).kind == mm::PteKind::Prototype);
    CHECK(w.mm().pte_info(w.space(a), kK32Text).kind == mm::PteKind::Prototype);
    const mm::AccessResult again = w.read(b, kK32Text);
    REQUIRE(again.ok());
    CHECK((again.faults & fault_bit(mm::FaultKind::ImageRead)) != 0);
    w.require_invariants_at_every_event();
}

TEST_CASE("nt: an image based above user space is mapped per process, relocated into each", "[shared-arena][nt]") {
    World w(mm::Personality::Nt);
    const uint16_t a = w.create("A", "C:\\APP\\One.exe");
    const uint16_t b = w.create("B", "C:\\APP\\Two.exe");
    CHECK(w.mm().shared_vads().empty());
    const os::Module* ka = module(w.rig.machine, a, "KERNEL32.DLL");
    const os::Module* kb = module(w.rig.machine, b, "KERNEL32.DLL");
    REQUIRE(ka);
    REQUIRE(kb);
    CHECK(ka->base < 0x80000000u);
    CHECK(ka->relocated);
    CHECK(w.mm().space(w.space(a)).find_vad(ka->base) != nullptr);
    CHECK(w.mm().space(w.space(b)).find_vad(kb->base) != nullptr);
    const auto ia = w.mm().pte_info(w.space(a), ka->base), ib = w.mm().pte_info(w.space(b), kb->base);
    CHECK((ia.pde >> 12) != (ib.pde >> 12));  // per-process page tables
    for (uint32_t idx = 0x200; idx < 0x300; ++idx) CHECK(w.mm().shared_table(idx) == mm::kNoFrame);
    REQUIRE(w.rig.machine.exit_process(a).ok);
    REQUIRE(w.rig.machine.exit_process(b).ok);
    CHECK(w.mm().frames_free() == w.free0);
    w.require_invariants_at_every_event();
}
