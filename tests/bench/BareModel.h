// The bare model: what a trace costs with nothing but paging's bookkeeping, the yardstick of
// bench_replay (issue 18). A two-level walk (a page directory, 4 KB tables of x86-style PTEs:
// Present, Accessed, Dirty, the frame) and the policy's bookkeeping over N frames (the frames are
// filled in order; FIFO evicts in page-in order, LRU keeps a doubly linked recency list, Clock
// sweeps a hand over the frames clearing Accessed bits, a page loaded with Accessed set) — no
// bytes, no pagefile, no events, no journal. Its miss counts are the classic simulators' (and
// PageLab's: the unit tests compare them).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <vector>

#include "sim/AccessTrace.h"

namespace pagelab::bench {

enum class BarePolicy { Fifo, Clock, Lru };

struct BareResult {
    uint64_t misses = 0;
    uint64_t dirty_evictions = 0;  // evicted with Dirty set (a pagefile write, in a real system)
    double ns_per_access = 0;      // the access loop only (the tables are built before)
    double cpu_ns_per_access = 0;  // the same in the thread's CPU time
};

inline double thread_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
}

template <BarePolicy P>
BareResult bare_model_run(const sim::AccessTrace& trace, uint32_t frames) {
    constexpr uint32_t kPresent = 1, kAccessed = 0x20, kDirty = 0x40, kNone = 0xFFFFFFFFu;
    std::vector<uint32_t> directory(1024, 0);
    std::vector<uint32_t> tables;  // table t's entries at [t * 1024, t * 1024 + 1024)
    for (const sim::TraceAccess& a : trace.accesses) {
        uint32_t& pde = directory[a.address >> 22];
        if (pde) continue;
        pde = (uint32_t(tables.size() / 1024) << 12) | kPresent;
        tables.resize(tables.size() + 1024, 0);
    }
    std::vector<uint32_t> mapped_by(frames);           // the index of the PTE that maps each frame
    std::vector<uint32_t> prev(frames), next(frames);  // LRU: the recency list, head = least recent
    uint32_t used = 0, hand = 0, head = kNone, tail = kNone;
    auto unlink = [&](uint32_t f) {
        (prev[f] == kNone ? head : next[prev[f]]) = next[f];
        (next[f] == kNone ? tail : prev[next[f]]) = prev[f];
    };
    auto append = [&](uint32_t f) {
        prev[f] = tail;
        next[f] = kNone;
        (tail == kNone ? head : next[tail]) = f;
        tail = f;
    };
    BareResult r;
    const sim::TraceAccess* a = trace.accesses.data();
    const size_t n = trace.accesses.size();
    const double cpu_start = thread_cpu_ns();
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) {
        const uint32_t va = a[i].address;
        const uint32_t pde = directory[va >> 22];
        const uint32_t index = (pde >> 12) * 1024 + ((va >> 12) & 1023);
        const uint32_t pte = tables[index];
        const uint32_t bits = kAccessed | (a[i].write ? kDirty : 0u);
        if (pte & kPresent) [[likely]] {
            if ((pte & bits) != bits) tables[index] = pte | bits;
            if constexpr (P == BarePolicy::Lru) {
                const uint32_t f = pte >> 12;
                if (f != tail) {
                    unlink(f);
                    append(f);
                }
            }
            continue;
        }
        ++r.misses;
        uint32_t f;
        if (used < frames) {
            f = used++;
            if constexpr (P == BarePolicy::Lru) append(f);
        } else {
            if constexpr (P == BarePolicy::Lru) {
                f = head;
                unlink(f);
                append(f);
            } else {
                for (;;) {
                    f = hand;
                    hand = hand + 1 == frames ? 0 : hand + 1;
                    if constexpr (P == BarePolicy::Clock) {
                        uint32_t& victim = tables[mapped_by[f]];
                        if (victim & kAccessed) {
                            victim &= ~kAccessed;
                            continue;
                        }
                    }
                    break;
                }
            }
            uint32_t& old = tables[mapped_by[f]];
            r.dirty_evictions += (old & kDirty) != 0;
            old = 0;
        }
        mapped_by[f] = index;
        tables[index] = (f << 12) | kPresent | bits;
    }
    const auto stop = std::chrono::steady_clock::now();
    r.cpu_ns_per_access = n ? (thread_cpu_ns() - cpu_start) / double(n) : 0;
    r.ns_per_access = n ? double(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count()) / double(n) : 0;
    return r;
}

inline BareResult bare_model_run(BarePolicy p, const sim::AccessTrace& trace, uint32_t frames) {
    switch (p) {
        case BarePolicy::Fifo: return bare_model_run<BarePolicy::Fifo>(trace, frames);
        case BarePolicy::Lru: return bare_model_run<BarePolicy::Lru>(trace, frames);
        case BarePolicy::Clock: break;
    }
    return bare_model_run<BarePolicy::Clock>(trace, frames);
}

}  // namespace pagelab::bench
