"""Open a report in headless Chromium, offline, and check that every figure is drawn.

Drives Chromium over the DevTools protocol (a WebSocket; package ``websockets``): loads the
page from a ``file://`` URL, records console errors and uncaught exceptions, waits until Plotly
has drawn every figure, counts what each figure drew and takes a full-page screenshot.

Command line (regenerates the README's screenshot)::

    python -m connectomedb.report.browser report.html docs/report.png
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Flags that keep Chromium off the network and away from any profile state.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)

# Runs in the page: resolves when every Plotly figure has drawn (or after the time limit) with,
# per figure, how many traces Plotly holds and how many drawn trace elements are in its SVG.
_INSPECT_JS = """
new Promise((resolve) => {
  const started = Date.now();
  const inspect = () => Array.from(document.querySelectorAll('.js-plotly-plot')).map((div) => {
    const svg = div.querySelector('svg.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const marks = div.querySelectorAll(
      'g.trace path.point, g.trace path.box, g.hm image, g.trace.bars path, g.trace.boxes path'
    );
    let drawn = 0;
    marks.forEach((el) => {
      const r = el.getBoundingClientRect();
      if (el.tagName === 'image' ? r.width > 0 && r.height > 0 : (r.width > 0 || r.height > 0)) {
        drawn += 1;
      }
    });
    const title = div.layout && div.layout.title ? div.layout.title.text : '';
    return {id: div.id, title: title, traces: (div._fullData || []).length,
            drawn: drawn, width: box.width, height: box.height};
  });
  const tick = () => {
    const figs = inspect();
    const expected = Number((document.querySelector('meta[name=connectomedb-figures]') || {})
      .content || 0);
    const done = figs.length >= expected && figs.every((f) => f.traces > 0 && f.drawn > 0);
    if (done || Date.now() - started > %(timeout_ms)d) {
      resolve(JSON.stringify({expected: expected, figures: figs,
        height: document.documentElement.scrollHeight}));
    } else {
      setTimeout(tick, 100);
    }
  };
  tick();
})
"""


class BrowserError(RuntimeError):
    """Chromium is missing, did not start, or the page could not be inspected."""


@dataclass
class FigureDrawn:
    """What one Plotly figure drew: ``traces`` in its data, ``drawn`` visible marks in its SVG."""

    id: str
    title: str
    traces: int
    drawn: int
    width: float
    height: float


@dataclass
class PageCheck:
    """The result of opening a report: console errors and uncaught exceptions, requests for
    anything but ``file:``/``data:``/``blob:`` URLs, the figures, the screenshot."""

    expected_figures: int
    figures: list[FigureDrawn]
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    page_height: int = 0

    @property
    def all_drawn(self) -> bool:
        return len(self.figures) == self.expected_figures and all(
            f.traces > 0 and f.drawn > 0 and f.width > 0 and f.height > 0 for f in self.figures
        )


def find_chromium() -> str:
    """The Chromium executable (``CONNECTOMEDB_CHROMIUM``, else ``chromium`` on the PATH)."""
    candidates = [os.environ.get("CONNECTOMEDB_CHROMIUM"), "chromium", "chromium-browser"]
    for name in candidates:
        if name and (path := shutil.which(name)):
            return path
    raise BrowserError(
        "Chromium was not found (looked for $CONNECTOMEDB_CHROMIUM, 'chromium' and "
        "'chromium-browser' on the PATH). Install it, e.g. 'apt-get install -y chromium', "
        "or set CONNECTOMEDB_CHROMIUM to its path."
    )


class _Devtools:
    """A minimal DevTools protocol session over one WebSocket (flat sessions)."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self._ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise BrowserError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60.0) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"timed out after {timeout:.0f} s waiting for {method}")
            event = json.loads(self._ws.recv(timeout=remaining))
            if event.get("method") == method:
                return event
            self.events.append(event)


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            errors.append(f"uncaught exception: {description}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
    return errors


def _external_requests(events: list[dict[str, Any]]) -> list[str]:
    urls = []
    for event in events:
        if event.get("method") == "Network.requestWillBeSent":
            url = event.get("params", {}).get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "blob:", "about:")):
                urls.append(url)
    return urls


