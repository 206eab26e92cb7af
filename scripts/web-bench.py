#!/usr/bin/python3
"""Frame times and the first frame of PageLab's page in headless Chromium, in real time.

    web-bench.py URL [--timeout S]

--dump-dom with --virtual-time-budget (scripts/web-test.sh) freezes the page's clocks, so a
benchmark needs real time: this drives Chromium over its DevTools protocol on a pipe
(--remote-debugging-pipe: NUL-separated JSON on file descriptors 3 and 4), opens URL (e.g.
index.html?bench=200&lesson=08-hard-and-soft-faults), waits until the page's
<pre id="results"> leaves data-state="running", and prints the page's log (the "bench:" lines of
App::run_bench, the same code as pagelab-ui --bench-frames) and the first frame's time.
"""
import json
import os
import subprocess
import sys
import tempfile
import time


class Chrome:
    def __init__(self, size="1280,800"):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="pagelab-bench-")

        def fds():  # in the child: its end of each pipe as fd 3 and 4 (through high numbers: no clash)
            r, w = os.dup(to_chrome_r) + 100, os.dup(from_chrome_w) + 100
            os.dup2(to_chrome_r, r)
            os.dup2(from_chrome_w, w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader",
             "--disable-gpu-watchdog", f"--window-size={size}", f"--user-data-dir={self.profile}",
             "--no-first-run", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=fds, close_fds=False, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.from_chrome, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        self.proc.wait(timeout=20)


def main() -> int:
    url = sys.argv[1]
    timeout = float(sys.argv[sys.argv.index("--timeout") + 1]) if "--timeout" in sys.argv else 300.0
    chrome = Chrome()
    try:
        target = chrome.call("Target.createTarget", {"url": url})["targetId"]
        session = chrome.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        deadline = time.time() + timeout
        state = "running"
        expr = ("JSON.stringify({state: document.getElementById('results')?.dataset.state,"
                " first: document.getElementById('results')?.dataset.firstFrameMs,"
                " log: document.getElementById('log')?.textContent})")
        while time.time() < deadline:
            time.sleep(0.5)
            value = chrome.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
            page = json.loads(value["result"].get("value") or "{}")
            state = page.get("state") or "running"
            if state != "running":
                break
        print((page.get("log") or "").rstrip())
        print(f"first frame: {page.get('first')} ms after navigation start; state: {state}")
        return 0 if state == "passed" else 1
    finally:
        chrome.close()


if __name__ == "__main__":
    sys.exit(main())
