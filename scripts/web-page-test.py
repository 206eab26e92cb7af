#!/usr/bin/python3
"""What the page adds around the window, driven in headless Chromium (scripts/web-test.sh).

    web-page-test.py SITE_URL [--console LOG]   (e.g. http://127.0.0.1:PORT/index.html)
    web-page-test.py --open-only URL --console LOG


Over the DevTools protocol (web-bench.py's pipe): a link to a moment opens there and the window
gives the same link back; a scenario opened from a file (as the file picker and drag and drop
do) replaces the lesson, a bad one leaves it and is refused; Copy link on a file of one's own says
that it cannot be linked and offers the file for download (a copy of a served lesson links that lesson); a setting changed in the window
(F11, classroom mode) is kept in local storage and applies after a reload; the browser's own
shortcuts are not taken (Ctrl+R, Ctrl+W, Ctrl+L, F5 keep their default action); the canvas
follows the window's size and device pixel ratio. Prints each check; exit 1 when one fails.

--console LOG appends Chromium's log (the page's console among it) to LOG, for
scripts/web-console-check.py: an uncaught exception or a WebGL error while these checks drive the
page fails the browser stage as in the --dump-dom runs. --open-only only opens URL, lets it run
for a few seconds and closes: the console check's own test on a page with injected errors,
through this same browser (scripts/web-test.sh).
"""
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from importlib import import_module  # noqa: E402

Chrome = import_module("web-bench").Chrome
ROOT = pathlib.Path(__file__).resolve().parent.parent
failures = 0


def check(what, ok, detail=""):
    global failures
    print(f"{'ok' if ok else 'FAIL'}: {what}{'' if ok else ': ' + str(detail)}")
    failures += 0 if ok else 1


