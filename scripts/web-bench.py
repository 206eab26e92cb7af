#!/usr/bin/python3
"""Frame times and the first frame of PageLab's page in headless Chromium, in real time.

    web-bench.py URL [--timeout S]

--dump-dom with --virtual-time-budget (scripts/web-test.sh) freezes the page's clocks, so a
benchmark needs real time: this drives Chromium over its DevTools protocol on a pipe
(--remote-debugging-pipe: NUL-separated JSON on file descriptors 3 and 4), opens URL (e.g.
index.html?bench=200&lesson=08-hard-and-soft-faults), waits until the page's
<pre id="results"> leaves data-state="running", and prints the page's log (the "bench:" lines of
App::run_bench, the same code as pagelab-ui --bench-frames) and the first frame's time.

    web-bench.py URL --profile OUT.cpuprofile [--top N]

also records a sampled CPU profile of the page (the DevTools protocol's Profiler, every 100 µs)
while it runs — the page is opened with hold=1, so that main() waits until the profiler runs —
writes it (Chromium's .cpuprofile JSON: DevTools' Performance panel opens it) and prints the
functions with the most samples, by self time and by total time (the site built with
`cmake --build build-web --target pagelab-web-profile`, in build-web/site-profile/, keeps the
wasm functions' names).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time


# WebGL through SwiftShader, Chromium's own software renderer (as in CI); PAGELAB_WEB_GL replaces
# these flags, e.g. "--use-angle=gl --ignore-gpu-blocklist" for the system's OpenGL (Mesa's llvmpipe
# under xvfb-run, the desktop window's renderer).
GL_FLAGS = "--use-gl=swiftshader --enable-unsafe-swiftshader"


class Chrome:
    """Headless Chromium on a DevTools pipe. CONSOLE: a file Chromium's log is appended to
    (--enable-logging=stderr: the page's console and Chromium's own messages, for
    scripts/web-console-check.py); without it the log is thrown away."""

    def __init__(self, size="1280,800", console=None):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="pagelab-bench-")
        self.log = open(console, "ab") if console else None

        def fds():  # in the child: its end of each pipe as fd 3 and 4 (through high numbers: no clash)
            r, w = os.dup(to_chrome_r) + 100, os.dup(from_chrome_w) + 100
            os.dup2(to_chrome_r, r)
            os.dup2(from_chrome_w, w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", *os.environ.get("PAGELAB_WEB_GL", GL_FLAGS).split(),
             "--disable-gpu-watchdog", f"--window-size={size}", f"--user-data-dir={self.profile}",
             "--no-first-run", "--remote-debugging-pipe",
             *(["--enable-logging=stderr", "--v=0"] if console else []), "about:blank"],
            preexec_fn=fds, close_fds=False, stderr=self.log or subprocess.DEVNULL)
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
        if self.log:
            self.log.close()


def process_cpu(root_pid):
    """CPU seconds (user + system, all threads) of Chromium's processes under ROOT_PID, by kind:
    {"gpu-process": s, "renderer": s, "browser": s, ...} (from /proc: Linux only)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        # (Chromium rewrites its children's command lines into one string: a search, not a split.)
        m = re.search(rb"--type=([a-z-]+)", cmd)
        kind = m.group(1).decode() if m else "browser"
        stats[int(d)] = (int(fields[1]), kind, (int(fields[11]) + int(fields[12])) / tick)
    mine = {root_pid}
    for _ in range(4):  # the process tree is shallow (browser, zygotes, their children)
        mine |= {pid for pid, (ppid, _, _) in stats.items() if ppid in mine}
    out = {}
    for pid in mine:
        if pid in stats:
            out[stats[pid][1]] = out.get(stats[pid][1], 0.0) + stats[pid][2]
    return out


