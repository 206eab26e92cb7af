// A broken internal invariant stops the program with file:line; emulated faults and Win32
// failures are never reported this way (they are data: events and return values).
#pragma once

#include <cstdio>
#include <cstdlib>

#define PL_CHECK(cond)                                                                        \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::fprintf(stderr, "%s:%d: internal error: invariant '%s' broken\n", __FILE__, \
                         __LINE__, #cond);                                                    \
            std::abort();                                                                     \
        }                                                                                     \
    } while (0)
