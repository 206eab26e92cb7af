#include "sim/Skeleton.h"

#include <cctype>
#include <filesystem>

#include <fmt/format.h>

namespace pagelab::sim {

std::string title_from_file_name(const std::string& path) {
    std::string stem = std::filesystem::path(path).stem().string();
    // A lesson number is the file's place in the course, not part of its title.
    size_t i = 0;
    while (i < stem.size() && std::isdigit(uint8_t(stem[i]))) ++i;
    if (i > 0 && i < stem.size() && (stem[i] == '-' || stem[i] == '_')) stem.erase(0, i + 1);
    for (char& c : stem)
        if (c == '-' || c == '_') c = ' ';
    if (stem.empty()) return "A new lesson";
    stem[0] = char(std::toupper(uint8_t(stem[0])));
    return stem;
}

std::string lesson_skeleton(const SkeletonOptions& o) {
    std::string out;
    if (!o.schema_path.empty()) out += fmt::format("# yaml-language-server: $schema={}\n", o.schema_path);
    // A title is one YAML value: quoted, so that a ': ' or a '#' in it stays text.
    std::string title;
    for (char c : o.title) title += c == '\'' ? std::string("''") : std::string(1, c);
    out += fmt::format(R"(pagelab: 1
title: '{}'
summary: >
  One paragraph for the learner: what this lesson shows and why it matters. Replace it, then
  each step's narration, expectations and question, and add steps (docs/authoring.md).
machine: {{personality: nt, ram: 32 frames, pagefile: 64 pages, policy: clock, tlb: 0}}
# files:                        # the emulated disk: data files, synthetic images, real PE files
#   - {{path: C:\DATA\notes.txt, size: 20000, text: "The quick brown fox "}}
steps:
  # A step: `do` (an operation) with its arguments, `say` (what it does and why), `expect`
  # (what must hold right after it), `ask` (a question put before it runs). docs/scenario-format.md
  - say: The shell starts process A with an empty address space.
    do: create_process
    as: A
  - say: A commits one page of READWRITE memory. Committing charges the commit limit; it costs no frame.
    do: virtual_alloc
    process: A
    size: 0x1000
    type: [reserve, commit]
    protect: READWRITE
    as: buf
    expect:
      - result: ok
      - counters: {{commit_charge: 1}}
  - say: A reads its new page for the first time.
    do: read
    process: A
    address: buf
    label: first-read
    ask:
      question: Which page fault does A's first read of its new page take?
      choices:
        - No fault - committing the page gave it a frame
        - A demand-zero fault - the page gets a frame full of zeros
        - A pagefile read - the page comes back from the pagefile
      answer: b
      explain: Committing only charged the commit limit. The first touch faults, and the memory manager gives the page a zero-filled frame.
    expect:
      - fault: demand-zero
      - returns: 0
      - pte: {{process: A, address: buf, present: true, accessed: true, dirty: false}}
)",
                       title);
    return out;
}

}  // namespace pagelab::sim