def _start(
    chromium: str, profile: Path, extra_flags: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen(
        [
            chromium,
            *CHROMIUM_FLAGS,
            *extra_flags,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # Its own process group, so stopping it also stops its helper processes.
        start_new_session=True,
    )
    # Chromium writes the port it picked to DevToolsActivePort once it listens.
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise BrowserError(f"Chromium exited with code {process.returncode}: {stderr[-2000:]}")
        if port_file.exists():
            lines = port_file.read_text().split()
            if len(lines) >= 2:
                return process, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    process.kill()
    raise BrowserError("Chromium did not open its DevTools port within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Chromium and its helper processes (its process group), then reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.stderr:
        process.stderr.close()


def check_page(
    html_file: Path,
    *,
    width: int = 1360,
    screenshot: bool = True,
    timeout: float = 90.0,
    draw_timeout: float = 30.0,
) -> PageCheck:
    """Open ``html_file`` in headless Chromium and report what it drew (see :class:`PageCheck`).

    ``timeout`` bounds loading the page; ``draw_timeout`` how long to wait, after loading, for
    every figure to be drawn (a figure still empty then is reported as not drawn)."""
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(
        prefix="connectomedb-chromium-", ignore_cleanup_errors=True
    ) as tmp:
        process, ws_url = _start(chromium, Path(tmp))
        try:
            from websockets.sync.client import connect

            with connect(ws_url, max_size=None, open_timeout=30) as ws:
                tools = _Devtools(ws)
                return _inspect(
                    tools, Path(html_file).resolve(), width, screenshot, timeout, draw_timeout
                )
        finally:
            _stop(process)


def _inspect(
    tools: _Devtools,
    html_file: Path,
    width: int,
    screenshot: bool,
    timeout: float,
    draw_timeout: float,
) -> PageCheck:
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    for domain in ("Page", "Runtime", "Log", "Network"):
        tools.send(f"{domain}.enable", session=session)
    tools.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    tools.send("Page.navigate", {"url": html_file.as_uri()}, session=session)
    tools.wait_for("Page.loadEventFired", timeout=timeout)
    result = tools.send(
        "Runtime.evaluate",
        {
            "expression": _INSPECT_JS % {"timeout_ms": int(draw_timeout * 1000)},
            "awaitPromise": True,
            "returnByValue": True,
        },
        session=session,
        timeout=draw_timeout + 30,
    )
    if "exceptionDetails" in result:
        raise BrowserError(f"inspecting the page failed: {result['exceptionDetails']}")
    state = json.loads(result["result"]["value"])
    check = PageCheck(
        expected_figures=int(state["expected"]),
        figures=[FigureDrawn(**f) for f in state["figures"]],
        page_height=int(state["height"]),
    )
    if screenshot:
        height = int(state["height"])
        tools.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        # One frame for the layout to settle at the new size before capturing.
        tools.send(
            "Runtime.evaluate",
            {
                "expression": "new Promise(r => requestAnimationFrame(() => setTimeout(r, 300)))",
                "awaitPromise": True,
            },
            session=session,
        )
        shot = tools.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True},
            session=session,
            timeout=timeout,
        )
        check.screenshot = base64.b64decode(shot["data"])
    check.console_errors = _console_errors(tools.events)
    check.external_requests = _external_requests(tools.events)
    return check


def main(argv: list[str] | None = None) -> int:
    """``python -m connectomedb.report.browser REPORT.html [SCREENSHOT.png]``."""
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    check = check_page(Path(args[0]), screenshot=len(args) == 2)
    for figure in check.figures:
        print(f"{figure.id}: {figure.traces} traces, {figure.drawn} marks drawn")
    for error in check.console_errors:
        print(f"console error: {error}", file=sys.stderr)
    for url in check.external_requests:
        print(f"network request: {url}", file=sys.stderr)
    if len(args) == 2:
        Path(args[1]).write_bytes(check.screenshot)
        print(f"screenshot: {args[1]} ({check.page_height} px high)")
    ok = check.all_drawn and not check.console_errors and not check.external_requests
    print(
        f"{len(check.figures)} of {check.expected_figures} figures drawn, "
        f"{len(check.console_errors)} console errors, "
        f"{len(check.external_requests)} network requests: {'OK' if ok else 'FAILED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