class Page:
    def __init__(self, chrome, url):
        self.chrome = chrome
        target = chrome.call("Target.createTarget", {"url": url})["targetId"]
        self.session = chrome.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def js(self, expr):
        r = self.chrome.call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True},
                             self.session)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def call(self, method, params):
        return self.chrome.call(method, params, self.session)

    def wait(self, expr, timeout=60.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                value = self.js(expr)
            except RuntimeError:  # the page is not there yet (a navigation)
                value = None
            if value:
                return value
            time.sleep(0.25)
        return None

    def frames(self, n=5):  # let the window draw a few frames
        self.js(f"new Promise(r => {{ let k = {n}; const f = () => --k ? requestAnimationFrame(f) : r(); requestAnimationFrame(f); }})")


def title_of(path):
    lines = (ROOT / path).read_text().splitlines()
    at = lines.index("title:")
    return lines[at + 1].split("en:", 1)[1].strip()


def open_only(url, console):
    chrome = Chrome(console=console)
    try:
        page = Page(chrome, url)
        page.wait("document.getElementById('results')?.dataset.firstFrameMs")
        time.sleep(3)  # (the injected errors come 1.5 s after the page's load event)
        page.frames()
    finally:
        chrome.close()
    return 0


def main() -> int:
    args = sys.argv[1:]
    console = None
    if "--console" in args:
        at = args.index("--console")
        console = args[at + 1]
        del args[at:at + 2]
    if args[:1] == ["--open-only"]:
        return open_only(args[1], console)
    site = args[0]
    chrome = Chrome(console=console)
    try:
        page = Page(chrome, site + "?lesson=03-reserve-vs-commit&at=2")
        check("the page draws its first frame", page.wait("document.getElementById('results').dataset.firstFrameMs"))
        page.frames()
        status = "document.getElementById('status').textContent"
        moment = "Module.ccall('pagelab_web_moment', 'string', [], [])"
        title03 = title_of("scenarios/03-reserve-vs-commit.yaml")
        check("?lesson=…&at=2 opens that lesson", page.js(status) == title03, page.js(status))
        check("… at that moment, and the window links back to it", page.js(moment) == "lesson=03-reserve-vs-commit&at=2",
              page.js(moment))

        # A setting changed in the window is remembered.
        check("classroom mode is off at first", page.js("localStorage.getItem('pagelab.classroom')") in (None, "0"))
        for kind in ("keydown", "keyup"):  # (as the browser sends them; GLFW reads keyCode)
            page.js(f"window.dispatchEvent(new KeyboardEvent('{kind}', {{key: 'F11', code: 'F11', keyCode: 122, bubbles: true}}))")
            page.frames(3)
        check("F11 turns classroom mode on and local storage keeps it",
              page.wait("localStorage.getItem('pagelab.classroom') === '1'", 10) is True,
              page.js("localStorage.getItem('pagelab.classroom')"))
        page.js("window.oldPage = true; location.href = location.pathname + '?lesson=03-reserve-vs-commit&at=2'")
        page.wait("!window.oldPage && document.getElementById('results')?.dataset.firstFrameMs")
        page.frames()
        check("… and after a reload the window is in classroom mode", "classroom=1" in (page.js(moment) or ""), page.js(moment))

        # Open file / drop: the page writes the file into the virtual file system and opens it.
        def open_file(name, path):
            text = json.dumps((ROOT / path).read_text())
            return page.js(f"(() => {{ try {{ Module.FS.mkdir('/uploads'); }} catch (e) {{}}"
                           f" Module.FS.writeFile('/uploads/{name}', {text});"
                           f" return Module.ccall('pagelab_web_open', 'number', ['string'], ['/uploads/{name}']); }})()")
        check("a bad scenario is refused", open_file("bad.yaml", "tests/scenarios/bad/unknown-key.yaml") == 0)
        page.frames()
        check("… and the lesson stays", page.js(status) == title03, page.js(status))
        check("a good scenario opens", open_file("mine.yaml", "scenarios/01-demand-zero.yaml") == 1)
        page.frames()
        check("… in place of the lesson", page.js(status) == title_of("scenarios/01-demand-zero.yaml"), page.js(status))
        check("… and, being byte for byte a lesson served here, its link is that lesson's",
              page.js(moment) == "lesson=01-demand-zero&at=0&classroom=1", page.js(moment))

        # A file of one's own cannot be linked: Copy link says so and offers the file to download.
        own = (ROOT / "scenarios/01-demand-zero.yaml").read_text().replace("title:", "# my own copy\ntitle:", 1)
        page.js(f"Module.FS.writeFile('/uploads/own.yaml', {json.dumps(own)})")
        check("a scenario of one's own opens", page.js("Module.ccall('pagelab_web_open', 'number', ['string'], ['/uploads/own.yaml'])") == 1)
        page.frames()
        check("… and the window's link names the file", page.js(moment) == "file=own.yaml&at=0&classroom=1", page.js(moment))
        page.js("document.getElementById('bar').hidden = false; document.getElementById('link').click()")
        note = page.js("document.getElementById('note').hidden ? '' : document.getElementById('note').textContent")
        check("Copy link says that the file cannot be linked", "own.yaml" in note and "cannot open it in another browser" in note, note)
        dl = page.js("(() => { const a = document.getElementById('download'); return a.hidden ? null : [a.download, a.href]; })()")
        check("… and offers it for download", bool(dl) and dl[0] == "own.yaml" and dl[1].startswith("blob:"), dl)
        got = page.js("fetch(document.getElementById('download').href).then(r => r.text())") if dl else None
        check("… the download is the file opened", got == own, (got or "")[:80])
        check("… and the button did not turn into 'Link copied'", page.js("document.getElementById('link').textContent") == "Copy link")

        # The browser's shortcuts: the page must not cancel their keydown.
        for key, code, ctrl in (("r", 82, True), ("w", 87, True), ("l", 76, True), ("F5", 116, False)):
            kept = page.js(f"window.dispatchEvent(new KeyboardEvent('keydown', {{key: '{key}', keyCode: {code},"
                           f" ctrlKey: {'true' if ctrl else 'false'}, bubbles: true, cancelable: true}}))")
            check(f"{'Ctrl+' if ctrl else ''}{key.upper()} is left to the browser", kept is True)

        # The canvas follows the window and the device pixel ratio.
        page.call("Emulation.setDeviceMetricsOverride", {"width": 1000, "height": 700, "deviceScaleFactor": 2, "mobile": False})
        page.frames(10)
        size = page.js("[innerWidth, innerHeight, devicePixelRatio, Module.canvas.width, Module.canvas.height]")
        check("the canvas is the window's size in device pixels", size[3] == round(size[0] * size[2]) and size[4] == round(size[1] * size[2]),
              size)
    finally:
        chrome.close()
    print(f"web-page-test.py: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
