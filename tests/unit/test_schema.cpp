// The JSON Schema of scenario files is generated from the parser's tables (sim/Schema.h); these
// tests check that the generator covers them all, and that the lesson skeleton of `pagelab new`
// is a lesson that passes check and lint. (The schema is validated against the lessons and the
// malformed inputs with a real JSON Schema validator by tests/schema/validate.py.)
#include <catch2/catch.hpp>

#include "mm/MemoryManager.h"
#include "sim/Lint.h"
#include "sim/Schema.h"
#include "sim/Session.h"
#include "sim/Skeleton.h"

using namespace pagelab;

TEST_CASE("the scenario schema has a step kind for every operation, with exactly its arguments", "[schema]") {
    const auto schema = sim::scenario_schema();
    const auto& defs = schema["definitions"];
    for (const sim::OpInfo& op : sim::operation_table()) {
        INFO(op.name);
        REQUIRE(defs.contains("step_" + op.name));
        const auto& step = defs["step_" + op.name];
        CHECK(step["properties"]["do"]["const"] == op.name);
        CHECK(step["additionalProperties"] == false);
        for (const auto& a : op.args) {
            INFO(a.key);
            CHECK(step["properties"].contains(a.key));
            const auto& req = step["required"];
            CHECK((std::find(req.begin(), req.end(), a.key) != req.end()) == a.required);
        }
        CHECK(step["properties"].size() == op.args.size() + sim::format_keys().step.size());
    }
}

TEST_CASE("the scenario schema has every expectation with exactly its fields, and every counter", "[schema]") {
    const auto schema = sim::scenario_schema();
    const auto& ex = schema["definitions"]["expectations"]["properties"];
    CHECK(ex.size() == sim::expectation_table().size());
    for (const sim::ExpectInfo& e : sim::expectation_table()) {
        INFO(e.name);
        REQUIRE(ex.contains(e.name));
        if (e.kind == sim::ExpectKind::Counters) {
            CHECK(ex[e.name]["properties"].size() == sim::counter_names().size());
        } else if (!e.fields.empty()) {
            const auto& obj = (e.kind == sim::ExpectKind::SameFrame || e.kind == sim::ExpectKind::DifferentFrame) ? ex[e.name]["items"]
                                                                                                                      : ex[e.name];
            CHECK(obj["properties"].size() == e.fields.size());
            for (const auto& f : e.fields) CHECK(obj["properties"].contains(f.key));
        }
    }
}

TEST_CASE("the format's word lists are words the parsers accept", "[schema]") {
    for (const auto& w : sim::policy_words()) CHECK(mm::parse_policy(w).has_value());
    for (const auto& c : sim::counter_names())
        if (c != "frames_free" && c != "pagefile_used") CHECK(mm::parse_counter(c).has_value());
    // A schema that does not generate (a key of the parser missing from it) throws.
    CHECK_NOTHROW(sim::scenario_schema());
    CHECK_NOTHROW(sim::course_schema());
    CHECK(sim::schema_text(sim::scenario_schema()).find(sim::kSchemaMarker) != std::string::npos);
}

TEST_CASE("pagelab new's skeleton runs with every expectation holding, and lint finds nothing", "[schema][new]") {
    sim::SkeletonOptions o;
    o.title = "It's a test: quotes and colons";
    o.schema_path = "../docs/scenario.schema.json";
    const std::string text = sim::lesson_skeleton(o);
    auto r = sim::parse_scenario(text, "new.yaml");
    REQUIRE_FALSE(r.error);
    CHECK(r.scenario->title == o.title);
    CHECK(sim::lint_scenario(*r.scenario).empty());
    size_t questions = 0, narrated = 0;
    for (const auto& s : r.scenario->steps) {
        questions += s.ask ? 1 : 0;
        narrated += s.say.empty() ? 0 : 1;
    }
    CHECK(questions == 1);
    CHECK(narrated == r.scenario->steps.size());
    sim::Session session(std::move(*r.scenario));
    CHECK(session.failed_steps() == 0);
}

TEST_CASE("a new lesson's title comes from its file name, without the lesson number", "[new]") {
    CHECK(sim::title_from_file_name("07-paging-out.yaml") == "Paging out");
    CHECK(sim::title_from_file_name("dir/my_lesson") == "My lesson");
    CHECK(sim::title_from_file_name("2024.yaml") == "2024");
}
