// UI tests of the glossary tooltips and of VMMap's summary above the region table (issue 14,
// "Also"), read from the screen.
//
// glossary: the narration's terms are found where they are drawn (their rectangles come from the
// same layout the text was drawn with); moving the mouse onto one shows the definition of
// po/glossary.yaml in the language shown — English, Chinese, Russian.
// vmmap-summary: the summary's rows as drawn equal the sums of the model's own VirtualQuery
// answers, after every step of lesson 15, and lesson 01's three committed pages read 12 K; it
// starts folded (its fold sits on the legend's line) and a click opens it.
#include "testing/TestHelpers.h"

#include <array>
#include <memory>

#include <GLFW/glfw3.h>

#include "i18n/Glossary.h"
#include "mm/Win32.h"
#include "widgets/Widgets.h"

namespace pagelab::ui {

namespace {

const DrawnTerm* drawn(const std::string& id) {
    for (const DrawnTerm& t : glossary_terms_drawn())
        if (t.id == id) return &t;
    return nullptr;
}

// Hover the term `id` of the narration, then check the tooltip is its entry in `lang`.
void hover_term(TestDriver& t, const std::string& lang, const std::string& id, const std::string& words) {
    t.act("switch to " + lang, [lang](App& app) { app.set_language(lang); });
    t.mouse_away();
    t.wait(3);  // the atlas follows the language a frame later
    t.check(fmt::format("{}: '{}' is drawn as a term of the glossary", lang, words), [id, words](App&) {
        const DrawnTerm* d = drawn(id);
        if (!d) return fmt::format("no term '{}' drawn ({} terms drawn)", id, glossary_terms_drawn().size());
        return expect_eq(d->text, words, "its words");
    });
    t.click_at(lang + ": the term " + words, [id](App&) -> std::optional<ImVec2> {
        const DrawnTerm* d = drawn(id);
        if (!d) return std::nullopt;
        return d->rect.GetCenter();
    });
    t.wait(1);
    t.check(fmt::format("{}: hovering '{}' shows its definition", lang, words), [lang, id](App&) {
        const GlossaryTooltip& tip = last_glossary_tooltip();
        if (tip.frame < ImGui::GetFrameCount() - 1) return std::string("no glossary tooltip on screen");
        if (auto e = expect_eq(tip.id, id, "the entry shown"); !e.empty()) return e;
        for (const auto& entry : i18n::glossary())
            if (entry.id == id) return expect_eq(tip.text, entry.in(lang).text, "the definition");
        return std::string("the entry is not in the glossary");
    });
}

// The model's own sums: VirtualQuery from 0 to the end of the user arena (and win95's shared
// arena when it holds regions), bytes by type and state.
struct Sums {
    uint64_t image = 0, mapped = 0, priv = 0, free = 0, committed = 0, reserved = 0;
};
Sums model_sums(App& app, uint16_t space) {
    const mm::MemoryManager& m = app.mm();
    const mm::AddressSpace& sp = m.space(space);
    const uint64_t end = sp.layout().shared_begin && !m.shared_vads().empty() ? sp.layout().shared_end : sp.layout().user_end;
    Sums s;
    for (uint64_t va = 0; va < end;) {
        mm::MemoryBasicInformation q;
        if (!m.virtual_query(space, uint32_t(va), q).ok || q.region_size == 0) break;
        const uint64_t n = q.region_size;
        if (q.state == mm::mem::kFree) s.free += n;
        else if (q.type == mm::mem::kImage) s.image += n;
        else if (q.type == mm::mem::kMapped) s.mapped += n;
        else s.priv += n;
        s.committed += q.state == mm::mem::kCommit ? n : 0;
        s.reserved += q.state == mm::mem::kReserve ? n : 0;
        va += n;
    }
    return s;
}

std::string field(const std::string& row, int i) {
    size_t at = 0;
    for (int k = 0; k < i; ++k) at = row.find(" | ", at) + 3;
    const size_t end = row.find(" | ", at);
    return row.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// "1,234 K" back to bytes; blank is 0.
uint64_t kb_of(const std::string& cell) {
    uint64_t v = 0;
    for (char c : cell)
        if (c >= '0' && c <= '9') v = v * 10 + uint64_t(c - '0');
    return v * 1024;
}

Check summary_matches() {
    return [](App& app) -> std::string {
        const std::string step = fmt::format("step {}", app.session().steps_done());
        const uint16_t space = app.state().space;
        if (space == mm::kNoSpace || !app.mm().space(space).alive()) return {};
        const Sums s = model_sums(app, space);
        const std::string total = probe(app, "summary.total");
        if (total == "<not drawn>") return step + ": the summary was not drawn";
        auto size_of = [&](const char* key) {
            const std::string row = probe(app, std::string("summary.") + key);
            return row == "<not drawn>" ? uint64_t(0) : kb_of(field(row, 1));
        };
        const std::array<std::tuple<const char*, uint64_t, uint64_t>, 4> want = {
            std::tuple{"image", size_of("image"), s.image}, {"mapped", size_of("mapped-file") + size_of("shareable"), s.mapped},
            {"private", size_of("private-data"), s.priv}, {"free", size_of("free"), s.free}};
        for (const auto& [what, shown, model] : want)
            if (shown != model) return fmt::format("{}: {} shows {} bytes, VirtualQuery sums {}", step, what, shown, model);
        if (kb_of(field(total, 1)) != s.image + s.mapped + s.priv) return step + ": Total size is not the sum of the types: " + total;
        if (kb_of(field(total, 2)) != s.committed) return fmt::format("{}: Total committed {} , VirtualQuery {}", step, total, s.committed);
        if (kb_of(field(total, 3)) != s.reserved) return fmt::format("{}: Total reserved {}, VirtualQuery {}", step, total, s.reserved);
        return {};
    };
}

}  // namespace

void glossary_hover(TestDriver& t) {
    t.act("record the glossary's terms", [](App&) { record_glossary_terms(true); });
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.wait(2);
    hover_term(t, "en", "commit-charge", "commit charge");
    hover_term(t, "zh", "commit-charge", "已调拨总量");
    hover_term(t, "ru", "commit-charge", "Объём переданной памяти");
    hover_term(t, "en", "vad", "VAD");
    t.act("stop recording", [](App& app) {
        record_glossary_terms(false);
        app.set_language("en");
    });
}

void open_summary(TestDriver& t) {
    t.check("the summary starts folded (the region table keeps its rows)",
            [](App& app) { return expect_eq(probe(app, "summary.open"), std::string("folded")); });
    t.click("summary.header");
    t.mouse_away();
    t.wait(2);
    t.check("a click on its fold opens it", [](App& app) { return expect_eq(probe(app, "summary.open"), std::string("open")); });
}

void vmmap_summary_01(TestDriver& t) {
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.wait(2);
    open_summary(t);
    t.check("lesson 01 step 2: A's three committed pages are 12 K of Private Data, one block", [](App& app) {
        return expect_eq(probe(app, "summary.private-data"), std::string("Private Data | 12 K | 12 K |  |  | 1"), "the row");
    });
    t.check("the summary agrees with VirtualQuery", summary_matches());
}

void vmmap_summary_15(TestDriver& t) {
    t.key(GLFW_KEY_RIGHT);
    t.wait(2);
    open_summary(t);
    t.key(GLFW_KEY_LEFT);
    t.wait(1);
    for (int i = 0; i < 4; ++i) {
        t.key(GLFW_KEY_RIGHT);
        t.wait(1);
        t.check(fmt::format("after step {}: the summary's rows are VirtualQuery's sums", i + 1), summary_matches());
    }
}

}  // namespace pagelab::ui
