// The fault-heavy trace of issue 18, made by the algorithm of ../shared/bench/heavy-trace.cpp, call
// for call (splitmix64 from the same seed, the same Zipf CDF and shuffle, the same draws in the same
// order), so its accesses are that program's: 70 % Zipf s = 1.2 over 16,384 pages (ranks shuffled),
// 20 % a 64-byte-stride stream over 16 MB (at +32 MB, wrapping), 10 % uniform over 64 MB, from
// 0x10000000; 30 % writes. Its addresses are 4-aligned and each access is 4 bytes (the program's
// `bin` file gives 1-byte accesses to the same addresses: the pages, hence every count, are the
// same). At 1024 frames the classic counts of its 10 M accesses are FIFO 2,505,175, LRU 2,244,958
// and Clock (reference bit set on insert) 2,299,528 misses.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/AccessTrace.h"

namespace pagelab::bench {

inline constexpr uint64_t kHeavyAccesses = 10'000'000;

inline sim::AccessTrace make_heavy_trace(uint64_t n = kHeavyAccesses) {
    uint64_t s = 0x9E3779B97F4A7C15ull;
    auto rng = [&s] {  // splitmix64
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    auto urand = [&rng] { return double(rng() >> 11) * (1.0 / 9007199254740992.0); };
    constexpr uint32_t kBase = 0x10000000u, kPages = 16384;
    std::vector<double> cdf(kPages);
    double acc = 0;
    for (uint32_t k = 0; k < kPages; ++k) cdf[k] = acc += 1.0 / std::pow(k + 1.0, 1.2);
    for (double& c : cdf) c /= acc;
    std::vector<uint32_t> perm(kPages);
    for (uint32_t i = 0; i < kPages; ++i) perm[i] = i;
    for (uint32_t i = kPages - 1; i > 0; --i) std::swap(perm[i], perm[rng() % (i + 1)]);
    sim::AccessTrace t;
    t.name = "heavy";
    t.accesses.reserve(n);
    uint32_t stream = 0;  // byte offset in the 16 MB stream region at +32 MB
    for (uint64_t i = 0; i < n; ++i) {
        const double r = urand();
        uint32_t address;
        if (r < 0.70) {
            uint32_t k = uint32_t(std::lower_bound(cdf.begin(), cdf.end(), urand()) - cdf.begin());
            if (k >= kPages) k = kPages - 1;
            address = kBase + perm[k] * 4096u + uint32_t(rng() & 0xFFC);
        } else if (r < 0.90) {
            address = kBase + (32u << 20) + stream;
            stream = (stream + 64) & ((16u << 20) - 1);
        } else {
            address = (kBase + uint32_t(rng() % (64u << 20))) & ~3u;
        }
        const bool write = urand() < 0.30;
        t.accesses.push_back(sim::TraceAccess{address, 4, write});
    }
    return t;
}

}  // namespace pagelab::bench
