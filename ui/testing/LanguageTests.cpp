// UI tests of the window's languages (issue 17): switching through the Language menu at a step
// changes the narration and the panel labels at once, and every character drawn has a glyph.
#include "testing/TestHelpers.h"

#include <GLFW/glfw3.h>

#include "i18n/I18n.h"

namespace pagelab::ui {

namespace {

// The narration the lesson panel must show in `lang` after `steps` steps: the lesson's own
// translation, read from the scenario, not from what the window drew.
std::string say_in(App& app, size_t step, const std::string& lang) {
    const sim::Step& st = app.session().scenario().steps[step];
    auto it = st.say_tr.find(lang);
    return lang == "en" || it == st.say_tr.end() ? st.say : it->second;
}

// Glyph quads the frame drew with a font's fallback glyph (U+FFFD, or '?' when the font has none):
// a character the atlas does not hold. Each glyph has its own place in the atlas, so a quad whose
// top-left texture coordinate is the fallback glyph's is one drawn in its stead.
std::string fallback_glyphs_drawn() {
    const ImDrawData* dd = ImGui::GetDrawData();
    if (!dd) return "nothing was drawn";
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    size_t found = 0;
    for (const ImFont* font : atlas->Fonts) {
        const ImFontGlyph* g = font->FallbackGlyph;
        if (!g) continue;
        if (font->FallbackChar == '?') return "the fonts have no U+FFFD: a missing glyph cannot be told from a '?'";
        for (int l = 0; l < dd->CmdListsCount; ++l)
            for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer)
                if (v.uv.x == g->U0 && v.uv.y == g->V0) ++found;
    }
    return found == 0 ? std::string() : fmt::format("{} glyph(s) drawn as the fallback glyph (a character missing from the atlas)", found);
}

// Every character of `text` has a glyph of its own in the font.
std::string has_glyphs(ImFont* font, const std::string& text, const std::string& what) {
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
        unsigned c = 0;
        p += std::max(1, ImTextCharFromUtf8(&c, p, end));
        if (c >= 0x20 && !font->FindGlyphNoFallback(ImWchar(c)))
            return fmt::format("{}: U+{:04X} has no glyph in the font", what, c);
    }
    return {};
}

Check shows_language(const std::string& lang, const std::string& page_tables, size_t step) {
    return [lang, page_tables, step](App& app) {
        if (auto e = expect_eq(app.language(), lang, "the window's language"); !e.empty()) return e;
        if (auto e = expect_eq(std::string(i18n::language()), lang, "the catalogue's language"); !e.empty()) return e;
        const std::string say = say_in(app, step, lang);
        if (lang != "en" && say == app.session().scenario().steps[step].say) return fmt::format("step {} has no {} narration", step + 1, lang);
        if (auto e = expect_eq(probe(app, "lesson.say"), say, "narration"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "label.Page tables"), page_tables, "the page tables' tab"); !e.empty()) return e;
        if (auto e = has_glyphs(app.fonts().big, say, "narration"); !e.empty()) return e;
        if (auto e = has_glyphs(app.fonts().ui, probe(app, "label.Page tables"), "tab label"); !e.empty()) return e;
        if (auto e = has_glyphs(app.fonts().bold, probe(app, "lesson.title"), "lesson title"); !e.empty()) return e;
        return fallback_glyphs_drawn();
    };
}

void choose(TestDriver& t, const std::string& lang) {
    t.mouse_away();
    t.click("menu.language");
    t.click("menu.language." + lang);
    t.mouse_away();
    t.wait(3);  // a lesson with new characters rebuilds the atlas between frames
    // The browser fetches the Chinese font when Chinese is chosen; the atlas is built again when
    // it is there (the desktop finds it installed: no wait).
    if (lang == "zh") t.wait_until("the Chinese font", [](App& app) { return app.fonts().cjk; }, 600);
}

}  // namespace

// Lesson 01 at step 2: English, then 中文 and Русский through the Language menu, a step in
// Russian, and back to English; each time the narration and the page tables' tab are in the
// language chosen and no character is drawn as the fallback glyph.
void language_switch(TestDriver& t) {
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.mouse_away();
    t.check("English at step 2", shows_language("en", "Page tables", 1));
    choose(t, "zh");
    t.check("中文 at the same step: the narration and the tab change, every glyph drawn", shows_language("zh", "页表", 1));
    t.check("the cursor did not move", [](App& app) { return expect_eq(app.session().steps_done(), size_t(2), "steps done"); });
    choose(t, "ru");
    t.check("Русский at the same step", shows_language("ru", "Таблицы страниц", 1));
    t.key(GLFW_KEY_RIGHT);
    t.mouse_away();
    t.check("a step in Russian narrates in Russian", shows_language("ru", "Таблицы страниц", 2));
    choose(t, "en");
    t.check("back to English", shows_language("en", "Page tables", 2));
}

}  // namespace pagelab::ui
