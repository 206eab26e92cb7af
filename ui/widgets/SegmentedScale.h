// The address-space strip's scale: a monotone, piecewise-linear map between addresses [0, 4 GB]
// and strip units [0, 1], cut at the arena boundaries and every region's ends. A linear 4 GB
// scale leaves a 64 KB region a fraction of a pixel; here each segment's width mixes its share of
// the 4 GB with its order of magnitude (log2 of its pages), and no segment is narrower than a
// floor, so every region and every 64 KB partition is visible while 2 GB still looks larger
// than 1 MB. Inside one segment addresses stay linear, so zooming in shows pages evenly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace pagelab::ui {

class SegmentedScale {
public:
    static constexpr double kFourGb = 4294967296.0;

    // breaks: addresses where a segment starts (any order, duplicates allowed; 0 and 4 GB are
    // added). min_fraction: the least share of [0, 1] any segment gets; wider: segments (by
    // their start) that get at least the given share (an arena whose name must fit).
    void build(std::vector<double> breaks, double min_fraction, const std::vector<std::pair<double, double>>& wider = {});
    double to_u(double address) const;
    double to_address(double u) const;
    // Identifies the scale (for texture caches): changes when any break or width changes.
    uint64_t key() const { return m_key; }
    size_t segments() const { return m_addr.empty() ? 0 : m_addr.size() - 1; }

private:
    std::vector<double> m_addr{0.0, kFourGb};  // segment boundaries, ascending
    std::vector<double> m_u{0.0, 1.0};         // their positions on the strip
    uint64_t m_key = 0;
};

}  // namespace pagelab::ui
