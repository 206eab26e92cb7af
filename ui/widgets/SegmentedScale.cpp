#include "widgets/SegmentedScale.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pagelab::ui {

void SegmentedScale::build(std::vector<double> breaks, double min_fraction, const std::vector<std::pair<double, double>>& wider) {
    breaks.push_back(0.0);
    breaks.push_back(kFourGb);
    std::erase_if(breaks, [](double a) { return a < 0.0 || a > kFourGb; });
    std::sort(breaks.begin(), breaks.end());
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
    m_addr = std::move(breaks);
    const size_t n = m_addr.size() - 1;
    // Width = 20% linear share + 80% order of magnitude, then the floor, then normalised.
    std::vector<double> w(n);
    double log_total = 0;
    for (size_t i = 0; i < n; ++i) log_total += std::log2((m_addr[i + 1] - m_addr[i]) / 4096.0 + 1.0);
    const double floor = std::min(min_fraction, 0.5 / double(n));
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
        const double len = m_addr[i + 1] - m_addr[i];
        w[i] = std::max(0.2 * len / kFourGb + 0.8 * std::log2(len / 4096.0 + 1.0) / log_total, floor);
        for (const auto& [start, share] : wider)
            if (start == m_addr[i]) w[i] = std::max(w[i], std::min(share, 0.2));
        total += w[i];
    }
    m_u.assign(n + 1, 0.0);
    for (size_t i = 0; i < n; ++i) m_u[i + 1] = m_u[i] + w[i] / total;
    m_u[n] = 1.0;
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](double v) {
        uint64_t bits;
        std::memcpy(&bits, &v, 8);
        h = (h ^ bits) * 1099511628211ull;
    };
    for (double a : m_addr) mix(a);
    mix(min_fraction);
    for (const auto& [start, share] : wider) mix(start + share);
    m_key = h;
}

double SegmentedScale::to_u(double address) const {
    address = std::clamp(address, 0.0, kFourGb);
    const size_t i = size_t(std::upper_bound(m_addr.begin(), m_addr.end(), address) - m_addr.begin());
    const size_t s = std::min(i == 0 ? 0 : i - 1, m_addr.size() - 2);
    const double f = (address - m_addr[s]) / (m_addr[s + 1] - m_addr[s]);
    return m_u[s] + f * (m_u[s + 1] - m_u[s]);
}

double SegmentedScale::to_address(double u) const {
    u = std::clamp(u, 0.0, 1.0);
    const size_t i = size_t(std::upper_bound(m_u.begin(), m_u.end(), u) - m_u.begin());
    const size_t s = std::min(i == 0 ? 0 : i - 1, m_u.size() - 2);
    const double f = (u - m_u[s]) / (m_u[s + 1] - m_u[s]);
    return m_addr[s] + f * (m_addr[s + 1] - m_addr[s]);
}

}  // namespace pagelab::ui
