// UI tests of the texture maps' partial updates (ui/widgets/TextureMap.cpp, docs/ui.md,
// Performance): stepping event by event forward and back, and by whole steps, each partial update
// of the frame map and the slot map must leave exactly the texels a full fill gives — in the
// map's CPU copy and in the texture the GPU holds (read back) — and so must every map the move
// left as it was.
#include "testing/TestHelpers.h"

#include <map>
#include <memory>

namespace pagelab::ui {

namespace {

struct Tally {
    std::map<std::string, int> full, partial;
};

// The updates the maps made in the frame just drawn: each partial one verified against a full fill.
std::string updates_match(App& app, Tally& tally, const std::string& move) {
    for (const std::string map : {"frames", "slots"}) {
        const std::string* u = app.probe().find_value(map + ".update");
        const std::string* bad = app.probe().find_value(map + ".mismatches");
        if (u && *u == "full") {
            ++tally.full[map];
            continue;
        }
        if (u) ++tally.partial[map];
        if (!bad) {
            if (u) return fmt::format("{} after {}: a partial update ({}) was not verified", map, move, *u);
            continue;  // (the map is not drawn)
        }
        // A map left as it is is checked too: a move whose change the version missed shows here.
        if (*bad != "0") return fmt::format("{} after {}: {} texels differ from a full fill ({})", map, move, *bad, u ? *u : "not updated");
    }
    return {};
}

// One move per frame: each check reads what the frame just drawn did, then moves the cursor for
// the next one (a check runs after its frame, so the move is drawn by the next).
void move_and_check(TestDriver& t, std::shared_ptr<Tally> tally, const std::string& what, std::function<void(App&)> move) {
    t.check(what, [tally, what, move](App& app) {
        std::string why = updates_match(app, *tally, "the move before " + what);
        move(app);
        return why;
    });
}

}  // namespace

// From `step`, `events` events forward one by one, as many back, then `steps` whole steps forward
// and back; at the end the maps must have been updated partially (and, where the lesson uses the
// pagefile, the slot map too).
void texture_increments(TestDriver& t, size_t step, int events, int steps, bool slots) {
    auto tally = std::make_shared<Tally>();
    t.act("verify the maps' partial updates; the pagefile map in front", [step](App& app) {
        app.probe().set_verify_textures(true);
        app.raise(PanelId::Pagefile);
        app.seek_step(step);
    });
    t.wait(3);
    for (int i = 0; i < events; ++i)
        move_and_check(t, tally, fmt::format("event {} forward", i + 1), [](App& app) { app.step_event(+1); });
    for (int i = 0; i < events; ++i)
        move_and_check(t, tally, fmt::format("event {} back", i + 1), [](App& app) { app.step_event(-1); });
    for (int i = 0; i < steps; ++i)
        move_and_check(t, tally, fmt::format("step {} forward", i + 1), [](App& app) { app.seek_step(app.session().current_step() + 2); });
    for (int i = 0; i < steps; ++i)
        move_and_check(t, tally, fmt::format("step {} back", i + 1), [](App& app) {
            const size_t s = app.session().current_step();
            app.seek_step(s > 0 ? s - 1 : 0);
        });
    move_and_check(t, tally, "the last move", [](App&) {});
    t.check("partial updates were made (and checked), full fills only where needed", [tally, slots](App&) -> std::string {
        std::printf("texture updates: frames %d partial, %d full; slots %d partial, %d full\n", tally->partial["frames"], tally->full["frames"],
                    tally->partial["slots"], tally->full["slots"]);
        if (tally->partial["frames"] == 0) return "the frame map was never updated partially";
        if (slots && tally->partial["slots"] == 0) return "the slot map was never updated partially";
        return {};
    });
}

}  // namespace pagelab::ui
