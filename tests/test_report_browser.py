"""The headless-Chromium page check itself: it must see console errors, uncaught exceptions and
figures that were not drawn, or the report tests that rely on it would prove nothing.

Chromium is required (``apt-get install -y chromium``); without it these tests fail with that
instruction rather than skip.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs
from support.browser import BrowserError, check_page


def _page(tmp_path: Path, body: str, expected: int) -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<meta name='connectomedb-figures' content='{expected}'>"
        f"<script>{get_plotlyjs()}</script></head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def _plot(div_id: str) -> str:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id)


def test_a_clean_page_with_its_figures_passes(tmp_path: Path) -> None:
    check = check_page(_page(tmp_path, _plot("one") + _plot("two"), expected=2))
    assert check.console_errors == []
    assert check.external_requests == []
    assert [f.id for f in check.figures] == ["one", "two"]
    assert check.all_drawn
    assert all(f.drawn == 2 for f in check.figures)  # two bars each
    assert check.screenshot.startswith(b"\x89PNG")


def test_console_errors_and_exceptions_are_reported(tmp_path: Path) -> None:
    body = _plot("one") + (
        "<script>console.error('broken figure data');</script><script>undefinedFunction();</script>"
    )
    check = check_page(_page(tmp_path, body, expected=1), screenshot=False)
    assert len(check.console_errors) == 2
    assert "broken figure data" in check.console_errors[0]
    assert "undefinedFunction" in check.console_errors[1]


def test_a_missing_or_empty_figure_fails_the_check(tmp_path: Path) -> None:
    empty = "<div id='empty' class='js-plotly-plot'></div>"
    check = check_page(
        _page(tmp_path, _plot("one") + empty, expected=3), screenshot=False, draw_timeout=3
    )
    assert check.expected_figures == 3
    assert len(check.figures) == 2
    assert not check.all_drawn
    assert [f.drawn > 0 for f in check.figures] == [True, False]


def test_a_request_to_the_network_is_recorded(tmp_path: Path) -> None:
    # A page that loads a script from a CDN needs the network: the check must see the request
    # whether or not the machine can reach it.
    body = _plot("one") + "<script src='https://cdn.plot.ly/plotly-2.35.2.min.js'></script>"
    check = check_page(_page(tmp_path, body, expected=1), screenshot=False)
    assert check.external_requests == ["https://cdn.plot.ly/plotly-2.35.2.min.js"]


def test_a_missing_chromium_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to find here
    monkeypatch.delenv("CONNECTOMEDB_CHROMIUM", raising=False)
    with pytest.raises(BrowserError) as error:
        check_page(_page(tmp_path, _plot("one"), expected=1))
    assert str(error.value) == (
        "Chromium was not found (looked for $CONNECTOMEDB_CHROMIUM, 'chromium' and "
        "'chromium-browser' on the PATH). Install it, e.g. 'apt-get install -y chromium', "
        "or set CONNECTOMEDB_CHROMIUM to its path."
    )
