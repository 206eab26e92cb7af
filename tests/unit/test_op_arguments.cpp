// Every argument of every operation round-trips: parsed, run, and seen in the machine (issue 13,
// item 2: debugger_write's `value` was declared a number but resolved as an address, so it wrote
// zero and the lesson's expectation silently taught the wrong thing).
//
// Each case is a few steps with one argument's value left open ({V}). With the `good` value every
// expectation holds (and the last step's result line says `result_has`, when given); with the
// `other` value the same file must fail: an expectation fails, the file does not load (a name no
// longer bound), the result line differs, or `effect` (a look at the final machine) says no. So
// each case proves that the argument reaches the machine as written. A test checks that the
// parser's operation table has no argument without a case: a new operation or argument needs one.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <functional>
#include <set>
#include <string>

#include "sim/Session.h"
#include "sim/Trace.h"

using namespace pagelab;

namespace {

const char* const kPrelude = R"(pagelab: 1
machine: {ram: 64 frames, pagefile: 64 pages}
files:
  - {path: 'C:\F.TXT', size: 0x20000, text: "abcdefghi"}
  - {path: 'C:\G.TXT', size: 100, text: "0123456789"}
  - path: 'C:\APP.EXE'
    image: {sections: [{name: .text, size: 0x1000, flags: [code, read, execute], text: "CODE"}]}
  - path: 'C:\OTHER.EXE'
    image: {base: 0x00500000, sections: [{name: .text, size: 0x1000, flags: [code, read, execute], text: "OTHR"}]}
  - path: 'C:\L1.DLL'
    image: {dll: true, base: 0x10000000, sections: [{name: .text, size: 0x1000, flags: [code, read, execute], text: "LIB1"}]}
  - path: 'C:\L2.DLL'
    image: {dll: true, base: 0x20000000, sections: [{name: .text, size: 0x1000, flags: [code, read, execute], text: "LIB2"}]}
steps:
  - {do: create_process, as: A}
  - {do: create_process, as: B}
  - {do: virtual_alloc, process: A, size: 0x10000, type: [reserve, commit], protect: READWRITE, as: buf}
  - {do: virtual_alloc, process: B, size: 0x10000, type: [reserve, commit], protect: READWRITE, as: bbuf}
)";

struct Case {
    const char* op;
    const char* arg;
    const char* steps;  // YAML steps (flow maps, one a line), {V} = the argument's value
    const char* good;
    const char* other;
    const char* result_has = nullptr;                       // in the last step's result line
    std::function<bool(const sim::Session&)> effect = {};  // on the machine after the last step
};

