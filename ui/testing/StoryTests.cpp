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

}  // namespace pagelab::ui
