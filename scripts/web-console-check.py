#!/usr/bin/python3
"""The browser test's console check (scripts/web-test.sh): errors of the page, not of Chromium.

    web-console-check.py LOG [--expect-error TEXT ...]
    web-console-check.py --self-test

LOG is Chromium's stderr (--enable-logging=stderr). Two kinds of lines are in it:

- the page's console, which Chromium writes as `[…:INFO:CONSOLE:LINE] "MESSAGE", source: URL
  (LINE)` (older: `CONSOLE(LINE)`): the page's uncaught exceptions ("Uncaught …"), what the
  program printed (an abort, a RuntimeError, "pagelab-web: error"), and the WebGL errors reported
  to the page — the WebGL layer's ("WebGL: INVALID_ENUM: bindTexture: …") and the GL errors of
  its context passed on from the GPU process ("[.WebGL-0x…]GL ERROR :GL_INVALID_… : glDrawElements: …");
- Chromium's own log: its browser and GPU processes' messages.

A GL error names the command that failed. The page's calls are the GL API's (glDrawElements, …);
Chromium's own commands are not (CopySharedImage, …SharedImage…CHROMIUM, …INTERNAL: how the
canvas reaches the compositor), and "GL ERROR: CopySharedImage: unknown mailbox", seen once while
a browser started, is one of those — on the page's context or not, nothing the page did.

The page's errors fail the check: its uncaught exceptions, aborts, WebGL errors and GL errors of GL
calls (in its console, or logged by the GPU process for a `[.WebGL-…]` context). Chromium's own
GL errors are listed and do not fail it. Exit 0 when the page is clean, 1 otherwise. With
--expect-error TEXT (repeatable) it is the check's own test on a page with injected errors: exit
0 only when each TEXT is in a line the check counts as the page's error. --self-test runs the
classification on lines of both kinds (and of the page test's refused bad scenario).
"""
import re
import sys

# Chromium's log line: [pid:tid:date/time.us:LEVEL:file(line)] text; the console's: [...:CONSOLE:line] "text", source: ...
CONSOLE = re.compile(r"^\[[^\]]*:CONSOLE(?:\(\d+\)|:\d+)\] (.*)$")
PAGE_ERROR = re.compile(r"Uncaught|WebGL: [A-Z_]+|aborted|Aborted|RuntimeError|unhandled rejection|context lost|"
                        r"pagelab-web: error")
# "GL ERROR :GL_INVALID_OPERATION : glDrawElements: …" or "GL ERROR: CopySharedImage: unknown mailbox".
GL_ERROR = re.compile(r"GL ERROR\s*:\s*(?:GL_[A-Z_]+\s*:\s*)?([A-Za-z0-9_]+)|(GL_INVALID_[A-Z_]+)")
WEBGL_CONTEXT = re.compile(r"\[\.WebGL-[^\]]*\]")


def gl_error_is_pages(text):
    """None when TEXT reports no GL error; else whether it is of a GL call of the page's."""
    m = GL_ERROR.search(text)
    if not m:
        return None
    command = m.group(1)
    if command is None:  # a bare GL_INVALID_… without a command: count it
        return True
    return command.startswith("gl") and "SharedImage" not in command


def classify(lines):
    """The lines that are the page's errors, and Chromium's own GL errors (not counted)."""
    page, own = [], []
    for raw in lines:
        line = raw.rstrip("\n")
        m = CONSOLE.match(line)
        gl = gl_error_is_pages(m.group(1) if m else line)
        if m and PAGE_ERROR.search(m.group(1)):
            page.append(line)
        elif gl is True and (m or WEBGL_CONTEXT.search(line)):
            page.append(line)
        elif gl is not None:
            own.append(line)
    return page, own


SELF_TEST = [  # (line, the page's error?, Chromium's own?)
    ('[1:1:1203/1.1:INFO:CONSOLE:83] "ui test step-controls: /scenarios/01-demand-zero.yaml", source: http://127.0.0.1:1/index.html (83)',
     False, False),
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "[.WebGL-0x1a]GL Driver Message (OpenGL, Performance, GL_CLOSE_PATH_NV, High): GPU stall due to ReadPixels", '
     'source: http://127.0.0.1:1/index.html (0)', False, False),
    ("[2:2:1203/1.1:ERROR:gpu/command_buffer/service/gles2_cmd_decoder_passthrough.cc:1] GL ERROR: CopySharedImage: unknown mailbox",
     False, True),
    ("[2:2:1203/1.1:ERROR:gles2_cmd_decoder.cc(1)] : [.DisplayCompositor]GL ERROR :GL_INVALID_OPERATION : "
     "DoCreateAndTexStorage2DSharedImageINTERNAL: invalid mailbox name", False, True),
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "[.WebGL-0x1a]GL ERROR :GL_INVALID_OPERATION : CopySharedImage: unknown mailbox", '
     'source: http://127.0.0.1:1/index.html (0)', False, True),
    # The page test refuses a bad scenario on purpose (tests/scenarios/bad/unknown-key.yaml): the
    # refusal is the window's, a FILE:LINE:COL error of the file's, not of the page's — should the
    # program ever print it (as the command line does), it must not count.
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "/uploads/bad.yaml:8:5: error: unknown key \'adress\' in a read step", '
     'source: http://127.0.0.1:1/pagelab-web.js (0)', False, False),
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "Uncaught Error: boom", source: http://127.0.0.1:1/index.html (0)', True, False),
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "WebGL: INVALID_ENUM: bindTexture: invalid target", source: http://127.0.0.1:1/index.html (0)',
     True, False),
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "[.WebGL-0x1a]GL ERROR :GL_INVALID_OPERATION : glDrawElements: bad offset", '
     'source: http://127.0.0.1:1/index.html (0)', True, False),
    ("[2:2:1203/1.1:ERROR:gpu/command_buffer/service/gl_utils.cc:1] [.WebGL-0x1a]GL ERROR :GL_INVALID_VALUE : glTexSubImage2D: bad size",
     True, False),
    ('[1:1:1203/1.1:INFO:CONSOLE:0] "Aborted(RuntimeError: memory access out of bounds)", source: http://127.0.0.1:1/pagelab-web.js (0)',
     True, False),
]


def self_test():
    bad = 0
    for line, is_page, is_own in SELF_TEST:
        page, own = classify([line])
        if bool(page) != is_page or bool(own) != is_own:
            bad += 1
            print(f"web-console-check.py: self-test FAIL: {line[:160]}: page {bool(page)} (want {is_page}), "
                  f"Chromium's own {bool(own)} (want {is_own})")
    print(f"web-console-check.py: self-test: {len(SELF_TEST)} lines, {bad} misclassified")
    return 1 if bad else 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    log = sys.argv[1]
    expect = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--expect-error" and i + 1 < len(sys.argv)]
    with open(log, encoding="utf-8", errors="replace") as f:
        page, own = classify(f)
    for line in own:
        print(f"web-console-check.py: Chromium's own GL error (not the page's, not counted): {line[:300]}")
    if expect:
        missing = [t for t in expect if not any(t in line for line in page)]
        for t in expect:
            if t not in missing:
                print(f"web-console-check.py: the injected '{t}' fails the check: "
                      f"{next(line for line in page if t in line)[:300]}")
        for t in missing:
            print(f"web-console-check.py: FAIL: no page error holding '{t}' in {log} ({len(page)} page errors)")
        return 1 if missing else 0
    for line in page:
        print(f"web-console-check.py: page error: {line[:300]}")
    return 1 if page else 0


if __name__ == "__main__":
    sys.exit(main())
