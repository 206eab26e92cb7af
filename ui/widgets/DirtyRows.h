// Which rows of a cell map's texture to upload after a few of its cells changed: the changed
// cells' rows, as spans of consecutive rows. Spans a few rows apart are merged (one upload of a
// few unchanged rows costs less than another call), and past a number of spans the whole range
// from the first to the last changed row is one span. Pure (no GL): tests/unit/test_dirty_rows.cpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace pagelab::ui {

struct RowSpan {
    int first = 0;  // rows [first, end)
    int end = 0;
    bool operator==(const RowSpan&) const = default;
};

// The spans of rows holding `cells` (cell i is at row i / cols; cells past `count` are ignored).
inline std::vector<RowSpan> dirty_row_spans(std::span<const uint32_t> cells, uint32_t count, int cols, int max_gap = 4,
                                            size_t max_spans = 64) {
    std::vector<RowSpan> spans;
    if (cols <= 0) return spans;
    std::vector<int> rows;
    rows.reserve(cells.size());
    for (uint32_t c : cells)
        if (c < count) rows.push_back(int(c / uint32_t(cols)));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int r : rows) {
        if (!spans.empty() && r - spans.back().end <= max_gap) spans.back().end = r + 1;
        else spans.push_back({r, r + 1});
    }
    if (spans.size() > max_spans) spans = {RowSpan{spans.front().first, spans.back().end}};
    return spans;
}

}  // namespace pagelab::ui
