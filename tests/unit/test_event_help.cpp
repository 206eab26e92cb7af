// What each kind of event means (mm/EventHelp.cpp, the tooltip of an event's kind chip in the
// window): every kind has one or two sentences, and the catalogues translate each into Chinese
// and Russian.
#include <catch2/catch.hpp>

#include <string>

#include "i18n/I18n.h"
#include "mm/EventHelp.h"

using namespace pagelab;

namespace {
struct Language {
    explicit Language(const char* lang) { i18n::set_language(lang); }
    ~Language() { i18n::set_language("en"); }
};
}  // namespace

TEST_CASE("every event kind has an explanation, in English, Chinese and Russian", "[i18n][events]") {
    for (size_t k = 0; k < size_t(mm::EventKind::Count_); ++k) {
        const auto kind = mm::EventKind(k);
        INFO("event kind " << mm::event_kind_name(kind));
        const char* en = mm::event_kind_help(kind);
        REQUIRE(en != nullptr);
        const std::string text = en;
        CHECK(text.size() > 30);
        CHECK(text.size() < 260);  // one or two sentences: a tooltip, not a page
        CHECK((text.back() == '.' || text.back() == ')'));
        for (const char* lang : {"zh", "ru"}) {
            Language l(lang);
            INFO("language " << lang);
            const std::string translated = i18n::tr(en);
            CHECK(translated != text);  // the catalogue has it
            CHECK(!translated.empty());
        }
    }
}

TEST_CASE("a kind's explanation is its own: no two kinds share one", "[events]") {
    for (size_t a = 0; a < size_t(mm::EventKind::Count_); ++a)
        for (size_t b = a + 1; b < size_t(mm::EventKind::Count_); ++b) {
            const char* x = mm::event_kind_help(mm::EventKind(a));
            const char* y = mm::event_kind_help(mm::EventKind(b));
            if (x && y) CHECK(std::string(x) != std::string(y));
        }
}