// "abcd" and friends as the little-endian words a 4-byte read returns.
const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        // create_process
        {"create_process", "as",
         "- {do: create_process, as: {V}}\n"
         "- {do: virtual_alloc, process: C, size: 0x1000, type: [reserve, commit], protect: READWRITE, expect: {result: ok}}",
         "C", "D"},
        {"create_process", "image",
         "- {do: create_process, as: C, image: '{V}'}\n"
         "- {do: read, process: C, address: 0x00401000, expect: {returns: 0x45444F43}}",
         "C:\\APP.EXE", "C:\\OTHER.EXE"},
        {"create_process", "suspended",
         "- {do: create_process, as: C, image: 'C:\\APP.EXE', suspended: {V}, expect: {fault: none}}",
         "true", "false"},
        // interlocked_add
        {"interlocked_add", "process",
         "- {do: interlocked_add, process: {V}, address: 0x00010000, value: 5}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 5}}}",
         "A", "B"},
        {"interlocked_add", "address",
         "- {do: interlocked_add, process: A, address: {V}, value: 5}\n"
         "- {say: check, expect: {value: {process: A, address: buf+4, equals: 5}}}",
         "buf+4", "buf+8"},
        {"interlocked_add", "value",
         "- {do: write, process: A, address: buf, value: 10}\n"
         "- {do: interlocked_add, process: A, address: buf, value: {V}}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 9}}}",
         "-1", "1"},
        {"interlocked_add", "as",
         "- {do: write, process: A, address: buf, value: 7}\n"
         "- {do: interlocked_add, process: A, address: buf, value: 1, as: {V}}\n"
         "- {do: write, process: A, address: buf+8, value: old}",
         "old", "other"},
        // exit_process
        {"exit_process", "process", "- {do: exit_process, process: {V}, expect: {process: {name: A, state: exited}}}", "A", "B"},
        // virtual_alloc
        {"virtual_alloc", "process",
         "- {do: virtual_alloc, process: {V}, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {say: check, expect: {region: {process: A, address: 0x200000, state: commit}}}",
         "A", "B"},
        {"virtual_alloc", "address",
         "- {do: virtual_alloc, process: A, address: {V}, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {say: check, expect: {region: {process: A, address: 0x200000, state: commit}}}",
         "0x200000", "0x300000"},
        {"virtual_alloc", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: {V}, type: [reserve, commit], protect: READWRITE}\n"
         "- {say: check, expect: {region: {process: A, address: 0x200000, size: 0x2000}}}",
         "0x2000", "0x1000"},
        {"virtual_alloc", "type",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: {V}, protect: READWRITE}\n"
         "- {say: check, expect: {region: {process: A, address: 0x200000, state: commit}}}",
         "[reserve, commit]", "reserve"},
        {"virtual_alloc", "protect",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: {V}}\n"
         "- {say: check, expect: {region: {process: A, address: 0x200000, protect: READONLY}}}",
         "READONLY", "READWRITE"},
        {"virtual_alloc", "as",
         "- {do: virtual_alloc, process: A, size: 0x1000, type: [reserve, commit], protect: READWRITE, as: {V}}\n"
         "- {do: write, process: A, address: x, value: 1, expect: {result: ok}}",
         "x", "y"},
        // virtual_free
        {"virtual_free", "process",
         "- {do: virtual_free, process: {V}, address: buf, type: release}\n"
         "- {say: check, expect: {region: {process: A, address: buf, state: free}}}",
         "A", "B"},
        {"virtual_free", "address",
         "- {do: virtual_free, process: A, address: {V}, type: release}\n"
         "- {say: check, expect: {region: {process: A, address: buf, state: free}}}",
         "buf", "0x500000"},
        {"virtual_free", "size",
         "- {do: virtual_free, process: A, address: buf, size: {V}, type: decommit}\n"
         "- {say: check, expect: {region: {process: A, address: buf+0x1000, state: reserve}}}",
         "0x2000", "0x1000"},
        {"virtual_free", "type",
         "- {do: virtual_free, process: A, address: buf, type: {V}}\n"
         "- {say: check, expect: {region: {process: A, address: buf, state: reserve}}}",
         "decommit", "release"},
        // virtual_protect
        {"virtual_protect", "process",
         "- {do: virtual_protect, process: {V}, address: buf, size: 0x1000, protect: READONLY}\n"
         "- {say: check, expect: {region: {process: A, address: buf, protect: READONLY}}}",
         "A", "B"},
        {"virtual_protect", "address",
         "- {do: virtual_protect, process: A, address: {V}, size: 0x1000, protect: READONLY}\n"
         "- {say: check, expect: {region: {process: A, address: buf, protect: READONLY}}}",
         "buf", "buf+0x1000"},
        {"virtual_protect", "size",
         "- {do: virtual_protect, process: A, address: buf, size: {V}, protect: READONLY}\n"
         "- {say: check, expect: {region: {process: A, address: buf+0x1000, protect: READONLY}}}",
         "0x2000", "0x1000"},
        {"virtual_protect", "protect",
         "- {do: virtual_protect, process: A, address: buf, size: 0x1000, protect: {V}}\n"
         "- {say: check, expect: {region: {process: A, address: buf, protect: READONLY}}}",
         "READONLY", "EXECUTE_READ"},
        {"virtual_protect", "as",
         "- {do: virtual_protect, process: A, address: buf, size: 0x1000, protect: READONLY, as: {V}}\n"
         "- {do: write, process: A, address: buf+0x1000, value: old, expect: {value: {address: buf+0x1000, equals: 4}}}",
         "old", "new"},
        // virtual_query (its answer is the result line)
        {"virtual_query", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x3000, type: [reserve, commit], protect: READONLY}\n"
         "- {do: virtual_query, process: {V}, address: 0x201000}",
         "A", "B", "RegionSize 00002000 State MEM_COMMIT Protect READONLY"},
        {"virtual_query", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x3000, type: [reserve, commit], protect: READONLY}\n"
         "- {do: virtual_query, process: A, address: {V}}",
         "0x201000", "0x300000", "RegionSize 00002000 State MEM_COMMIT Protect READONLY"},
        // read
        {"read", "process",
         "- {do: write, process: A, address: buf, value: 0x1234}\n"
         "- {do: read, process: {V}, address: buf, expect: {returns: 0x1234}}",
         "A", "B"},
        {"read", "address",
         "- {do: write, process: A, address: buf, value: 0x1234}\n"
         "- {do: read, process: A, address: {V}, expect: {returns: 0x1234}}",
         "buf", "buf+4"},
        {"read", "size",
         "- {do: write, process: A, address: buf, value: 0x44332211}\n"
         "- {do: read, process: A, address: buf, size: {V}, expect: {returns: 0x2211}}",
         "2", "1"},
        {"read", "as",
         "- {do: write, process: A, address: buf, value: 0x1234}\n"
         "- {do: read, process: A, address: buf, as: {V}}\n"
         "- {do: write, process: A, address: buf+8, value: v, expect: {value: {address: buf+8, equals: 0x1234}}}",
         "v", "w"},
        // write
        {"write", "process",
         "- {do: write, process: {V}, address: buf, value: 0x99}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 0x99}}}",
         "A", "B"},
        {"write", "address",
         "- {do: write, process: A, address: {V}, value: 0x99}\n"
         "- {say: check, expect: {value: {process: A, address: buf+4, equals: 0x99}}}",
         "buf+4", "buf"},
        {"write", "size",
         "- {do: write, process: A, address: buf, value: 0xFFFFFFFF}\n"
         "- {do: write, process: A, address: buf, size: {V}, value: 0}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 0xFFFF0000}}}",
         "2", "1"},
        {"write", "value",
         "- {do: write, process: A, address: buf, value: {V}}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 0x99}}}",
         "0x99", "0x98"},
        {"write", "text",
         "- {do: write, process: A, address: buf, text: {V}}\n"
         "- {say: check, expect: {value: {process: A, address: buf, text: hi}}}",
         "hi", "ho"},
        // execute
        {"execute", "process",
         "- {do: write, process: A, address: buf, value: 0x77}\n"
         "- {do: execute, process: {V}, address: buf, expect: {returns: 0x77}}",
         "A", "B"},
        {"execute", "address",
         "- {do: write, process: A, address: buf, value: 0x77}\n"
         "- {do: execute, process: A, address: {V}, expect: {returns: 0x77}}",
         "buf", "buf+1"},
        {"execute", "size",
         "- {do: write, process: A, address: buf, value: 0x7777}\n"
         "- {do: execute, process: A, address: buf, size: {V}, expect: {returns: 0x7777}}",
         "2", "1"},
        {"execute", "as",
         "- {do: write, process: A, address: buf, value: 0x77}\n"
         "- {do: execute, process: A, address: buf, as: {V}}\n"
         "- {do: write, process: A, address: buf+8, value: v, expect: {value: {address: buf+8, equals: 0x77}}}",
         "v", "w"},
        // touch
        {"touch", "process",
         "- {do: touch, process: {V}, address: buf, size: 0x3000, access: read}\n"
         "- {say: check, expect: {pte: {process: A, address: buf+0x2000, present: true}}}",
         "A", "B"},
        {"touch", "address",
         "- {do: touch, process: A, address: {V}, size: 0x3000, access: read}\n"
         "- {say: check, expect: {pte: {process: A, address: buf+0x2000, present: true}}}",
         "buf", "buf+0x8000"},
        {"touch", "size",
         "- {do: touch, process: A, address: buf, size: {V}, access: read}\n"
         "- {say: check, expect: {pte: {process: A, address: buf+0x2000, present: true}}}",
         "0x3000", "0x1000"},
        {"touch", "access",
         "- {do: touch, process: A, address: buf, size: 0x1000, access: {V}}\n"
         "- {say: check, expect: {pte: {process: A, address: buf, dirty: true}}}",
         "write", "read"},
        // debugger_write
        {"debugger_write", "process",
         "- {do: debugger_write, process: {V}, address: buf, value: 0xCC}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 0xCC}}}",
         "A", "B"},
        {"debugger_write", "address",
         "- {do: debugger_write, process: A, address: {V}, value: 0xCC}\n"
         "- {say: check, expect: {value: {process: A, address: buf+4, equals: 0xCC}}}",
         "buf+4", "buf"},
        {"debugger_write", "size",
         "- {do: write, process: A, address: buf, value: 0xFFFFFFFF}\n"
         "- {do: debugger_write, process: A, address: buf, size: {V}, value: 0}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 0xFFFF0000}}}",
         "2", "1"},
        {"debugger_write", "value",
         "- {do: debugger_write, process: A, address: buf, value: {V}}\n"
         "- {say: check, expect: {value: {process: A, address: buf, equals: 0xCC}}}",
         "0xCC", "0xCD"},
        {"debugger_write", "text",
         "- {do: debugger_write, process: A, address: buf, text: {V}}\n"
         "- {say: check, expect: {value: {process: A, address: buf, text: hi}}}",
         "hi", "ho"},
        // switch_to (CR3 is not an expectation: the machine is looked at)
        {"switch_to", "process", "- {do: switch_to, process: {V}}", "A", "B", nullptr,
         [](const sim::Session& s) { return s.machine().mm().current_space() == s.machine().find_process("A")->space; }},
        // trim
        {"trim", "process",
         "- {do: touch, process: A, address: buf, size: 0x1000, access: read}\n"
         "- {do: touch, process: B, address: bbuf, size: 0x1000, access: read}\n"
         "- {do: trim, process: {V}}\n"
         "- {say: check, expect: [{pte: {process: A, address: buf, present: false}}, {pte: {process: B, address: bbuf, present: true}}]}",
         "A", "B"},
        // load_library / free_library
        {"load_library", "process",
         "- {do: load_library, process: {V}, name: L1.DLL}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: true}}}",
         "A", "B"},
        {"load_library", "name",
         "- {do: load_library, process: A, name: {V}}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: true}}}",
         "L1.DLL", "L2.DLL"},
        {"load_library", "as",
         "- {do: load_library, process: A, name: L1.DLL, as: {V}}\n"
         "- {do: read, process: A, address: lib+0x1000, expect: {returns: 0x3142494C}}",
         "lib", "lob"},
        {"free_library", "process",
         "- {do: load_library, process: A, name: L1.DLL, as: lib}\n"
         "- {do: load_library, process: B, name: L1.DLL}\n"
         "- {do: free_library, process: {V}, module: lib}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: false}}}",
         "A", "B"},
        {"free_library", "module",
         "- {do: load_library, process: A, name: L1.DLL, as: lib}\n"
         "- {do: load_library, process: A, name: L2.DLL, as: lib2}\n"
         "- {do: free_library, process: A, module: {V}}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: false}}}",
         "lib", "lib2"},
        // create_file / close_handle / read_file / write_file / set_end_of_file
        {"create_file", "process",
         "- {do: create_file, process: {V}, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: read_file, process: A, file: h, size: 4, expect: {returns: abcd}}",
         "A", "B"},
        {"create_file", "path",
         "- {do: create_file, process: A, path: '{V}', access: read, as: h}\n"
         "- {do: read_file, process: A, file: h, size: 4, expect: {returns: abcd}}",
         "C:\\F.TXT", "C:\\G.TXT"},
        {"create_file", "access",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: {V}, as: h}\n"
         "- {do: read_file, process: A, file: h, size: 4, expect: {returns: abcd}}",
         "read", "write"},
        {"create_file", "disposition",
         "- {do: create_file, process: A, path: 'C:\\NEW.TXT', access: [read, write], disposition: {V}, expect: {result: ok}}",
         "create", "open"},
        {"create_file", "as",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: {V}}\n"
         "- {do: read_file, process: A, file: h, size: 4, expect: {returns: abcd}}",
         "h", "k"},
        {"close_handle", "process",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: close_handle, process: {V}, handle: h}\n"
         "- {do: read_file, process: A, file: h, size: 4, expect: {result: failed}}",
         "A", "B"},
        {"close_handle", "handle",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: read, as: g}\n"
         "- {do: close_handle, process: A, handle: {V}}\n"
         "- {do: read_file, process: A, file: h, size: 4, expect: {result: failed}}",
         "h", "g"},
        {"read_file", "process",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: read_file, process: {V}, file: h, size: 4, expect: {returns: abcd}}",
         "A", "B"},
        {"read_file", "file",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: read, as: g}\n"
         "- {do: read_file, process: A, file: {V}, size: 4, expect: {returns: abcd}}",
         "h", "g"},
        {"read_file", "offset",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: read_file, process: A, file: h, offset: {V}, size: 4, expect: {returns: efgh}}",
         "4", "0"},
        {"read_file", "size",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: read_file, process: A, file: h, size: {V}, expect: {returns: abc}}",
         "3", "4"},
        {"read_file", "as",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: read, as: h}\n"
         "- {do: read_file, process: A, file: h, size: 3, as: {V}}\n"
         "- {do: write, process: A, address: buf, value: n, expect: {value: {address: buf, equals: 3}}}",
         "n", "m"},
        {"write_file", "process",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: write_file, process: {V}, file: h, text: XY}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: XYcd}}}",
         "A", "B"},
        {"write_file", "file",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: [read, write], as: g}\n"
         "- {do: write_file, process: A, file: {V}, text: XY}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: XYcd}}}",
         "h", "g"},
        {"write_file", "offset",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: write_file, process: A, file: h, offset: {V}, text: XY}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: abXY}}}",
         "2", "0"},
        {"write_file", "text",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: write_file, process: A, file: h, text: {V}}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: XYcd}}}",
         "XY", "XZ"},
        {"write_file", "value",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: write_file, process: A, file: h, value: {V}, size: 2}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: XYcd}}}",
         "0x5958", "0x5A58"},
        {"write_file", "size",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: write_file, process: A, file: h, value: 0x5958, size: {V}}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: XYcd}}}",
         "2", "4"},
        {"set_end_of_file", "process",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: set_end_of_file, process: {V}, file: h, size: 3}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', size: 3}}}",
         "A", "B"},
        {"set_end_of_file", "file",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: [read, write], as: g}\n"
         "- {do: set_end_of_file, process: A, file: {V}, size: 3}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', size: 3}}}",
         "h", "g"},
        {"set_end_of_file", "size",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: set_end_of_file, process: A, file: h, size: {V}}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', size: 3}}}",
         "3", "5"},
        // create_file_mapping / open_file_mapping / map_view / unmap_view / flush_view
        {"create_file_mapping", "process",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file_mapping, process: {V}, file: h, protect: READWRITE, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: read, as: v}\n"
         "- {do: read, process: A, address: v, expect: {returns: 0x64636261}}",
         "A", "B"},
        {"create_file_mapping", "file",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: [read, write], as: g}\n"
         "- {do: create_file_mapping, process: A, file: {V}, protect: READWRITE, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: read, as: v}\n"
         "- {do: read, process: A, address: v, expect: {returns: 0x64636261}}",
         "h", "g"},
        // INVALID_HANDLE_VALUE (or 0xFFFFFFFF) is the pagefile-backed form, as the book writes it.
        {"create_file_mapping", "file",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file_mapping, process: A, file: {V}, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: read, as: v}\n"
         "- {do: read, process: A, address: v, expect: {returns: 0}}",
         "INVALID_HANDLE_VALUE", "h"},
        {"create_file_mapping", "protect",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file_mapping, process: A, file: h, protect: {V}, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, expect: {result: ok}}",
         "READWRITE", "READONLY"},
        {"create_file_mapping", "size",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: {V}, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v}\n"
         "- {do: virtual_query, process: A, address: v}",
         "0x2000", "0x1000", "RegionSize 00002000"},
        {"create_file_mapping", "name",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, name: {V}}\n"
         "- {do: open_file_mapping, process: B, name: shm, access: read, expect: {result: ok}}",
         "shm", "shx"},
        {"create_file_mapping", "flags",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, flags: {V}, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v}\n"
         "- {do: read, process: A, address: v, expect: {result: failed}}",
         "reserve", "commit"},
        {"create_file_mapping", "as",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: {V}}\n"
         "- {do: map_view, process: A, mapping: m, access: write, expect: {result: ok}}",
         "m", "n"},
        {"open_file_mapping", "process",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, name: shm}\n"
         "- {do: open_file_mapping, process: {V}, name: shm, access: read, as: m2}\n"
         "- {do: map_view, process: B, mapping: m2, access: read, expect: {result: ok}}",
         "B", "A"},
        {"open_file_mapping", "name",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, name: shm}\n"
         "- {do: open_file_mapping, process: B, name: {V}, access: read, expect: {result: ok}}",
         "shm", "shx"},
        {"open_file_mapping", "access",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, name: shm}\n"
         "- {do: open_file_mapping, process: B, name: shm, access: {V}, as: m2}\n"
         "- {do: map_view, process: B, mapping: m2, access: write, expect: {result: ok}}",
         "[read, write]", "read"},
        {"open_file_mapping", "as",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, name: shm}\n"
         "- {do: open_file_mapping, process: B, name: shm, access: read, as: {V}}\n"
         "- {do: map_view, process: B, mapping: m2, access: read, expect: {result: ok}}",
         "m2", "m3"},
        {"map_view", "process",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: {V}, mapping: m, access: read, expect: {result: ok}}",
         "A", "B"},
        {"map_view", "mapping",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: [read, write], as: g}\n"
         "- {do: create_file_mapping, process: A, file: h, protect: READWRITE, as: mf}\n"
         "- {do: create_file_mapping, process: A, file: g, protect: READWRITE, as: mg}\n"
         "- {do: map_view, process: A, mapping: {V}, access: read, as: v}\n"
         "- {do: read, process: A, address: v, expect: {returns: 0x64636261}}",
         "mf", "mg"},
        {"map_view", "access",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: {V}, as: v}\n"
         "- {do: write, process: A, address: v, value: 1, expect: {result: ok}}",
         "write", "read"},
        {"map_view", "offset",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file_mapping, process: A, file: h, protect: READWRITE, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: read, offset: {V}, as: v}\n"
         "- {do: read, process: A, address: v, expect: {returns: 0x62616968}}",
         "0x10000", "0"},
        {"map_view", "size",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x4000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, size: {V}, as: v}\n"
         "- {do: virtual_query, process: A, address: v}",
         "0x2000", "0x1000", "RegionSize 00002000"},
        {"map_view", "address",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, address: {V}}\n"
         "- {do: write, process: A, address: 0x300000, value: 1, expect: {result: ok}}",
         "0x300000", "0x400000"},
        {"map_view", "as",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: {V}}\n"
         "- {do: write, process: A, address: v, value: 1, expect: {result: ok}}",
         "v", "u"},
        {"unmap_view", "process",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v}\n"
         "- {do: unmap_view, process: {V}, address: v}\n"
         "- {do: read, process: A, address: v, expect: {result: failed}}",
         "A", "B"},
        {"unmap_view", "address",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v1}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v2}\n"
         "- {do: unmap_view, process: A, address: {V}}\n"
         "- {do: read, process: A, address: v1, expect: {result: failed}}",
         "v1", "v2"},
        {"flush_view", "process",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file_mapping, process: A, file: h, protect: READWRITE, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v}\n"
         "- {do: write, process: A, address: v, text: Z}\n"
         "- {do: flush_view, process: {V}, address: v}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: Zbcd}}}",
         "A", "B"},
        {"flush_view", "address",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file, process: A, path: 'C:\\G.TXT', access: [read, write], as: g}\n"
         "- {do: create_file_mapping, process: A, file: h, protect: READWRITE, as: mf}\n"
         "- {do: create_file_mapping, process: A, file: g, protect: READWRITE, as: mg}\n"
         "- {do: map_view, process: A, mapping: mf, access: write, as: vf}\n"
         "- {do: map_view, process: A, mapping: mg, access: write, as: vg}\n"
         "- {do: write, process: A, address: vf, text: Z}\n"
         "- {do: write, process: A, address: vg, text: Z}\n"
         "- {do: flush_view, process: A, address: {V}}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', text: Zbcd}}}",
         "vf", "vg"},
        // load_library_ex / query_section (issue 16, part 2)
        {"load_library_ex", "process",
         "- {do: load_library_ex, process: {V}, name: L1.DLL, flags: dont_resolve}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: true}}}",
         "A", "B"},
        {"load_library_ex", "name",
         "- {do: load_library_ex, process: A, name: {V}, flags: dont_resolve}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: true}}}",
         "L1.DLL", "L2.DLL"},
        {"load_library_ex", "flags",
         "- {do: load_library_ex, process: A, name: L1.DLL, flags: {V}}\n"
         "- {say: check, expect: {module: {process: A, name: L1.DLL, loaded: true}}}",
         "dont_resolve", "as_datafile"},
        {"load_library_ex", "as",
         "- {do: load_library_ex, process: A, name: L1.DLL, flags: as_datafile, as: {V}}\n"
         "- {do: read, process: A, address: lib-1, size: 2, expect: {returns: 0x5A4D}}",
         "lib", "lob"},
        {"query_section", "process",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: query_section, process: {V}, mapping: m, class: basic, expect: {result: ok}}",
         "A", "B"},
        {"query_section", "mapping",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m1}\n"
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x2000, as: m2}\n"
         "- {do: query_section, process: A, mapping: {V}, class: basic,"
         " expect: {returns: 'BaseAddress 0x00000000, Attributes SEC_COMMIT (0x08000000), Size 0x1000'}}",
         "m1", "m2"},
        {"query_section", "class",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m}\n"
         "- {do: query_section, process: A, mapping: m, class: {V}, expect: {result: ok}}",
         "basic", "image"},
        {"flush_view", "size",
         "- {do: create_file, process: A, path: 'C:\\F.TXT', access: [read, write], as: h}\n"
         "- {do: create_file_mapping, process: A, file: h, protect: READWRITE, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: v}\n"
         "- {do: write, process: A, address: v, text: Z}\n"
         "- {do: write, process: A, address: v+0x1000, text: Z}\n"
         "- {do: flush_view, process: A, address: v, size: {V}}\n"
         "- {say: check, expect: {file: {path: 'C:\\F.TXT', offset: 0x1000, text: Z}}}",
         "0x2000", "0x1000"},
        // Issue 16: the *Ex form (target), VirtualProtect's NULL old protection
        {"virtual_alloc", "target",
         "- {do: virtual_alloc, process: A, target: {V}, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READONLY}\n"
         "- {say: check, expect: {region: {process: B, address: 0x200000, state: commit}}}",
         "B", "A"},
        {"virtual_free", "target",
         "- {do: virtual_free, process: A, target: {V}, address: 0x10000, type: release}\n"
         "- {say: check, expect: {region: {process: B, address: 0x10000, state: free}}}",
         "B", "A"},
        {"virtual_protect", "target",
         "- {do: virtual_protect, process: A, target: {V}, address: 0x10000, size: 0x1000, protect: READONLY}\n"
         "- {say: check, expect: {region: {process: B, address: 0x10000, protect: READONLY}}}",
         "B", "A"},
        {"virtual_protect", "null_old",
         "- {do: virtual_protect, process: A, address: buf, size: 0x1000, protect: READONLY, null_old: {V}}\n"
         "- {say: check, expect: {region: {process: A, address: buf, protect: READWRITE}}}",
         "true", "false"},
        {"virtual_query", "target",
         "- {do: virtual_alloc, process: B, address: 0x200000, size: 0x3000, type: [reserve, commit], protect: READONLY}\n"
         "- {do: virtual_query, process: A, target: {V}, address: 0x201000}",
         "B", "A", "RegionSize 00002000 State MEM_COMMIT Protect READONLY"},
        // get_write_watch, reset_write_watch (a write-watch region with its second page written)
        {"get_write_watch", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: get_write_watch, process: {V}, address: 0x200000, size: 0x4000, expect: {returns: 1}}",
         "A", "B"},
        {"get_write_watch", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: get_write_watch, process: A, address: {V}, size: 0x1000, expect: {returns: 1}}",
         "0x201000", "0x202000"},
        {"get_write_watch", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: {V}, expect: {returns: 1}}",
         "0x2000", "0x1000"},
        {"get_write_watch", "reset",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, reset: {V}}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, expect: {returns: 0}}",
         "true", "false"},
        {"get_write_watch", "count",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: write, process: A, address: 0x202000, value: 1}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, count: {V}, expect: {returns: 2}}",
         "2", "1"},
        {"get_write_watch", "as",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, as: {V}}\n"
         "- {do: write, process: A, address: buf, value: n, expect: {value: {address: buf, equals: 1}}}",
         "n", "m"},
        {"reset_write_watch", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: reset_write_watch, process: {V}, address: 0x200000, size: 0x4000}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, expect: {returns: 0}}",
         "A", "B"},
        {"reset_write_watch", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: reset_write_watch, process: A, address: {V}, size: 0x1000}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, expect: {returns: 0}}",
         "0x201000", "0x202000"},
        {"reset_write_watch", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x4000, type: [reserve, commit, write_watch], protect: READWRITE}\n"
         "- {do: write, process: A, address: 0x201000, value: 1}\n"
         "- {do: reset_write_watch, process: A, address: 0x200000, size: {V}}\n"
         "- {do: get_write_watch, process: A, address: 0x200000, size: 0x4000, expect: {returns: 0}}",
         "0x2000", "0x1000"},
        // read_process_memory, write_process_memory (B holds "xyz" at 0x10000; C has exited)
        {"read_process_memory", "process",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: read_process_memory, process: {V}, target: B, address: 0x10000, size: 3, expect: {returns: xyz}}",
         "A", "C"},
        {"read_process_memory", "target",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: read_process_memory, process: A, target: {V}, address: 0x10000, size: 3, expect: {returns: xyz}}",
         "B", "A"},
        {"read_process_memory", "address",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: read_process_memory, process: A, target: B, address: {V}, size: 2, expect: {returns: xy}}",
         "0x10000", "0x10001"},
        {"read_process_memory", "size",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: read_process_memory, process: A, target: B, address: 0x10000, size: {V}, expect: {returns: xyz}}",
         "3", "2"},
        {"read_process_memory", "as",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: read_process_memory, process: A, target: B, address: 0x10000, size: 3, as: {V}}\n"
         "- {do: write, process: A, address: buf, value: n, expect: {value: {address: buf, equals: 3}}}",
         "n", "m"},
        {"write_process_memory", "process",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: {V}, target: B, address: 0x10000, text: hi}\n"
         "- {say: check, expect: {value: {process: B, address: 0x10000, text: hiz}}}",
         "A", "C"},
        {"write_process_memory", "target",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: A, target: {V}, address: 0x10000, text: hi}\n"
         "- {say: check, expect: {value: {process: B, address: 0x10000, text: hiz}}}",
         "B", "A"},
        {"write_process_memory", "address",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: A, target: B, address: {V}, text: hi}\n"
         "- {say: check, expect: {value: {process: B, address: 0x10000, text: hiz}}}",
         "0x10000", "0x10001"},
        {"write_process_memory", "text",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: A, target: B, address: 0x10000, text: {V}}\n"
         "- {say: check, expect: {value: {process: B, address: 0x10000, text: hiz}}}",
         "hi", "ho"},
        {"write_process_memory", "value",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: A, target: B, address: 0x10000, value: {V}, size: 2}\n"
         "- {say: check, expect: {value: {process: B, address: 0x10000, text: hiz}}}",
         "0x6968", "0x6969"},
        {"write_process_memory", "size",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: A, target: B, address: 0x10000, value: 0x6968, size: {V}}\n"
         "- {say: check, expect: {value: {process: B, address: 0x10000, text: hiz}}}",
         "2", "1"},
        {"write_process_memory", "as",
         "- {do: write, process: B, address: 0x10000, text: xyz}\n"
         "- {do: create_process, as: C}\n"
         "- {do: exit_process, process: C}\n"
         "- {do: write_process_memory, process: A, target: B, address: 0x10000, text: hi, as: {V}}\n"
         "- {do: write, process: A, address: buf, value: n, expect: {value: {address: buf, equals: 2}}}",
         "n", "m"},
        {"is_bad_read_ptr", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: is_bad_read_ptr, process: {V}, address: 0x200000, size: 4, expect: {returns: 0}}",
         "A", "B"},
        {"is_bad_read_ptr", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: is_bad_read_ptr, process: A, address: {V}, size: 4, expect: {returns: 0}}",
         "0x200000", "0x300000"},
        {"is_bad_read_ptr", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: is_bad_read_ptr, process: A, address: 0x200000, size: {V}, expect: {returns: 0}}",
         "0x1000", "0x1001"},
        {"is_bad_read_ptr", "as",
         "- {do: is_bad_read_ptr, process: A, address: 0x300000, size: 4, as: {V}}\n"
         "- {do: write, process: A, address: buf, value: n, expect: {value: {address: buf, equals: 1}}}",
         "n", "m"},
        {"is_bad_write_ptr", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: is_bad_write_ptr, process: {V}, address: 0x200000, size: 4, expect: {returns: 0}}",
         "A", "B"},
        {"is_bad_write_ptr", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: is_bad_write_ptr, process: A, address: {V}, size: 4, expect: {returns: 0}}",
         "0x200000", "0x300000"},
        {"is_bad_write_ptr", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: is_bad_write_ptr, process: A, address: 0x200000, size: {V}, expect: {returns: 0}}",
         "0x1000", "0x1001"},
        {"is_bad_write_ptr", "as",
         "- {do: is_bad_write_ptr, process: A, address: 0x300000, size: 4, as: {V}}\n"
         "- {do: write, process: A, address: buf, value: n, expect: {value: {address: buf, equals: 1}}}",
         "n", "m"},
        // nt_map_view_of_section, duplicate_handle (issue 16)
        {"nt_map_view_of_section", "process",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: {V}, mapping: m, protect: READWRITE, expect: {result: ok}}",
         "A", "B"},
        {"nt_map_view_of_section", "mapping",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x10000, as: m1}\n"
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m2}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: {V}, protect: READWRITE, as: v}\n"
         "- {say: check, expect: {region: {process: A, address: v, size: 0x20000}}}",
         "m2", "m1"},
        {"nt_map_view_of_section", "target",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, target: {V}, protect: READWRITE, as: v}\n"
         "- {say: check, expect: {region: {process: B, address: v, type: mapped}}}",
         "B", "A"},
        {"nt_map_view_of_section", "address",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, address: {V}, size: 0x1000, protect: READWRITE, expect: {result: ok}}",
         "0x30000000", "0x30001000"},
        {"nt_map_view_of_section", "zero_bits",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, zero_bits: {V}, size: 0x1000, protect: READWRITE, expect: {result: ok}}",
         "12", "16"},
        {"nt_map_view_of_section", "commit_size",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, flags: reserve, as: r}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: r, size: 0x2000, commit_size: {V}, protect: READWRITE, as: v}\n"
         "- {say: check, expect: {region: {process: A, address: v+0x1000, state: commit}}}",
         "0x2000", "0x1000"},
        {"nt_map_view_of_section", "offset",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: map_view, process: A, mapping: m, access: write, as: w}\n"
         "- {do: write, process: A, address: w+0x10000, value: 7}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, offset: {V}, size: 0x1000, protect: READWRITE, as: v}\n"
         "- {do: read, process: A, address: v, expect: {returns: 7}}",
         "0x10000", "0"},
        {"nt_map_view_of_section", "size",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, size: {V}, protect: READWRITE, as: v}\n"
         "- {say: check, expect: {region: {process: A, address: v, size: 0x2000}}}",
         "0x2000", "0x1000"},
        {"nt_map_view_of_section", "inherit",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, inherit: {V}, protect: READWRITE, expect: {result: ok}}",
         "unmap", "child"},
        {"nt_map_view_of_section", "allocation",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, size: 0x1000, allocation: {V}, protect: READWRITE, expect: {returns: 0x7FFE0000}}",
         "top_down", "round_to_page"},
        {"nt_map_view_of_section", "protect",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, protect: {V}, as: v}\n"
         "- {say: check, expect: {region: {process: A, address: v, protect: READONLY}}}",
         "READONLY", "READWRITE"},
        {"nt_map_view_of_section", "as",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: nt_map_view_of_section, process: A, mapping: m, protect: READWRITE, as: {V}}\n"
         "- {do: write, process: A, address: v, value: 1, expect: {result: ok}}",
         "v", "w"},
        {"duplicate_handle", "process",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: duplicate_handle, process: {V}, handle: m, target: B, expect: {result: ok}}",
         "A", "B"},
        {"duplicate_handle", "handle",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x1000, as: m1}\n"
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x2000, as: m2}\n"
         "- {do: duplicate_handle, process: A, handle: {V}, target: B, as: h}\n"
         "- {do: map_view, process: B, mapping: h, access: write, as: v}\n"
         "- {say: check, expect: {region: {process: B, address: v, size: 0x2000}}}",
         "m2", "m1"},
        {"duplicate_handle", "target",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: duplicate_handle, process: A, handle: m, target: {V}, as: h}\n"
         "- {do: map_view, process: B, mapping: h, access: write, expect: {result: ok}}",
         "B", "A"},
        {"duplicate_handle", "access",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: duplicate_handle, process: A, handle: m, target: B, access: {V}, as: h}\n"
         "- {do: map_view, process: B, mapping: h, access: write, expect: {result: ok}}",
         "write", "read"},
        {"duplicate_handle", "as",
         "- {do: create_file_mapping, process: A, protect: READWRITE, size: 0x20000, as: m}\n"
         "- {do: duplicate_handle, process: A, handle: m, target: B, as: {V}}\n"
         "- {do: map_view, process: B, mapping: h, access: write, expect: {result: ok}}",
         "h", "g"},
        // virtual_lock, virtual_unlock (two reserved pages at 0x200000, the first committed)
        {"virtual_lock", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x2000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: virtual_lock, process: {V}, address: 0x200000, size: 0x1000, expect: {result: ok}}",
         "A", "B"},
        {"virtual_lock", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x2000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: virtual_lock, process: A, address: {V}, size: 0x1000, expect: {result: ok}}",
         "0x201000", "0x202000"},
        {"virtual_lock", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x2000, type: reserve, protect: READWRITE}\n"
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x1000, type: commit, protect: READWRITE}\n"
         "- {do: virtual_lock, process: A, address: 0x200000, size: {V}, expect: {result: ok}}",
         "0x1000", "0x2000"},
        {"virtual_unlock", "process",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x2000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: virtual_lock, process: A, address: 0x200000, size: 0x1000}\n"
         "- {do: virtual_unlock, process: {V}, address: 0x200000, size: 0x1000, expect: {result: ok}}",
         "A", "B"},
        {"virtual_unlock", "address",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x2000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: virtual_lock, process: A, address: 0x200000, size: 0x1000}\n"
         "- {do: virtual_unlock, process: A, address: {V}, size: 0x1000, expect: {result: ok}}",
         "0x200000", "0x201000"},
        {"virtual_unlock", "size",
         "- {do: virtual_alloc, process: A, address: 0x200000, size: 0x2000, type: [reserve, commit], protect: READWRITE}\n"
         "- {do: virtual_lock, process: A, address: 0x200000, size: 0x1000}\n"
         "- {do: virtual_unlock, process: A, address: 0x200000, size: {V}, expect: {result: ok}}",
         "0x1000", "0x2000"},
    };
    return all;
}

