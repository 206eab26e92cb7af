// The generated scenario of bench_session.cpp, bench_diff.cpp and bench_parse.cpp: four processes,
// each with a 4 MB region, then reads (45 %), writes (45 %), protections, queries and trims at random.
// mix "thrash": every access picks one of 1024 pages per process uniformly (nearly every access
// faults); mix "lesson": 90 % of the accesses go to a hot set of 32 pages per process.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <fmt/format.h>

namespace pagelab::bench {

inline std::string generate_scenario(size_t operations, uint32_t seed, const std::string& mix) {
    std::mt19937 rng(seed);
    std::string y =
        "pagelab: 1\ntitle: generated\nmachine: {personality: nt, ram: 256 frames, pagefile: 4096 pages, policy: clock, "
        "tlb: 16}\nsteps:\n";
    const int processes = 4;
    for (int p = 0; p < processes; ++p) {
        y += fmt::format("  - do: create_process\n    as: P{}\n", p);
        y += fmt::format(
            "  - do: virtual_alloc\n    process: P{}\n    size: 4 MB\n    type: [reserve, commit]\n    protect: READWRITE\n"
            "    as: m{}\n",
            p, p);
    }
    std::uniform_int_distribution<int> proc(0, processes - 1), page(0, 1023), off(0, 1023), kind(0, 99);
    for (size_t i = size_t(processes) * 2; i < operations; ++i) {
        const int p = proc(rng);
        const int k = kind(rng);
        const bool hot = mix == "lesson" && kind(rng) < 90;
        const uint32_t pg = hot ? uint32_t(page(rng)) % 32 : uint32_t(page(rng));
        const uint32_t at = pg * 4096 + uint32_t(off(rng)) * 4;
        if (k < 45) y += fmt::format("  - do: read\n    process: P{}\n    address: m{}+0x{:X}\n", p, p, at);
        else if (k < 90) y += fmt::format("  - do: write\n    process: P{}\n    address: m{}+0x{:X}\n    value: {}\n", p, p, at, i);
        else if (k < 95)
            y += fmt::format(
                "  - do: virtual_protect\n    process: P{}\n    address: m{}+0x{:X}\n    size: 4096\n    protect: READWRITE\n", p,
                p, at & ~0xFFFu);
        else if (k < 98) y += fmt::format("  - do: virtual_query\n    process: P{}\n    address: m{}+0x{:X}\n", p, p, at);
        else y += fmt::format("  - do: trim\n    process: P{}\n", p);
    }
    return y;
}

}  // namespace pagelab::bench
