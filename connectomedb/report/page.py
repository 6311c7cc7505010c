"""Assemble the figures into one self-contained HTML page.

The page embeds Plotly's JavaScript inline (no CDN, no network access when it is opened) and
carries ``<meta name="connectomedb-figures" content="N">`` so a reader or a test knows how many
figures it should draw.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
from plotly.offline import get_plotlyjs

from connectomedb import __version__
from connectomedb.report.data import DatasetHeader
from connectomedb.report.figures import Figure

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #1f3b57; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 24px; }
header p { margin: 2px 0; font-size: 14px; opacity: 0.9; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 32px 48px 32px; }
section.meta { display: flex; flex-wrap: wrap; gap: 24px; }
section.meta > div { background: #fff; border: 1px solid #ddd; border-radius: 4px;
                     padding: 8px 14px; }
table { border-collapse: collapse; font-size: 13px; }
div.blocks { display: flex; gap: 18px; align-items: flex-start; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 12px; }
nav { margin: 12px 0; font-size: 14px; }
nav a { margin-right: 14px; color: #1f3b57; }
h2 { margin-top: 32px; border-bottom: 2px solid #1f3b57; padding-bottom: 4px; font-size: 19px; }
.figure { background: #fff; border: 1px solid #ddd; border-radius: 4px; margin: 14px 0;
          padding: 6px; }
.caption { font-size: 13px; color: #444; margin: 4px 8px 2px 8px; }
.source { font-size: 12px; color: #666; margin: 0 8px 8px 8px; }
ul.notes { font-size: 13px; color: #444; }
table.paper { border-collapse: collapse; font-size: 12px; margin: 8px 0 24px 0; }
table.paper td, table.paper th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
p.conditions { font-size: 13px; color: #444; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _counts_table(title: str, heads: tuple[str, str], pairs: list[tuple[str, int]]) -> str:
    """A two-column count table, split into side-by-side blocks of at most 10 rows."""
    blocks = [pairs[i : i + 10] for i in range(0, len(pairs), 10)] or [[]]
    tables = "".join(
        f"<table><tr><th>{_e(heads[0])}</th><th>{_e(heads[1])}</th></tr>"
        + "".join(f"<tr><td>{_e(k)}</td><td class='num'>{int(v):,}</td></tr>" for k, v in block)
        + "</table>"
        for block in blocks
    )
    return f"<div><h3>{_e(title)}</h3><div class='blocks'>{tables}</div></div>"


def _header_html(header: DatasetHeader, graph_counts: pd.DataFrame | None) -> str:
    files = "".join(
        f"<tr><td>{_e(r.file)}</td><td><code>{_e(r.sha256)}</code></td>"
        f"<td class='num'>{int(r.size):,}</td></tr>"
        for r in header.files.itertuples(index=False)
    )
    counts = list(zip(header.row_counts["table"], header.row_counts["rows"], strict=True))
    graph = ""
    if graph_counts is not None:
        pairs = list(zip(graph_counts["name"], graph_counts["count"], strict=True))
        graph = _counts_table("Graph store", ("label / type", "count"), pairs)
    return (
        "<section class='meta'>"
        "<div><h3>Files</h3><table><tr><th>file</th><th>SHA-256</th><th>bytes</th></tr>"
        f"{files}</table></div>"
        f"{_counts_table('Rows loaded', ('table', 'rows'), counts)}"
        f"{graph}"
        "</section>"
    )


def _sources_html(item: Figure, queries: Mapping[str, tuple[str, Mapping[str, object]]]) -> str:
    calls = []
    for frame in item.frames:
        if frame not in queries:
            continue
        name, params = queries[frame]
        args = ", ".join(f"{k}={'all' if v is None else v}" for k, v in params.items())
        calls.append(f"<code>{_e(name)}</code>" + (f" ({_e(args)})" if args else ""))
    if not calls:
        return ""
    return f"<p class='source'>Query library: {'; '.join(calls)}</p>"


def _paper_html(paper: Sequence[tuple[str, str, pd.DataFrame]]) -> str:
    """The paper-faithful analyses as tables, each with the conditions it was run under."""
    out = ["<h2 id='section-paper'>Paper-faithful analyses (Motta et al. 2019)</h2>"]
    for title, conditions, table in paper:
        head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_e(_cell(v))}</td>" for v in row) + "</tr>"
            for row in table.itertuples(index=False)
        )
        out.append(
            f"<div class='paper'><h3>{_e(title)}</h3>"
            f"<p class='conditions'>Conditions: {_e(conditions)}</p>"
            f"<table class='paper'><tr>{head}</tr>{rows}</table></div>"
        )
    return "".join(out)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.4g}"
    return str(value)


def render_page(
    header: DatasetHeader,
    figures: Sequence[Figure],
    notes: Sequence[str] = (),
    generated_at: str = "",
    *,
    graph_counts: pd.DataFrame | None = None,
    queries: Mapping[str, tuple[str, Mapping[str, object]]] | None = None,
    paper: Sequence[tuple[str, str, pd.DataFrame]] = (),
) -> str:
    """The complete HTML document. ``queries`` (frame -> query name and parameters) adds to
    each figure the named queries it shows."""
    parts: list[str] = []
    current_section = None
    sections: list[str] = []
    for number, item in enumerate(figures, start=1):
        if item.section != current_section:
            current_section = item.section
            sections.append(item.section)
            anchor = f"section-{len(sections)}"
            parts.append(f"<h2 id='{anchor}'>{_e(item.section)}</h2>")
        div = item.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=f"fig-{item.key}",
            config={"displaylogo": False, "responsive": True},
            default_width="100%",
            default_height=f"{int(item.figure.layout.height or 450)}px",
        )
        parts.append(
            f"<div class='figure' data-figure='{_e(item.key)}'>{div}"
            f"<p class='caption'>Figure {number}. {_e(item.caption)}</p>"
            f"{_sources_html(item, queries or {})}</div>"
        )
    nav = "".join(
        f"<a href='#section-{i}'>{_e(name)}</a>" for i, name in enumerate(sections, start=1)
    )
    if paper:
        nav += "<a href='#section-paper'>Paper-faithful analyses</a>"
        parts.append(_paper_html(paper))
    note_items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='connectomedb-figures' content='{len(figures)}'>"
        f"<title>connectomedb report: {_e(header.name)}</title>"
        f"<style>{_CSS}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        "</head><body>"
        f"<header><h1>Connectome report: dataset {_e(header.name)}</h1>"
        f"<p>Source folder: {_e(header.source)}</p>"
        f"<p>Loaded at {_e(header.loaded_at)} by {_e(header.loader_version)}; "
        f"report made {_e(generated_at)} by connectomedb {_e(__version__)}.</p></header>"
        "<main>"
        f"{_header_html(header, graph_counts)}"
        f"<nav>{nav}</nav>"
        + (f"<ul class='notes'>{note_items}</ul>" if note_items else "")
        + "".join(parts)
        + "</main></body></html>\n"
    )