std::string instantiate(const Case& c, const std::string& value) {
    std::string steps = c.steps;
    for (size_t at; (at = steps.find("{V}")) != std::string::npos;) steps.replace(at, 3, value);
    std::string text = kPrelude;
    size_t start = 0;
    while (start < steps.size()) {
        size_t end = steps.find('\n', start);
        if (end == std::string::npos) end = steps.size();
        text += "  " + steps.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return text;
}

// Runs the file; true when it loads, every expectation holds and the case's own checks pass.
// `why` says what failed.
bool holds(const Case& c, const std::string& value, std::string& why) {
    auto loaded = sim::parse_scenario(instantiate(c, value), "case.yaml");
    if (loaded.error) {
        why = loaded.error->message;
        return false;
    }
    sim::Session s(std::move(*loaded.scenario));
    if (s.failed_steps() > 0) {
        for (size_t i = 0; i < s.step_count(); ++i)
            for (const auto& check : s.result(i).checks)
                if (!check.passed) why = fmt::format("step {}: {} expected {}, got {}", i + 1, check.what, check.expected, check.actual);
        return false;
    }
    const size_t last = s.step_count() - 1;
    if (c.result_has) {
        const std::string line = sim::describe_result(s.scenario().steps[last], s.result(last));
        if (line.find(c.result_has) == std::string::npos) {
            why = "result line: " + line;
            return false;
        }
    }
    if (c.effect) {
        s.seek_step(s.step_count());
        if (!c.effect(s)) {
            why = "the effect on the machine is missing";
            return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("every argument of every operation has a round-trip case", "[scenario][arguments]") {
    std::set<std::pair<std::string, std::string>> covered;
    for (const Case& c : cases()) covered.insert({c.op, c.arg});
    for (const sim::OpInfo& op : sim::operation_table())
        for (const sim::OpArgInfo& a : op.args) {
            INFO("operation " << op.name << ", argument " << a.key);
            CHECK(covered.count({op.name, a.key}) == 1);
        }
    // And no case names an argument the parser does not know.
    for (const Case& c : cases()) {
        bool known = false;
        for (const sim::OpInfo& op : sim::operation_table())
            for (const sim::OpArgInfo& a : op.args) known = known || (op.name == c.op && a.key == c.arg);
        INFO("case " << c.op << " " << c.arg);
        CHECK(known);
    }
}

TEST_CASE("every argument of every operation reaches the machine as written", "[scenario][arguments]") {
    for (const Case& c : cases()) {
        INFO("operation " << c.op << ", argument " << c.arg);
        std::string why;
        {
            INFO("with " << c.arg << ": " << c.good << " (must hold)");
            const bool ok = holds(c, c.good, why);
            INFO(why);
            CHECK(ok);
        }
        {
            INFO("with " << c.arg << ": " << c.other << " (must not hold: the argument has to matter)");
            CHECK_FALSE(holds(c, c.other, why));
        }
    }
}

TEST_CASE("debugger_write with value writes the value (the documented 0xCC example)", "[scenario][arguments]") {
    const std::string text = std::string(kPrelude) +
                             "  - {do: debugger_write, process: A, address: buf, size: 1, value: 0xCC}\n"
                             "  - {do: read, process: A, address: buf, size: 1, expect: {returns: 0xCC}}\n";
    auto loaded = sim::parse_scenario(text, "cc.yaml");
    REQUIRE_FALSE(loaded.error);
    sim::Session s(std::move(*loaded.scenario));
    CHECK(s.failed_steps() == 0);
    CHECK(s.result(5).value == 0xCC);
}