def profile_summary(profile, top):
    """The functions with the most samples: self time (the function itself) and total time (it and
    what it calls), in ms and in % of the samples taken while the page ran JavaScript or wasm."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {}
    for n in profile["nodes"]:
        for c in n.get("children", []):
            parent[c] = n["id"]
    name = {i: (n["callFrame"]["functionName"] or "(anonymous " + n["callFrame"].get("url", "").rsplit("/", 1)[-1] + ")")
            for i, n in nodes.items()}
    idle = {"(idle)", "(program)", "(garbage collector)", "(root)"}
    deltas = profile.get("timeDeltas") or []
    self_ms, total_ms = {}, {}
    busy = 0.0
    for k, sample in enumerate(profile.get("samples") or []):
        # A sample stands for the time until the next one.
        dt = (deltas[k + 1] if k + 1 < len(deltas) else 0) / 1000.0
        if name[sample] in idle:
            continue
        busy += dt
        self_ms[name[sample]] = self_ms.get(name[sample], 0.0) + dt
        seen = set()
        i = sample
        while i in nodes:
            if name[i] not in seen and name[i] not in idle:
                seen.add(name[i])
                total_ms[name[i]] = total_ms.get(name[i], 0.0) + dt
            i = parent.get(i)
    lines = [f"profile: {busy:.0f} ms of samples in the page's JavaScript and wasm"]
    for title, table in (("self", self_ms), ("total", total_ms)):
        lines.append(f"profile: the {top} functions with the most {title} time:")
        for fn, ms in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            lines.append(f"  {ms:9.1f} ms {100 * ms / max(busy, 1e-9):5.1f}%  {fn[:150]}")
    return "\n".join(lines)


def main() -> int:
    url = sys.argv[1]
    timeout = float(sys.argv[sys.argv.index("--timeout") + 1]) if "--timeout" in sys.argv else 300.0
    profile_out = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 40
    # main() waits (hold=1) until the profiler runs and the processes' CPU times are read.
    url += ("&" if "?" in url else "?") + "hold=1"
    chrome = Chrome()
    try:
        target = chrome.call("Target.createTarget", {"url": url})["targetId"]
        session = chrome.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        deadline = time.time() + timeout
        while time.time() < deadline:  # until the page's script has run
            r = chrome.call("Runtime.evaluate", {"expression": "typeof window.pagelabGo", "returnByValue": True}, session)
            if r["result"].get("value") == "function":
                break
            time.sleep(0.2)
        if profile_out:
            chrome.call("Profiler.enable", {}, session)
            chrome.call("Profiler.setSamplingInterval", {"interval": 100}, session)
            chrome.call("Profiler.start", {}, session)
        cpu_before = process_cpu(chrome.proc.pid)
        chrome.call("Runtime.evaluate", {"expression": "window.pagelabGo()"}, session)
        state = "running"
        page = {}
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
        cpu_after = process_cpu(chrome.proc.pid)
        print((page.get("log") or "").rstrip())
        print(f"first frame: {page.get('first')} ms after navigation start; state: {state}")
        # The frames run_bench draws: its warm-up (N, at least 20, at most 60), then N + 10 per mode.
        n = int(re.search(r"[?&]bench=([0-9]+)", url).group(1)) if re.search(r"[?&]bench=([0-9]+)", url) else 0
        frames = min(60, max(20, n)) + 3 * (n + 10) if n else 0
        if frames:
            per = {k: 1000 * (cpu_after.get(k, 0) - cpu_before.get(k, 0)) / frames for k in cpu_after}
            print(f"cpu: {frames} frames, the program's start-up included: " +
                  ", ".join(f"{k} {v:.1f} ms/frame" for k, v in sorted(per.items())))
        if profile_out:
            profile = chrome.call("Profiler.stop", {}, session)["profile"]
            with open(profile_out, "w") as f:
                json.dump(profile, f)
            print(profile_summary(profile, top))
        return 0 if state == "passed" else 1
    finally:
        chrome.close()


if __name__ == "__main__":
    sys.exit(main())
