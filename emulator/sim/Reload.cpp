#include "sim/Reload.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "io/ReadFile.h"
#include "sim/Limits.h"

namespace pagelab::sim {

namespace {

// What a step does to the machine: its operation and its arguments as written. Narration, labels,
// expectations and questions change nothing the machine does.
std::string fingerprint(const Step& s) {
    std::string out = op_name(s.op);
    for (const auto& [key, a] : s.args)
        out += fmt::format("|{}={}/{}/{}{:+}", key, a.text, a.number, a.address.name, a.address.offset);
    return out;
}

bool same_machine(const Scenario& a, const Scenario& b) {
    const mm::MachineConfig &x = a.machine, &y = b.machine;
    if (x.personality != y.personality || x.frames != y.frames || x.pagefile_pages != y.pagefile_pages || x.policy != y.policy ||
        x.tlb_entries != y.tlb_entries || a.files.size() != b.files.size())
        return false;
    for (size_t i = 0; i < a.files.size(); ++i)
        if (a.files[i].path != b.files[i].path || a.files[i].image.has_value() != b.files[i].image.has_value() ||
            file_content(a.files[i]) != file_content(b.files[i]))
            return false;
    return true;
}

std::string step_name(size_t k, size_t count) { return k >= count ? std::string("the end") : fmt::format("step {}", k + 1); }

}  // namespace

size_t unchanged_prefix(const Scenario& a, const Scenario& b) {
    if (!same_machine(a, b)) return 0;
    size_t p = 0;
    while (p < a.steps.size() && p < b.steps.size() && fingerprint(a.steps[p]) == fingerprint(b.steps[p])) ++p;
    return p;
}

ReloadPlacement place_after_reload(const Session& old_session, size_t old_cursor, const Session& fresh) {
    const Scenario& a = old_session.scenario();
    const Scenario& b = fresh.scenario();
    // Where the old cursor stands: step k, e events into it.
    size_t k = 0;
    while (k < old_session.step_count() && old_session.first_event_of_step(k + 1) <= old_cursor) ++k;
    const size_t e = k < old_session.step_count() ? old_cursor - old_session.first_event_of_step(k) : 0;
    const size_t p = unchanged_prefix(a, b);

    ReloadPlacement out;
    out.unchanged_steps = p;
    size_t k2 = k;
    if (k <= p) {
        const bool step_same = k < p || (k == a.steps.size() && k == b.steps.size()) || e == 0;
        out.kind = step_same ? ReloadPlacement::Kind::Kept : ReloadPlacement::Kind::StepChanged;
    } else {
        // An earlier step changed. The steps from k on unchanged but moved?
        const size_t tail = a.steps.size() - k;
        bool moved = tail <= b.steps.size() && b.steps.size() - tail >= p;
        for (size_t i = 0; moved && i < tail; ++i)
            moved = fingerprint(a.steps[k + i]) == fingerprint(b.steps[b.steps.size() - tail + i]);
        if (moved && b.steps.size() - tail != k) {
            k2 = b.steps.size() - tail;
            out.kind = ReloadPlacement::Kind::Moved;
        } else {
            k2 = std::min(k, b.steps.size());
            out.kind = ReloadPlacement::Kind::Rerun;
        }
    }
    k2 = std::min(k2, fresh.step_count());
    const size_t first = fresh.first_event_of_step(k2);
    const size_t events = k2 < fresh.step_count() ? fresh.first_event_of_step(k2 + 1) - first : 0;
    const size_t e2 = std::min(e, events);
    out.step = k2;
    out.cursor = first + e2;
    const std::string where = e2 > 0 ? fmt::format("{}, event {} of it", step_name(k2, b.steps.size()), e2)
                                     : k2 == 0 ? std::string("the start") : fmt::format("the end of step {}", k2);
    switch (out.kind) {
        case ReloadPlacement::Kind::Kept:
            out.sentence = fmt::format("Reloaded: the steps up to here run as before; still at {}.", where);
            break;
        case ReloadPlacement::Kind::StepChanged:
            out.sentence = fmt::format("Reloaded: {} changed; at {} of its new run.", step_name(k, b.steps.size()), where);
            break;
        case ReloadPlacement::Kind::Moved:
            out.sentence = fmt::format("Reloaded: steps were added or removed before step {}, now {}; at {}.", k + 1,
                                       step_name(k2, b.steps.size()), where);
            break;
        case ReloadPlacement::Kind::Rerun:
            out.sentence = !same_machine(a, b)
                               ? fmt::format("Reloaded: the machine or the disk changed, so the run is new; at {}.", where)
                               : fmt::format("Reloaded: {} changed, so the run from there is new; at {}.", step_name(p, b.steps.size()), where);
            break;
    }
    return out;
}

std::vector<std::string> scenario_files_to_watch(const std::string& path, const Scenario* scenario) {
    std::vector<std::string> out = {path};
    if (scenario)
        for (const FileDecl& f : scenario->files)
            if (!f.source.empty() && std::find(out.begin(), out.end(), f.source) == out.end()) out.push_back(f.source);
    return out;
}

std::optional<ErrorExcerpt> error_excerpt(const std::string& message, const std::string& path) {
    // "PATH:LINE:COL: error: text"; PATH may hold colons itself, so it is matched as given.
    if (message.compare(0, path.size() + 1, path + ":") != 0) return std::nullopt;
    ErrorExcerpt x;
    size_t pos = path.size() + 1;
    auto number = [&](int& out) {
        const size_t start = pos;
        while (pos < message.size() && std::isdigit(uint8_t(message[pos]))) out = out * 10 + (message[pos++] - '0');
        return pos > start && pos < message.size() && message[pos++] == ':';
    };
    if (!number(x.line) || !number(x.column)) return std::nullopt;
    x.where = message.substr(0, pos - 1);
    const std::string tag = " error: ";
    x.message = message.compare(pos, tag.size(), tag) == 0 ? message.substr(pos + tag.size()) : message.substr(pos);
    const io::ReadResult file = io::read_file(path, limits::kScenarioFileBytes, "scenario files");
    if (!file.ok()) return x;
    size_t begin = 0;
    for (int l = 1; l < x.line && begin != std::string::npos; ++l) {
        begin = file.bytes.find('\n', begin);
        if (begin != std::string::npos) ++begin;
    }
    if (begin == std::string::npos || begin > file.bytes.size()) return x;
    const size_t end = file.bytes.find('\n', begin);
    std::string line = file.bytes.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A column counts bytes (as yaml-cpp's marks do); the caret goes under the character that
    // starts there. A tab is shown as one space so that the caret lines up.
    std::replace(line.begin(), line.end(), '\t', ' ');
    x.source = line;
    size_t chars = 0;
    for (size_t b = 0; b + 1 < size_t(x.column) && b < line.size(); ++b)
        if ((uint8_t(line[b]) & 0xC0) != 0x80) ++chars;  // not a UTF-8 continuation byte
    x.caret = std::string(chars, ' ') + "^";
    return x;
}

std::string excerpt_text(const ErrorExcerpt& e) {
    std::string out = fmt::format("{}: error: {}\n", e.where, e.message);
    if (e.source.empty() && e.line == 0) return out;
    const std::string gutter = fmt::format("{:>5} | ", e.line);
    out += gutter + e.source + "\n";
    out += std::string(gutter.size() - 2, ' ') + "| " + e.caret + "\n";
    return out;
}

}  // namespace pagelab::sim
