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
#include <cstdio>
#include <functional>
#include <memory>

#include <GLFW/glfw3.h>

#include "i18n/Glossary.h"
#include "testing/TextCheck.h"
#include "mm/Win32.h"
#include "widgets/Widgets.h"

namespace pagelab::ui {

namespace {

const DrawnTerm* drawn(const std::string& id, const std::string& window = "") {
    for (const DrawnTerm& t : glossary_terms_drawn())
        if (t.id == id && t.window.find(window) != std::string::npos) return &t;
    return nullptr;
}

std::string without_spaces(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\n') out += c;
    return out;
}

// The tooltip on screen (its glyphs, as drawn) shows the entry `id` in `lang`: its heading and
// its definition.
Check tooltip_shows(const std::string& lang, const std::string& id) {
    return [lang, id](App&) -> std::string {
        const std::string drawn_text = tooltip_text();
        if (drawn_text.empty()) return "no tooltip on screen";
        for (const auto& entry : i18n::glossary()) {
            if (entry.id != id) continue;
            const i18n::GlossaryText& t = entry.in(lang);
            const std::string seen = without_spaces(drawn_text);
            if (seen.find(without_spaces(t.term)) == std::string::npos)
                return fmt::format("the tooltip does not show the heading '{}': '{}'", t.term, drawn_text);
            if (seen.find(without_spaces(t.text)) == std::string::npos)
                return fmt::format("the tooltip does not show the definition of '{}': '{}'", t.term, drawn_text);
            return std::string();
        }
        return "the entry is not in the glossary";
    };
}

// Move the mouse (no press) onto line `line` of the term `id` drawn in `window`.
void hover_drawn(TestDriver& t, const std::string& what, const std::string& id, const std::string& window, size_t line = 0) {
    t.hover_at(what, [id, window, line](App&) -> std::optional<ImVec2> {
        const DrawnTerm* d = drawn(id, window);
        if (!d || d->lines.size() <= line) return std::nullopt;
        return d->lines[line].GetCenter();
    });
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
    hover_drawn(t, lang + ": the term " + words, id, "");
    t.check(fmt::format("{}: hovering '{}' shows its definition", lang, words), [lang, id](App& app) {
        const GlossaryTooltip& tip = last_glossary_tooltip();
        if (tip.frame < ImGui::GetFrameCount() - 1) return std::string("no glossary tooltip on screen");
        if (auto e = expect_eq(tip.id, id, "the entry shown"); !e.empty()) return e;
        return tooltip_shows(lang, id)(app);
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

namespace {

// The first term drawn in view (not scrolled out of its window) that `pick` accepts.
const DrawnTerm* first_drawn(const std::function<bool(const DrawnTerm&)>& pick) {
    for (const DrawnTerm& d : glossary_terms_drawn()) {
        const ImGuiWindow* w = ImGui::FindWindowByName(d.window.c_str());
        if (pick(d) && w && w->InnerClipRect.Contains(d.lines.front().GetCenter()) && w->InnerClipRect.Contains(d.lines.back().GetCenter())) return &d;
    }
    return nullptr;
}

// Hover the first term `pick` accepts (no click), then check the tooltip drawn is its entry in
// `lang` and the cursor did not move.
void hover_first(TestDriver& t, const std::string& what, const std::string& lang, std::function<bool(const DrawnTerm&)> pick) {
    auto id = std::make_shared<std::string>();
    auto cursor = std::make_shared<size_t>();
    t.check(lang + ": " + what + " is drawn as a term", [pick, id, cursor](App& app) {
        const DrawnTerm* d = first_drawn(pick);
        if (!d) return fmt::format("no such term among the {} drawn", glossary_terms_drawn().size());
        *id = d->id;
        *cursor = app.session().cursor();
        return std::string();
    });
    t.hover_at(lang + ": " + what, [pick](App&) -> std::optional<ImVec2> {
        const DrawnTerm* d = first_drawn(pick);
        if (!d) return std::nullopt;
        return d->lines.back().GetCenter();  // (its last line: a term parted by a line break shows from either)
    });
    t.check(lang + ": hovering " + what + " shows its glossary entry", [lang, id](App& app) { return tooltip_shows(lang, *id)(app); });
    t.check(lang + ": ... and hovering did not move the cursor",
            [cursor](App& app) { return expect_eq(app.session().cursor(), *cursor, "the cursor"); });
}

void in_language(TestDriver& t, const std::string& lang) {
    t.act("switch to " + lang, [lang](App& app) { app.set_language(lang); });
    t.mouse_away();
    t.wait(3);  // the atlas follows the language a frame later
}

void show_tab(TestDriver& t, const std::string& tab) {
    t.click("tab." + tab);
    t.mouse_away();
    t.wait(2);
}

}  // namespace

// Lesson 01 step 2: a term of an event's sentence, column headers (the region table's
// "Protection", Objects' "Regions") and a tab ("Page tables") show their glossary entry when the mouse is over them, in English, Russian and
// Chinese, read from the tooltip as drawn; hovering an event's row does not move the cursor.
void glossary_panels(TestDriver& t) {
    t.act("record the glossary's terms", [](App&) { record_glossary_terms(true); });
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.wait(2);
    auto in_events = [](const DrawnTerm& d) { return !d.label && d.window.find("##events") != std::string::npos; };
    auto header = [](const DrawnTerm& d) { return d.label && d.id == "region"; };
    auto tab = [](const DrawnTerm& d) { return d.label && d.id == "page-table"; };
    auto protection = [](const DrawnTerm& d) { return d.label && d.id == "protection" && d.window.find("##regions") != std::string::npos; };
    for (const std::string lang : {"en", "ru", "zh"}) {
        in_language(t, lang);
        show_tab(t, "Address space");
        hover_first(t, "the region table's header 'Protection'", lang, protection);
        show_tab(t, "Events");
        hover_first(t, "a term of an event's sentence", lang, in_events);
        show_tab(t, "Objects");
        hover_first(t, "the column header 'Regions'", lang, header);
        hover_first(t, "the tab 'Page tables'", lang, tab);
        t.mouse_away();
    }
    t.act("stop recording", [](App& app) {
        record_glossary_terms(false);
        app.set_language("en");
    });
}

// Russian, classroom mode, 1280x800: the steps go by until a term of a text is parted by a line
// break; hovering its second part, then its first, shows its entry (the term is found in the text
// before it is broken into lines).
void glossary_split(TestDriver& t) {
    t.act("record the glossary's terms", [](App&) { record_glossary_terms(true); });
    in_language(t, "ru");
    auto split = [](const DrawnTerm& d) { return !d.label && d.lines.size() >= 2; };
    t.wait_until("a term parted by a line break", [split](App& app) {
        if (first_drawn(split)) return true;
        if (app.session().steps_done() < app.session().step_count()) app.seek_step(app.session().steps_done() + 1);
        return false;
    }, 400);
    auto id = std::make_shared<std::string>();
    t.check("ru: a term is drawn on two lines", [split, id](App& app) {
        const DrawnTerm* d = first_drawn(split);
        if (!d) return fmt::format("none up to step {}", app.session().steps_done());
        *id = d->id;
        std::printf("  '%s' (%s) at step %zu, in %s\n", d->text.c_str(), d->id.c_str(), app.session().steps_done(), d->window.c_str());
        return std::string();
    });
    for (size_t line : {size_t(1), size_t(0)}) {
        t.hover_at(fmt::format("ru: the term's line {}", line + 1), [split, line](App&) -> std::optional<ImVec2> {
            const DrawnTerm* d = first_drawn(split);
            if (!d) return std::nullopt;
            return d->lines[line].GetCenter();
        });
        t.check(fmt::format("ru: hovering its line {} shows its entry", line + 1), [id](App& app) {
            if (auto e = expect_eq(last_glossary_tooltip().id, *id, "the entry"); !e.empty()) return e;
            return tooltip_shows("ru", *id)(app);
        });
    }
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
