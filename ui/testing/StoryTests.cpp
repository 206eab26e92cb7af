// UI tests of the window following the story: after each move the panels show what it touched.
#include "testing/TestHelpers.h"

#include <GLFW/glfw3.h>

#include "sim/Touched.h"

namespace pagelab::ui {

namespace {

bool is_access(mm::EventKind k) {
    using mm::EventKind;
    return k == EventKind::AccessDone || k == EventKind::PageFault || k == EventKind::Retry || k == EventKind::AccessViolation ||
           k == EventKind::GuardPage || k == EventKind::DebuggerWrite;
}

// The page whose PTE should be selected after event e: the page an access touched, else the
// first process PTE the event wrote. Read from the journal, not from what the window computed.
std::optional<std::pair<std::string, uint32_t>> expected_page(App& app, size_t e) {
    const sim::Session& s = app.session();
    const core::EventRecord& ev = s.event(e);
    if (is_access(mm::EventKind(ev.kind))) return std::pair{app.machine().space_name(ev.space), x86::page_base(ev.args[0])};
    const auto& changes = app.machine().journal().changes();
    for (size_t c = s.first_change(e); c < s.first_change(e + 1); ++c) {
        const core::Change& ch = changes[c];
        if (ch.store != core::Store::PhysBytes || ch.field != 4) continue;
        const auto where = sim::locate_entry(app.mm(), ch.target);
        if (where && where->kind == sim::EntryLocation::Kind::Pte) return std::pair{app.machine().space_name(where->space), where->va};
    }
    return std::nullopt;
}

}  // namespace

// Lesson 15 stepped one event at a time: after every event that accesses a page or writes a PTE,
// that page's PTE is the one selected and drawn selected in the page table on screen, and the
// decoder shows its value now - CreateProcess's image PTEs included, as they are written.
void story_15(TestDriver& t) {
    for (int i = 0; i < 64; ++i) {
        t.key(GLFW_KEY_RIGHT, true);
        t.check(fmt::format("event {}: the PTE it wrote or the page it touched is selected on screen", i + 1), [](App& app) {
            const sim::Session& s = app.session();
            if (s.cursor() == 0) return std::string("the cursor did not move");
            const size_t e = s.cursor() - 1;
            const auto want = expected_page(app, e);
            if (!want) return std::string();
            const std::string where = fmt::format("{} {:08X}", want->first, want->second);
            if (auto err = expect_eq(probe(app, "pt.selected"), where, fmt::format("event {} ({})", e + 1, s.explain(e))); !err.empty())
                return err;
            const os::Process* p = app.machine().find_process(want->first);
            const auto info = app.mm().pte_info(p->space, want->second);
            return expect_eq(probe(app, "decoder.raw"), fmt::format("{:08X}", info.pte), "the decoder");
        });
    }
}

// A lesson stepped by operation: after each step the page-table panel is on a table (never an
// empty PDE while the process has page tables), and a step that accessed memory selects the page
// of its last access - read from the journal, not from what the window computed.
namespace {

std::string story_step_check(App& app) {
    const sim::Session& s = app.session();
    const std::string where = fmt::format("{} step {}", app.session().scenario().title.substr(0, 40), s.steps_done());
    const UiState& st = app.state();
    if (st.space == mm::kNoSpace || st.space >= app.mm().spaces().size() || !app.mm().space(st.space).alive()) return {};
    const uint32_t cr3 = app.mm().space(st.space).cr3();
    // An empty table is the story only when this step cleared that PDE (its table was freed).
    if (probe(app, "pt.grid") == "none" && !(st.entry_level == EntryLevel::Pde && app.derived().changes().word(cr3 + 4 * st.pde_index))) {
        for (uint32_t i = 0; i < 512; ++i)
            if (app.mm().ram().read_u32(cr3 + 4 * i) & x86::Pte::kPresent)
                return fmt::format("{}: the page tables show PDE {:03X}, which has no table, though {} has page tables (PDE {:03X})", where,
                                   st.pde_index, app.machine().space_name(st.space), i);
    }
    if (s.steps_done() == 0) return {};
    for (size_t e = s.cursor(); e-- > s.first_event_of_step(s.steps_done() - 1);) {
        const core::EventRecord& ev = s.event(e);
        if (!is_access(mm::EventKind(ev.kind)) || !app.mm().space(ev.space).alive()) continue;
        return expect_eq(probe(app, "pt.selected"), fmt::format("{} {:08X}", app.machine().space_name(ev.space), x86::page_base(ev.args[0])),
                         where + ": the page of the step's last access");
    }
    return {};
}

void story_lessons(TestDriver& t, const std::vector<std::pair<std::string, int>>& lessons) {
    for (const auto& lesson : lessons) {
        const std::string file = lesson.first;  // (clang 14 cannot capture a structured binding)
        const int steps = lesson.second;
        t.act("open " + file, [file](App& app) { app.load(std::string(PAGELAB_SOURCE_DIR) + "/scenarios/" + file); });
        t.check("opened " + file, [file](App& app) { return expect_contains(app.scenario_path(), file, "the lesson"); });
        for (int i = 0; i < steps; ++i) {
            t.key(GLFW_KEY_RIGHT);
            t.check(fmt::format("{} step {}: the page tables show the story", file, i + 1), story_step_check);
        }
        t.check(file + " is at its end", [](App& app) { return expect_eq(app.session().cursor(), app.session().event_count(), "cursor"); });
    }
}

}  // namespace

// The CreateProcess lessons and the lessons where the panel used to stay on an empty PDE 000.
void story_lessons_nt(TestDriver& t) {
    story_lessons(t, {{"13-belady-fifo-4-frames.yaml", 15}, {"16-real-pe32-files.yaml", 10}, {"17-sec-image-mapping.yaml", 14},
                      {"18-dll-base-collision-relocation.yaml", 7}, {"19-rebase-with-the-base-switch.yaml", 7},
                      {"20-fixed-dll-createprocess-fails.yaml", 6}, {"21-missing-dll.yaml", 6}, {"22-two-instances-copy-on-write.yaml", 14},
                      {"23-appinst-shared-counter.yaml", 11}, {"24-appinst-as-the-book-writes-it.yaml", 28}, {"25-second-instance-nt.yaml", 6},
                      {"28-reverse-a-file-through-a-view.yaml", 25}, {"34-mapped-file-under-memory-pressure.yaml", 18}});
}

// The Windows 95 lessons.
void story_lessons_95(TestDriver& t) {
    story_lessons(t, {{"26-second-instance-win95.yaml", 6}, {"27-win95-softice-second-instance.yaml", 12}, {"36-ipc-win95-shared-arena.yaml", 23},
                      {"38-win95-system-dlls-shared-arena.yaml", 13}, {"39-win95-data-file-view.yaml", 24}});
}

// Lesson 02 (the TLB): the TLB panel comes to the front and says hit / miss / flush as drawn,
// the walk panel says "TLB hit: no walk" on a hit, and after "B runs now" the panels show B.
void tlb_story(TestDriver& t) {
    auto at_step = [&t](int n) {
        t.key(GLFW_KEY_HOME);
        for (int i = 0; i < n; ++i) t.key(GLFW_KEY_RIGHT);
        t.mouse_away();
    };
    at_step(5);
    t.check("step 5, the first read: a TLB miss, drawn in the TLB panel", [](App& app) {
        if (auto e = expect_eq(probe(app, "tlb.lookup"), std::string("miss"), "the TLB panel"); !e.empty()) return e;
        return expect_contains(probe(app, "tlb.sentence"), "filled entry #0", "the TLB's sentence");
    });
    at_step(6);
    t.check("step 6, the same page again: the TLB panel is in front and says hit, no walk", [](App& app) {
        if (auto e = expect_eq(probe(app, "tlb.lookup"), std::string("hit"), "the TLB panel"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "tlb.hit_entry"), std::string("0"), "the entry that hit"); !e.empty()) return e;
        return expect_contains(probe(app, "tlb.sentence"), "no walk", "the TLB's sentence");
    });
    t.click("tab.Translation walk");
    t.wait(1);
    t.check("... and the walk panel says TLB hit: no walk", [](App& app) {
        return expect_eq(probe(app, "walk.result"), std::string("tlb-hit"), "the walk");
    });
    at_step(9);
    t.check("step 9, B runs: the TLB panel shows the flush, every entry empty", [](App& app) {
        if (auto e = expect_eq(probe(app, "tlb.flushed"), std::string("yes"), "flushed"); !e.empty()) return e;
        return expect_eq(probe(app, "tlb.valid"), std::string("0"), "valid entries");
    });
    t.check("... and the page tables show B, the running process", [](App& app) {
        return expect_eq(probe(app, "pt.process"), std::string("B"), "the process of the page tables on screen");
    });
}

// Lesson 20: after A's CreateProcess fails, the middle panels say A failed, not that no process
// exists; at the end (B exited too) they name both.
void failed_process(TestDriver& t) {
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.check("after step 2 the address-space panel says A failed", [](App& app) {
        return expect_contains(probe(app, "as.none"), "A failed", "the address-space panel");
    });
    t.key(GLFW_KEY_END);
    t.check("at the end it names A failed and B exited", [](App& app) {
        if (auto e = expect_contains(probe(app, "as.none"), "A failed", "the address-space panel"); !e.empty()) return e;
        return expect_contains(probe(app, "as.none"), "B exited", "the address-space panel");
    });
}

}  // namespace pagelab::ui
