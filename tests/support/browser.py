"""Open a report in headless Chromium, offline, and check that every figure is drawn.

Drives Chromium over the DevTools protocol (:mod:`connectomedb.chromium`): loads the page from
a ``file://`` URL, records console errors and uncaught exceptions, waits until Plotly has drawn
every figure, counts what each figure drew and takes a full-page screenshot.

Command line (regenerates the README's screenshot)::

    PYTHONPATH=tests python -m support.browser report.html docs/report.png
"""

from __future__ import annotations

import base64
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from connectomedb.chromium import (
    BrowserError,
    Devtools,
    console_errors,
    external_requests,
    headless,
    open_page,
    resize,
)

__all__ = ["BrowserError", "FigureDrawn", "PageCheck", "check_page", "main"]

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
    with headless() as tools:
        return _inspect(tools, Path(html_file).resolve(), width, screenshot, timeout, draw_timeout)


def _inspect(
    tools: Devtools,
    html_file: Path,
    width: int,
    screenshot: bool,
    timeout: float,
    draw_timeout: float,
) -> PageCheck:
    session = open_page(tools, html_file.as_uri(), width=width, height=900, timeout=timeout)
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
        resize(tools, session, width, height)
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
    check.console_errors = console_errors(tools.events)
    check.external_requests = external_requests(tools.events)
    return check


def main(argv: list[str] | None = None) -> int:
    """``PYTHONPATH=tests python -m support.browser REPORT.html [SCREENSHOT.png]``."""
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
