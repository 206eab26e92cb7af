// The expectations of a scenario step, checked against the machine right after the step ran:
// one function per kind of expectation (sim/Scenario.h's ExpectKind), each adding CheckResults.

#include <cctype>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "sim/StepRun.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::trf;
using mm::FaultKind;

namespace {

std::string hex32(uint64_t v) { return fmt::format("0x{:08X}", v); }
std::string yes_no(bool b) { return b ? "true" : "false"; }
std::optional<bool> parse_bool(const std::string& s) {
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    return std::nullopt;
}
std::string fault_list(uint32_t faults) {
    if (faults == 0) return "none";
    std::string out;
    for (int k = 1; k <= int(mm::kLastFaultKind); ++k)
        if (faults & (1u << k)) out += (out.empty() ? "" : ", ") + std::string(mm::fault_kind_name(FaultKind(k)));
    return out;
}

// One expectation being checked: where its results go and how its fields resolve.
struct Check {
    const StepRun& c;
    const Expectation& e;

    const mm::MemoryManager& mm() const { return c.mm; }
    os::Machine& machine() const { return c.machine(); }
    void add(std::string what, std::string expected, std::string actual) const {
        const bool passed = expected == actual;
        c.r.checks.push_back(CheckResult{&e, std::move(what), std::move(expected), std::move(actual), passed});
    }
    // The process the fields name, else the step's (or the one a create_process step creates).
    std::string process_name(const std::map<std::string, Arg>& f) const {
        if (auto it = f.find("process"); it != f.end()) return it->second.text;
        if (const Arg* p = c.step.arg("process")) return p->text;
        if (c.step.op == Op::CreateProcess) return c.step.arg("as")->text;
        return {};
    }
    std::optional<uint16_t> space(const std::map<std::string, Arg>& f, std::string& problem) const {
        const std::string name = process_name(f);
        const os::Process* p = name.empty() ? nullptr : machine().find_process(name);
        if (!p || p->space == mm::kNoSpace || !mm().space(p->space).alive()) {
            problem = name.empty() ? "no process given" : fmt::format("process '{}' has no address space", name);
            return std::nullopt;
        }
        return p->space;
    }
    std::optional<uint32_t> address(const std::map<std::string, Arg>& f, std::string& problem) const {
        if (auto it = f.find("address"); it != f.end()) return c.resolve_quiet(it->second.address, &problem);
        if (const Arg* sa = c.step.arg("address")) return c.resolve_quiet(sa->address, &problem);
        problem = "no address given";
        return std::nullopt;
    }
    std::optional<uint32_t> value(const Arg& a) const { return c.resolve_quiet(a.address); }
    // A yes/no field compared with the machine's answer.
    void flag(const std::string& what, const Arg& arg, bool actual) const {
        const auto want = parse_bool(arg.text);
        add(what, want ? yes_no(*want) : arg.text, yes_no(actual));
    }
};

void check_returns(const Check& k) {
    const StepRun& c = k.c;
    // ReadFile returns the bytes it read, compared as text.
    // NtQuerySection returns its information as one line of text.
    if (c.step.op == Op::ReadFile || c.step.op == Op::QuerySection || c.step.op == Op::ReadProcessMemory)
        return k.add("returns", k.e.text, c.r.data ? *c.r.data : std::string("nothing"));
    // Old protections read as names, everything else as numbers.
    const bool protection = c.step.op == Op::VirtualProtect;
    const std::string actual = !c.r.has_value ? "nothing" : protection ? mm::protection_name(c.r.value) : hex32(c.r.value);
    const std::string& text = k.e.text;
    std::string expected = text;
    if (protection) {
        if (auto p = mm::parse_protection(text)) expected = mm::protection_name(*p);
    } else if (auto n = parse_number(text)) expected = hex32(*n);
    else if (auto a = parse_address(text); a && c.bound(a->name)) expected = hex32(*c.resolve_quiet(*a));
    else if (auto p = mm::parse_protection(text)) expected = hex32(*p);
    else if (auto er = mm::parse_error(text)) expected = hex32(uint32_t(*er));
    k.add("returns", expected, actual);
}

void check_fault(const Check& k) {
    uint32_t want = 0;
    for (const auto& name : k.e.list) {
        const FaultKind f = *mm::parse_fault_kind(name);
        if (f != FaultKind::None) want |= 1u << uint32_t(f);
    }
    k.add("fault", fault_list(want), fault_list(k.c.r.faults));
}

std::string state_name(uint32_t state) {
    return state == mm::mem::kCommit ? "commit" : state == mm::mem::kReserve ? "reserve" : "free";
}
std::string type_name(uint32_t type) {
    return type == mm::mem::kPrivate ? "private" : type == mm::mem::kMapped ? "mapped" : type == mm::mem::kImage ? "image" : "none";
}

void check_region(const Check& k) {
    std::string problem;
    auto space = k.space(k.e.fields, problem);
    auto addr = k.address(k.e.fields, problem);
    if (!space || !addr) return k.add("region", "a region", problem);
    mm::MemoryBasicInformation q;
    if (!k.mm().virtual_query(*space, *addr, q).ok) return k.add("region", "a region", "VirtualQuery failed");
    for (const auto& [key, arg] : k.e.fields) {
        if (key == "base") k.add("region.base", hex32(k.value(arg).value_or(0)), hex32(q.base_address));
        else if (key == "allocation_base") k.add("region.allocation_base", hex32(k.value(arg).value_or(0)), hex32(q.allocation_base));
        else if (key == "allocation_protect")
            k.add("region.allocation_protect", mm::protection_name(uint32_t(arg.number)), mm::protection_name(q.allocation_protect));
        else if (key == "size") k.add("region.size", hex32(arg.number), hex32(q.region_size));
        else if (key == "protect") k.add("region.protect", mm::protection_name(uint32_t(arg.number)), mm::protection_name(q.protect));
        else if (key == "state") k.add("region.state", arg.text, state_name(q.state));
        else if (key == "type") k.add("region.type", arg.text, type_name(q.type));
    }
}

void check_pte(const Check& k) {
    std::string problem;
    auto space = k.space(k.e.fields, problem);
    auto addr = k.address(k.e.fields, problem);
    if (!space || !addr) return k.add("pte", "a PTE", problem);
    const auto info = k.mm().pte_info(*space, *addr);
    const x86::Pte pte(info.pte);
    const bool present = info.table_present && pte.present();
    for (const auto& [key, arg] : k.e.fields) {
        const std::string what = "pte." + key;
        if (key == "present") k.flag(what, arg, present);
        else if (key == "writable") k.flag(what, arg, present && pte.writable());
        else if (key == "user") k.flag(what, arg, present && pte.user());
        else if (key == "accessed") k.flag(what, arg, present && pte.accessed());
        else if (key == "dirty") k.flag(what, arg, present && pte.dirty());
        else if (key == "copy_on_write") k.flag(what, arg, present && pte.copy_on_write());
        else if (key == "frame")
            k.add(what, fmt::format("0x{:X}", arg.number), present ? fmt::format("0x{:X}", pte.frame()) : "none");
        else if (key == "backing") k.add(what, arg.text, pte_backing(k.machine(), *space, *addr));
    }
}

void check_value(const Check& k) {
    std::string problem;
    auto space = k.space(k.e.fields, problem);
    auto addr = k.address(k.e.fields, problem);
    if (!space || !addr) return k.add("value", "a value", problem);
    const auto& f = k.e.fields;
    if (auto t = f.find("text"); t != f.end()) {
        std::string actual;
        for (size_t i = 0; i < t->second.text.size(); ++i) {
            auto b = peek_byte(k.machine(), *space, *addr + uint32_t(i));
            if (!b) {
                actual += "<not readable>";
                break;
            }
            actual += char(*b);
        }
        k.add("value.text", t->second.text, actual);
    }
    if (auto q = f.find("equals"); q != f.end()) {
        const uint32_t size = f.count("size") ? uint32_t(f.at("size").number) : 4;
        uint64_t v = 0;
        bool readable = true;
        for (uint32_t i = 0; i < size && readable; ++i) {
            auto b = peek_byte(k.machine(), *space, *addr + i);
            if (!b) readable = false;
            else v |= uint64_t(*b) << (8 * i);
        }
        k.add("value.equals", fmt::format("0x{:X}", q->second.number), readable ? fmt::format("0x{:X}", v) : "not readable");
    }
}

void check_frames(const Check& k) {
    std::optional<uint32_t> frames[2];
    std::string where[2];
    for (int i = 0; i < 2; ++i) {
        std::string problem;
        auto space = k.space(k.e.pair[i], problem);
        auto addr = k.address(k.e.pair[i], problem);
        if (space && addr) frames[i] = resident_frame(k.machine(), *space, *addr);
        where[i] = frames[i] ? fmt::format("0x{:X}", *frames[i]) : std::string(i18n::tr("not resident"));
    }
    const bool both = frames[0] && frames[1];
    const bool same = both && *frames[0] == *frames[1];
    const bool want_same = k.e.kind == ExpectKind::SameFrame;
    k.c.r.checks.push_back(CheckResult{&k.e, expect_kind_name(k.e.kind), want_same ? i18n::tr("one frame") : i18n::tr("two frames"),
                                       trf("frames {first} and {second}", "first"_a = where[0], "second"_a = where[1]),
                                       both && same == want_same});
}

void check_counters(const Check& k) {
    for (const auto& [name, arg] : k.e.fields) {
        const uint64_t actual = name == "frames_free"     ? k.mm().frames_free()
                                : name == "pagefile_used" ? k.mm().pagefile().used()
                                                          : k.mm().counter(*mm::parse_counter(name));
        k.add("counters." + name, std::to_string(arg.number), std::to_string(actual));
    }
}

void check_module(const Check& k) {
    const os::Process* p = k.machine().find_process(k.process_name(k.e.fields));
    std::string want = k.e.fields.at("name").text;
    for (char& ch : want) ch = char(std::toupper(uint8_t(ch)));
    const os::Module* mod = nullptr;
    if (p)
        for (const os::Module& m : k.machine().modules(p->id))
            if (m.name == want) mod = &m;
    for (const auto& [key, arg] : k.e.fields) {
        const std::string what = "module." + key;
        if (key == "loaded") k.flag(what, arg, mod != nullptr);
        else if (key == "relocated") k.flag(what, arg, mod && mod->relocated);
        else if (key == "base") k.add(what, hex32(k.value(arg).value_or(0)), mod ? hex32(mod->base) : "not loaded");
        else if (key == "refcount") k.add(what, std::to_string(arg.number), mod ? std::to_string(mod->refcount) : "0");
    }
}

void check_file(const Check& k) {
    // The emulated disk: what a later reader of the file would get.
    const auto& f = k.e.fields;
    const std::string& path = f.at("path").text;
    const mm::DiskFile* file = nullptr;
    for (const auto& d : k.mm().files())
        if (d.path == path) file = &d;
    if (!file) return k.add("file", path, "no such file");
    const uint64_t offset = f.count("offset") ? f.at("offset").number : 0;
    auto slice = [&](size_t n) {
        std::string out;
        for (size_t i = 0; i < n && offset + i < file->bytes.size(); ++i) out += char(file->bytes[offset + i]);
        return out;
    };
    if (auto it = f.find("size"); it != f.end()) k.add("file.size", std::to_string(it->second.number), std::to_string(file->bytes.size()));
    if (auto it = f.find("text"); it != f.end()) k.add("file.text", it->second.text, slice(it->second.text.size()));
    if (auto it = f.find("bytes"); it != f.end()) {
        std::string want, got;
        for (char ch : it->second.text)
            if (!std::isspace(uint8_t(ch))) want += char(std::tolower(uint8_t(ch)));
        for (char ch : slice(want.size() / 2)) got += fmt::format("{:02x}", uint8_t(ch));
        k.add("file.bytes", want, got);
    }
}

void check_in_range(const Check& k) {
    // A fact about an address (a view in the shared arena, a DLL below 2 GB), checked.
    const auto a = k.value(k.e.fields.at("address"));
    const auto lo = k.value(k.e.fields.at("from"));
    const auto hi = k.value(k.e.fields.at("to"));
    if (!a || !lo || !hi) return k.add("in_range", i18n::tr("an address"), i18n::tr("a name that is not bound"));
    const std::string range = fmt::format("{}..{}", hex32(*lo), hex32(*hi));
    k.add(fmt::format("in_range({})", hex32(*a)), range, *lo <= *a && *a <= *hi ? range : std::string(i18n::tr("outside")));
}

void check_process(const Check& k) {
    const os::Process* p = k.machine().find_process(k.e.fields.at("name").text);
    k.add("process.state", k.e.fields.at("state").text, p ? os::process_state_name(p->state) : "none");
}

}  // namespace

// A dispatcher: one line per kind of expectation.
void check_expectations(const StepRun& c) {
    for (const Expectation& e : c.step.expects) {
        const Check k{c, e};
        switch (e.kind) {
            case ExpectKind::Result: k.add("result", e.text, c.r.ok ? "ok" : "failed"); break;
            case ExpectKind::Error: k.add("error", mm::error_name(*mm::parse_error(e.text)), mm::error_name(c.r.error)); break;
            case ExpectKind::Returns: check_returns(k); break;
            case ExpectKind::Fault: check_fault(k); break;
            case ExpectKind::Region: check_region(k); break;
            case ExpectKind::PteExpect: check_pte(k); break;
            case ExpectKind::Value: check_value(k); break;
            case ExpectKind::SameFrame:
            case ExpectKind::DifferentFrame: check_frames(k); break;
            case ExpectKind::Counters: check_counters(k); break;
            case ExpectKind::Module: check_module(k); break;
            case ExpectKind::File: check_file(k); break;
            case ExpectKind::InRange: check_in_range(k); break;
            case ExpectKind::Process: check_process(k); break;
        }
    }
}

}  // namespace pagelab::sim
