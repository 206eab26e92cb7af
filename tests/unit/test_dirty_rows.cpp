// The rows a partial update of a texture map uploads (ui/widgets/DirtyRows.h): every changed
// cell's row is in a span, spans a few rows apart merge, too many spans become one.
#include <catch2/catch.hpp>

#include <algorithm>

#include "../../ui/widgets/DirtyRows.h"  // header-only, no GL

using pagelab::ui::dirty_row_spans;
using pagelab::ui::RowSpan;

namespace {
std::vector<RowSpan> spans(std::vector<uint32_t> cells, uint32_t count, int cols, int gap = 4, size_t max = 64) {
    return dirty_row_spans(cells, count, cols, gap, max);
}
}  // namespace

TEST_CASE("dirty rows: nothing changed, nothing uploaded", "[dirty-rows]") {
    CHECK(spans({}, 100, 10).empty());
    CHECK(spans({5}, 100, 0).empty());  // no columns: no map
}

TEST_CASE("dirty rows: one cell is its row", "[dirty-rows]") {
    CHECK(spans({0}, 100, 10) == std::vector<RowSpan>{{0, 1}});
    CHECK(spans({99}, 100, 10) == std::vector<RowSpan>{{9, 10}});
    CHECK(spans({23, 27, 21}, 100, 10) == std::vector<RowSpan>{{2, 3}});  // same row, any order
}

TEST_CASE("dirty rows: near rows merge, far rows do not", "[dirty-rows]") {
    // Rows 1 and 3 (gap 1) merge; row 20 is 17 rows on.
    CHECK(spans({10, 30, 200}, 1000, 10) == std::vector<RowSpan>{{1, 4}, {20, 21}});
    CHECK(spans({10, 30, 200}, 1000, 10, 0) == std::vector<RowSpan>{{1, 2}, {3, 4}, {20, 21}});
    CHECK(spans({10, 20, 30}, 1000, 10, 0) == std::vector<RowSpan>{{1, 4}});  // adjacent rows are one span
}

TEST_CASE("dirty rows: cells past the count are ignored", "[dirty-rows]") {
    CHECK(spans({5, 100, 4000000000u}, 100, 10) == std::vector<RowSpan>{{0, 1}});
    CHECK(spans({100}, 100, 10).empty());
}

TEST_CASE("dirty rows: past the most spans, one span from the first to the last row", "[dirty-rows]") {
    std::vector<uint32_t> cells;
    for (uint32_t r = 0; r < 100; ++r) cells.push_back(r * 10 * 1024);  // every tenth row of 1024 columns
    const auto all = spans(cells, 2000000, 1024, 4, 64);
    CHECK(all == std::vector<RowSpan>{{0, 991}});
    const auto each = spans(cells, 2000000, 1024, 4, 200);
    REQUIRE(each.size() == 100);
    CHECK(each[7] == RowSpan{70, 71});
}

TEST_CASE("dirty rows: every changed cell's row is uploaded", "[dirty-rows]") {
    // A pseudo-random scatter over a million-cell map of 1222 columns (the large machine at 1920x1080).
    const int cols = 1222;
    const uint32_t count = 1u << 20;
    std::vector<uint32_t> cells;
    uint32_t x = 12345;
    for (int i = 0; i < 300; ++i) {
        x = x * 1103515245u + 12345u;
        cells.push_back(x % count);
    }
    for (size_t max : {size_t(4), size_t(64), size_t(1000)}) {
        const auto got = spans(cells, count, cols, 4, max);
        REQUIRE(got.size() <= max);
        for (size_t i = 1; i < got.size(); ++i) CHECK(got[i - 1].end < got[i].first);  // sorted, disjoint
        for (uint32_t c : cells) {
            const int row = int(c / uint32_t(cols));
            CHECK(std::any_of(got.begin(), got.end(), [&](const RowSpan& s) { return s.first <= row && row < s.end; }));
        }
    }
}
