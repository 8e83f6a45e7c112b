"""Exports that work offline: slide HTML, the HTML slide deck, the HTML timeline, and images.

Pure functions (no Streamlit), strings and bytes out:
- `slide_html` draws one slide of a `briefing.Deck`; the app's briefing view shows exactly
  this HTML, and `deck_html` puts every slide in one self-contained file whose only script is
  the static keyboard navigation below (no document text ever goes inside a <script>).
- `timeline_html` wraps a plotly figure with plotly.js inlined, so it opens with no network.
- `timeline_svg` and `timeline_png` draw the same figure as a static picture for slides. They
  read the figure's own traces, shapes and axes and draw them with plain SVG or Pillow: no
  browser, no kaleido, no network. Pillow is already installed with Streamlit.

Every piece of document text passes through `esc` (html.escape) before it joins markup. The
figure's strings were escaped for plotly's hover labels, so they are unescaped once and
escaped again for the place they go.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from PIL import Image, ImageColor, ImageDraw, ImageFont

from app.briefing import Deck, EventSlide, SummarySlide, TitleSlide

INK, MUTED, ACCENT, HIGHLIGHT, RULE = "#111111", "#3d3d3d", "#0b3d91", "#D55E00", "#767676"
LONG_QUOTE, VERY_LONG_QUOTE = 280, 450  # characters: smaller type beyond these
FONT_STACK = "'DejaVu Sans', 'Segoe UI', Arial, Helvetica, sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"
STRIP_X0, STRIP_W = 30, 940  # the strip's line in its 1000-wide picture
THEMES_SHOWN = 6
KEY = "Markers: ● past  ▶ ongoing  ○ planned.  Bars span the month, season, year or period meant."


def esc(text: object) -> str:
    """Escape any text for HTML or SVG (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


# --- slides --------------------------------------------------------------------------------

SLIDE_CSS = f"""
.bs {{font-family:{FONT_STACK}; color:{INK}; background:#fff; box-sizing:border-box;
  display:flex; flex-direction:column; gap:min(1.4vh,0.9vw); line-height:1.25;
  font-size:min(2.3vw,4.1vh);}}
.bs * {{box-sizing:border-box;}}
.bs .kicker {{font-size:0.62em; font-weight:700; letter-spacing:0.06em; text-transform:uppercase;
  color:{MUTED}; display:flex; justify-content:space-between; gap:1em;}}
.bs .when {{font-size:1.35em; font-weight:700; color:{ACCENT}; margin:0;}}
.bs .note {{font-size:0.6em; color:{MUTED}; margin:0;}}
.bs h1, .bs h2 {{margin:0; font-weight:800; line-height:1.12; color:{INK};}}
.bs h1 {{font-size:1.9em;}}
.bs h2 {{font-size:1.45em;}}
.bs .who {{font-size:0.9em; margin:0;}}
.bs .who b {{font-weight:700;}}
.bs blockquote {{margin:0.2em 0; padding:0.15em 0 0.15em 0.8em; border-left:0.22em solid {ACCENT};
  font-size:0.95em; line-height:1.3; white-space:pre-wrap; overflow-wrap:anywhere;}}
.bs blockquote.long {{font-size:0.8em;}}
.bs blockquote.very-long {{font-size:0.7em;}}
.bs .cite {{font-size:0.58em; color:{MUTED}; margin:0; overflow-wrap:anywhere;}}
.bs .cite b {{color:{INK};}}
.bs .strip {{width:100%; height:auto; display:block; margin-top:auto;}}
.bs .facts {{font-size:1em; margin:0; padding-left:1.1em;}}
.bs .facts li {{margin:0.25em 0;}}
.bs .charts {{display:grid; grid-template-columns:1fr 1fr; gap:2vw; align-items:start;}}
.bs .charts h3 {{font-size:0.75em; margin:0 0 0.3em 0;}}
.bs .charts img {{max-width:100%; max-height:46vh; height:auto; display:block;}}
"""


def svg_img(svg: str, alt: str, css_class: str) -> str:
    """An <img> showing an SVG through a data URI (st.html strips inline SVG elements)."""
    if not svg.startswith("<svg "):
        raise ValueError("svg_img expects an <svg> element")
    full = svg.replace("<svg ", f'<svg xmlns="{SVG_NS}" font-family="{esc(FONT_STACK)}" ', 1)
    data = base64.b64encode(full.encode("utf-8")).decode("ascii")
    return f'<img class="{css_class}" alt="{esc(alt)}" src="data:image/svg+xml;base64,{data}">'


def _kicker(left: str, number: int, total: int) -> str:
    """The small line at the top of a slide: a label and "3 / 14"."""
    return f'<div class="kicker"><span>{esc(left)}</span><span>{number} / {total}</span></div>'


def strip_svg(deck: Deck, current: int | None) -> str:
    """The whole briefing as a strip of dots, the current event (slide number) highlighted."""
    dots, ring = [], ""
    for slide in deck.events:
        x = STRIP_X0 + STRIP_W * slide.position
        if slide.number == current:
            ring = (
                f'<circle cx="{x:.1f}" cy="22" r="12" fill="{HIGHLIGHT}" stroke="{INK}" '
                f'stroke-width="2.5"><title>{esc(slide.when)}</title></circle>'
            )
        else:
            dots.append(f'<circle cx="{x:.1f}" cy="22" r="5.5" fill="{RULE}"/>')
    ticks = "".join(
        f'<line x1="{STRIP_X0 + STRIP_W * f:.1f}" y1="30" x2="{STRIP_X0 + STRIP_W * f:.1f}" '
        f'y2="38" stroke="{MUTED}" stroke-width="1.5"/><text x="{STRIP_X0 + STRIP_W * f:.1f}" y="60" '
        f'font-size="19" text-anchor="middle" fill="{MUTED}">{esc(label)}</text>'
        for f, label in deck.ticks
    )
    svg = (
        '<svg viewBox="0 0 1000 66" width="1000" height="66">'
        f'<line x1="{STRIP_X0}" y1="22" x2="{STRIP_X0 + STRIP_W}" y2="22" stroke="{RULE}" '
        'stroke-width="2"/>'
        f"{ticks}{''.join(dots)}{ring}</svg>"
    )
    where = "the whole briefing" if current is None else f"slide {current} in the briefing"
    return svg_img(svg, f"Strip timeline of {where}", "strip")


def _quote_class(quote: str) -> str:
    """Smaller type for long quotes, so that they fit without being cut."""
    if len(quote) > VERY_LONG_QUOTE:
        return "very-long"
    return "long" if len(quote) > LONG_QUOTE else ""


def event_html(slide: EventSlide, deck: Deck) -> str:
    """One event slide."""
    who = f"<b>{esc(slide.minister)}</b>" if slide.minister else "No minister named"
    shortened = " (quote shortened on this slide)" if slide.shortened else ""
    if slide.minister and slide.post:
        who += f", {esc(slide.post)}"
    return (
        _kicker(slide.kicker or "Event", slide.number, len(deck))
        + f'<p class="when">{esc(slide.when)}</p><p class="note">{esc(slide.when_note)}</p>'
        + f'<h2>{esc(slide.headline)}</h2><p class="who">{who}</p>'
        + f'<blockquote class="{_quote_class(slide.quote)}">“{esc(slide.quote)}”</blockquote>'
        + f'<p class="cite"><b>Source:</b> {esc(slide.citation.line())}{shortened}</p>'
        + strip_svg(deck, slide.number)
    )


def title_html(title: TitleSlide, deck: Deck) -> str:
    """The title slide."""
    noun = "event" if title.n_events == 1 else "events"
    docs = "document" if title.n_documents == 1 else "documents"
    facts = [
        f"<b>Period:</b> {esc(title.period)}",
        f"<b>Filters:</b> {esc('; '.join(title.filters))}",
        f"<b>{title.n_events:,} {noun}</b> from {title.n_documents:,} {docs}, one per slide",
        f"{esc(title.corpus)}",
    ]
    items = "".join(f"<li>{f}</li>" for f in facts)
    return (
        _kicker("UK anti-trafficking policy timeline", 1, len(deck))
        + f'<h1>{esc(title.heading)}</h1><ul class="facts">{items}</ul>'
        + strip_svg(deck, None)
    )


def bars_svg(rows: Sequence[tuple[str, int]], *, horizontal: bool, label: str) -> str:
    """A plain bar chart (counts labelled on the bars) as an <img> of an SVG."""
    svg = _hbars(rows) if horizontal else _vbars(rows)
    table = "; ".join(f"{name}: {n}" for name, n in rows)
    return svg_img(svg, f"{label}. {table}", "chart")


def _vbars(rows: Sequence[tuple[str, int]]) -> str:
    """Columns, one per row, labels below (every few when there are many)."""
    width, height, top, base, pad = 600, 350, 36, 300, 34
    top_count = max((n for _, n in rows), default=1) or 1
    step = (width - 2 * pad) / max(len(rows), 1)
    every = max(1, math.ceil(len(rows) / 7))
    parts = []
    for i, (name, n) in enumerate(rows):
        h = (base - top) * n / top_count
        x = pad + i * step + step * 0.12
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step * 0.76:.1f}" height="{h:.1f}" '
            f'fill="{ACCENT}"><title>{esc(name)}: {n}</title></rect>'
        )
        if n:
            parts.append(
                f'<text x="{x + step * 0.38:.1f}" y="{base - h - 7:.1f}" font-size="26" '
                f'text-anchor="middle" fill="{INK}">{n}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step * 0.38:.1f}" y="{base + 36}" font-size="26" '
                f'text-anchor="middle" fill="{INK}">{esc(name)}</text>'
            )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{INK}" stroke-width="2"/>'
        f"{''.join(parts)}</svg>"
    )


def _hbars(rows: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars with their names above them."""
    shown = list(rows[:THEMES_SHOWN])
    if len(rows) > THEMES_SHOWN:
        rest = rows[THEMES_SHOWN:]
        shown.append((f"{len(rest)} other themes", sum(n for _, n in rest)))
    top_count = max((n for _, n in shown), default=1) or 1
    row_h, width = 58, 600
    parts = []
    for i, (name, n) in enumerate(shown):
        y = i * row_h
        w = max((width - 60) * n / top_count, 2)
        fill = RULE if len(rows) > THEMES_SHOWN and i == len(shown) - 1 else ACCENT
        parts.append(
            f'<text x="0" y="{y + 22}" font-size="25" fill="{INK}">{esc(name)}</text>'
            f'<rect x="0" y="{y + 29}" width="{w:.1f}" height="22" fill="{fill}">'
            f"<title>{esc(name)}: {n}</title></rect>"
            f'<text x="{w + 8:.1f}" y="{y + 49}" font-size="25" fill="{INK}">{n}</text>'
        )
    height = row_h * len(shown) + 4
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"{''.join(parts)}</svg>"
    )


def summary_html(summary: SummarySlide, deck: Deck) -> str:
    """The closing summary slide."""
    noun = "event" if summary.n_events == 1 else "events"
    docs = "document" if summary.n_documents == 1 else "documents"
    years = bars_svg(summary.per_year, horizontal=False, label="Events per year")
    themes = bars_svg(summary.per_theme, horizontal=True, label="Events per theme")
    return (
        _kicker("Summary", summary.number, len(deck))
        + f"<h1>{esc(summary.heading)}</h1>"
        + f'<p class="who"><b>{summary.n_events:,} {noun}</b> from {summary.n_documents:,} '
        + f"{docs}, {esc(summary.period)}.</p>"
        + '<div class="charts"><div><h3>Events per year (by the year each starts)</h3>'
        + f"{years}</div><div><h3>Events per theme</h3>{themes}</div></div>"
    )


def slide_html(deck: Deck, number: int) -> str:
    """Slide `number` (1-based; title first, summary last) as an HTML fragment."""
    if number <= 1:
        inner = title_html(deck.title, deck)
    elif number >= len(deck):
        inner = summary_html(deck.summary, deck)
    else:
        inner = event_html(deck.events[number - 2], deck)
    return f'<div class="bs" data-slide="{int(number)}">{inner}</div>'


# --- the deck ------------------------------------------------------------------------------

DECK_CSS = (
    """
html, body {margin:0; padding:0; background:#fff;}
section.slide {display:none; width:100vw; height:100vh; padding:4.5vh 5vw 9vh 5vw;
  box-sizing:border-box; overflow:hidden;}
section.slide.current {display:block;}
section.slide > .bs {height:100%;}
nav.deck {position:fixed; bottom:0; left:0; right:0; display:flex; gap:1em; align-items:center;
  justify-content:center; padding:1vh; font:min(1.6vw,2.6vh) """
    + FONT_STACK
    + """;
  color:#3d3d3d; background:rgba(255,255,255,0.92);}
nav.deck button {font:inherit; padding:0.15em 0.9em; border:2px solid #3d3d3d;
  background:#fff; color:#111; border-radius:0.3em; cursor:pointer;}
@media print {
  nav.deck {display:none;}
  section.slide {display:block; page-break-after:always; height:auto; min-height:100vh;}
}
"""
)

# Static: it reads nothing but the DOM; no data is ever written into it.
DECK_JS = """
(function () {
  var slides = document.querySelectorAll('section.slide');
  var counter = document.getElementById('counter');
  var at = 0;
  function show(i) {
    at = Math.max(0, Math.min(slides.length - 1, i));
    for (var k = 0; k < slides.length; k++) {
      slides[k].classList.toggle('current', k === at);
    }
    counter.textContent = (at + 1) + ' / ' + slides.length;
    if (history.replaceState) { history.replaceState(null, '', '#slide-' + (at + 1)); }
  }
  document.addEventListener('keydown', function (e) {
    var next = ['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'Enter'];
    var prev = ['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace'];
    if (next.indexOf(e.key) >= 0) { show(at + 1); e.preventDefault(); }
    else if (prev.indexOf(e.key) >= 0) { show(at - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); e.preventDefault(); }
    else if (e.key === 'End') { show(slides.length - 1); e.preventDefault(); }
  });
  document.getElementById('prev').addEventListener('click', function () { show(at - 1); });
  document.getElementById('next').addEventListener('click', function () { show(at + 1); });
  var m = /^#slide-(\\d+)$/.exec(location.hash);
  show(m ? parseInt(m[1], 10) - 1 : 0);
})();
"""


def deck_html(deck: Deck) -> str:
    """The briefing as one self-contained HTML file: arrow keys, Home and End move."""
    sections = "\n".join(
        f'<section class="slide" id="slide-{n}">{slide_html(deck, n)}</section>'
        for n in range(1, len(deck) + 1)
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(deck.title.heading)}</title>"
        f"<style>{SLIDE_CSS}{DECK_CSS}</style></head><body>\n{sections}\n"
        '<nav class="deck"><button id="prev" type="button">← Previous</button>'
        '<span id="counter"></span><button id="next" type="button">Next →</button>'
        "<span>Keys: ← → Home End</span></nav>"
        f"<script>{DECK_JS}</script></body></html>\n"
    )


# --- the HTML timeline ---------------------------------------------------------------------

TIMELINE_CSS = f"""
body {{font-family:{FONT_STACK}; color:{INK}; margin:1.5rem 2rem; background:#fff;}}
h1 {{font-size:1.6rem; margin:0 0 0.3rem 0;}}
p.sub {{margin:0 0 1rem 0; color:{MUTED};}}
ol.sources {{font-size:0.95rem; line-height:1.4;}}
ol.sources li {{margin:0.35rem 0;}}
.cite {{color:{MUTED};}}
"""


def citation_items(deck: Deck | None) -> str:
    """One list item per event: when, headline, and its citation line."""
    if deck is None:
        return "<li>No events match these filters.</li>"
    return "".join(
        f"<li><b>{esc(s.when)}</b>: {esc(s.headline)}. "
        f'<span class="cite">Source: {esc(s.citation.line())}</span></li>'
        for s in deck.events
    )


def timeline_html(fig: go.Figure, deck: Deck | None, heading: str, subtitle: str) -> str:
    """The timeline as one HTML file with plotly.js inlined, then every event's citation."""
    chart = fig.to_html(
        include_plotlyjs=True,
        full_html=False,
        config={"displaylogo": False, "responsive": True},
        div_id="timeline",
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(heading)}</title><style>{TIMELINE_CSS}</style></head><body>"
        f'<h1>{esc(heading)}</h1><p class="sub">{esc(subtitle)}</p>{chart}'
        f'<h2>Sources</h2><ol class="sources">{citation_items(deck)}</ol></body></html>\n'
    )


# --- static images: a scene read from the figure, drawn as SVG or PNG ----------------------


@dataclass(frozen=True)
class Box:
    """A filled rectangle."""

    x: float
    y: float
    w: float
    h: float
    fill: str
    opacity: float = 1.0


@dataclass(frozen=True)
class Mark:
    """A marker: circle, circle-open, triangle-right or diamond."""

    x: float
    y: float
    size: float
    symbol: str
    fill: str


@dataclass(frozen=True)
class Segment:
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 1.0


@dataclass(frozen=True)
class Label:
    """Plain text (never markup); anchor is start, middle or end."""

    x: float
    y: float
    text: str
    size: float
    colour: str = INK
    anchor: str = "start"
    bold: bool = False


Item = Box | Mark | Segment | Label


@dataclass(frozen=True)
class Frame:
    """Where the plot sits in the picture, and the data ranges it shows."""

    left: float
    top: float
    right: float
    bottom: float
    x0: pd.Timestamp
    x1: pd.Timestamp
    lanes: tuple[str, ...]

    def x(self, when: object) -> float:
        """Pixel x of a date or, as plotly reads a number on a date axis, of milliseconds
        since 1970 (the WebGL traces' x); clipped to the plot."""
        moment = (
            pd.Timestamp(when, unit="ms") if isinstance(when, int | float) else pd.Timestamp(when)
        )
        share = (moment - self.x0) / (self.x1 - self.x0)
        return self.left + (self.right - self.left) * min(max(share, 0.0), 1.0)

    def lane_h(self) -> float:
        """Height of one lane."""
        return (self.bottom - self.top) / max(len(self.lanes), 1)

    def y(self, lane: str) -> float | None:
        """Pixel y of a lane's centre (the first category is at the bottom, as in plotly)."""
        if lane not in self.lanes:
            return None
        return self.bottom - (self.lanes.index(lane) + 0.5) * self.lane_h()


def plain(text: object) -> str:
    """A figure string as plain text: entities decoded, plotly's tags dropped."""
    value = html.unescape("" if text is None else str(text))
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        value = value.replace(tag, "")
    return value.replace("<br>", " ")


def _seq(value: object) -> list:
    """A trace's array property as a list ([] when unset); plotly may hold numpy arrays."""
    return [] if value is None else list(value)  # type: ignore[call-overload]


def _each(value: object, n: int) -> list:
    """A per-point property as a list of n (a scalar is repeated)."""
    if value is None or isinstance(value, str | int | float):
        return [value] * n
    values = list(value)  # type: ignore[call-overload]
    return values if len(values) == n else [values[0] if values else None] * n


def _lanes(fig: go.Figure) -> tuple[str, ...]:
    """The y categories, bottom first."""
    array = _seq(fig.layout.yaxis.categoryarray)
    if array:
        return tuple(str(c) for c in array)
    seen: dict[str, None] = {}
    for trace in fig.data:
        for y in _seq(trace.y):
            if y is not None:
                seen[str(y)] = None
    return tuple(seen)


def _x_bounds(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range shown (the layout's, else the data's)."""
    shown = fig.layout.xaxis.range
    if shown:
        return pd.Timestamp(shown[0]), pd.Timestamp(shown[1])
    xs = [pd.Timestamp(x) for t in fig.data if t.type != "bar" for x in _seq(t.x) if x is not None]
    xs += [pd.Timestamp(b) for t in fig.data if t.type == "bar" for b in _seq(t.base)]
    if not xs:
        return pd.Timestamp("2004-01-01"), pd.Timestamp("2023-01-01")
    return min(xs), max(xs) + pd.Timedelta(days=1)


def _bar_items(trace: go.Bar, frame: Frame) -> list[Item]:
    """Horizontal bars over their periods, with any inside text that fits."""
    items: list[Item] = []
    n = len(_seq(trace.y))
    colours = _each(trace.marker.color, n)
    texts = _each(trace.text, n)
    height = frame.lane_h() * float(trace.width or 0.6)
    rows = zip(_seq(trace.base), _seq(trace.x), _seq(trace.y), strict=False)
    for i, (base, length, lane) in enumerate(rows):
        y = frame.y(str(lane))
        if y is None:
            continue
        start = pd.Timestamp(base)
        x0 = frame.x(start)
        x1 = max(frame.x(start + pd.Timedelta(milliseconds=float(length))), x0 + 2)
        opacity = float(trace.opacity if trace.opacity is not None else 1.0)
        items.append(Box(x0, y - height / 2, x1 - x0, height, colours[i] or ACCENT, opacity))
        text = plain(texts[i] or "")
        if text and len(text) * 9 < x1 - x0:
            items.append(Label((x0 + x1) / 2, y + 6, text, 17, INK, "middle"))
    return items


def _scatter_items(trace: go.Scatter, frame: Frame) -> list[Item]:
    """Markers (and line segments) of a scatter trace."""
    items: list[Item] = []
    xs, ys = _seq(trace.x), _seq(trace.y)
    mode = trace.mode or "markers"
    if "lines" in mode:
        colour = trace.line.color or ACCENT
        points = list(zip(xs, ys, strict=False))
        for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
            y = frame.y(str(ya))
            if None in (xa, ya, xb, yb) or y is None:
                continue
            items.append(Segment(frame.x(xa), y, frame.x(xb), y, colour, 3))  # type: ignore
    if "markers" in mode:
        n = len(xs)
        symbols = _each(trace.marker.symbol, n)
        sizes = _each(trace.marker.size, n)
        colours = _each(trace.marker.color, n)
        for i, (x, lane) in enumerate(zip(xs, ys, strict=False)):
            y = frame.y(str(lane))
            if x is None or y is None:
                continue
            size = 1.5 * float(sizes[i] or 10)
            items.append(Mark(frame.x(x), y, size, str(symbols[i] or "circle"), colours[i]))
    return items


STROKE = re.compile(r"M([^,ML]+),(\d+)L([^,ML]+),\2")


def _stroke_items(fig: go.Figure, frame: Frame) -> list[Item]:
    """The period strokes of path shapes ("M start,lane L end,lane", the lane by index)."""
    items: list[Item] = []
    for shape in fig.layout.shapes or ():
        if shape.type != "path" or shape.xref != "x" or shape.yref != "y" or not shape.path:
            continue
        colour = shape.line.color or ACCENT
        for start, lane, end in STROKE.findall(shape.path):
            y = frame.y(frame.lanes[int(lane)]) if int(lane) < len(frame.lanes) else None
            if y is not None:
                items.append(Segment(frame.x(start), y, frame.x(end), y, colour, 3))
    return items


def _band_items(fig: go.Figure, frame: Frame) -> list[Item]:
    """Shaded rectangles behind the plot (x in data, y across the plot)."""
    items: list[Item] = []
    for shape in fig.layout.shapes or ():
        if shape.type != "rect" or shape.xref != "x":
            continue
        x0, x1 = frame.x(shape.x0), frame.x(shape.x1)
        items.append(Box(x0, frame.top, x1 - x0, frame.bottom - frame.top, shape.fillcolor or ""))
    return items


def _year_ticks(frame: Frame) -> list[Item]:
    """Year gridlines and labels under the plot."""
    first, last = frame.x0.year + 1, frame.x1.year
    step = max(1, math.ceil((last - first + 1) / 16))
    items: list[Item] = []
    for year in range(first, last + 1, step):
        x = frame.x(pd.Timestamp(year, 1, 1))
        items.append(Segment(x, frame.top, x, frame.bottom, "#d9d9d9", 1))
        items.append(Label(x, frame.bottom + 30, str(year), 20, INK, "middle"))
    return items


def _lane_labels(frame: Frame) -> list[Item]:
    """Lane names left of the plot, cut to fit."""
    room = int((frame.left - 30) / 10.5)
    items: list[Item] = []
    for lane in frame.lanes:
        text = plain(lane)
        text = text if len(text) <= room else text[: room - 1] + "…"
        items.append(Label(frame.left - 14, frame.y(lane) + 7, text, 20, INK, "end"))  # type: ignore
    return items


def _legend(fig: go.Figure, x: float, y: float) -> list[Item]:
    """One swatch and name per legend entry in a row, and the marker key under it."""
    items: list[Item] = []
    start = x
    seen: set[str] = set()
    for trace in fig.data:
        name = plain(trace.name or "")
        if not name or trace.showlegend is False or name in seen:
            continue
        seen.add(name)
        colour = _each(trace.marker.color, 1)[0] if trace.marker else None
        items.append(Mark(x + 10, y - 7, 18, "circle", str(colour or ACCENT)))
        items.append(Label(x + 26, y, name, 19, INK))
        x += 40 + 10.5 * len(name)
    items.append(Label(start, y + 32, KEY, 19, MUTED))
    return items


def _rows(lines: Iterable[str], x: float, y: float, size: float, limit: int) -> list[Item]:
    """Plain text lines, one under the other, each cut to `limit` characters."""
    out: list[Item] = []
    for i, line in enumerate(lines):
        text = line if len(line) <= limit else line[: limit - 1] + "…"
        out.append(Label(x, y + i * size * 1.35, text, size, MUTED if i else INK, bold=not i))
    return out


def scene(
    fig: go.Figure,
    heading: str,
    subtitle: str,
    citations: Sequence[str],
    size: tuple[int, int] = (1920, 1080),
) -> list[Item]:
    """Everything the static picture draws, in drawing order."""
    width, height = size
    footer = 40 + 27 * (len(citations) + 1)
    lanes = _lanes(fig)
    longest = max((len(plain(lane)) for lane in lanes), default=10)
    left = min(max(120, 30 + 10.5 * longest), width * 0.3)
    x0, x1 = _x_bounds(fig)
    frame = Frame(left, 120, width - 40, height - footer - 125, x0, x1, lanes)
    items: list[Item] = [Box(0, 0, width, height, "#ffffff")]
    items += [Label(40, 52, heading, 34, INK, bold=True), Label(40, 92, subtitle, 21, MUTED)]
    items += _band_items(fig, frame) + _year_ticks(frame) + _stroke_items(fig, frame)
    for trace in fig.data:
        if trace.type == "bar" and trace.orientation == "h":
            items += _bar_items(trace, frame)
        elif trace.type in ("scatter", "scattergl"):
            items += _scatter_items(trace, frame)
    items.append(Segment(frame.left, frame.bottom, frame.right, frame.bottom, INK, 2))
    items += _lane_labels(frame) + _legend(fig, frame.left, frame.bottom + 70)
    limit = int((width - 80) / 10.5)
    items += _rows(["Sources", *citations], 40, height - footer + 22, 19, limit)
    return items


# SVG


def _svg_colour(colour: str) -> tuple[str, float]:
    """An SVG colour and opacity from "#rrggbb", a name or "rgba(r,g,b,a)"."""
    colour = str(colour or "").strip()
    if colour.startswith("rgba("):
        r, g, b, a = (p.strip() for p in colour[5:-1].split(","))
        return f"rgb({r},{g},{b})", float(a)
    return (colour or ACCENT), 1.0


def _svg_mark(m: Mark) -> str:
    """One marker as SVG."""
    fill, _ = _svg_colour(m.fill)
    r = m.size / 2
    if m.symbol == "circle-open":
        return (
            f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="{r:.1f}" fill="#fff" '
            f'stroke="{fill}" stroke-width="3"/>'
        )
    if m.symbol in ("triangle-right", "diamond"):
        points = _polygon(m)
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        return f'<polygon points="{pts}" fill="{fill}" stroke="#fff" stroke-width="1"/>'
    return (
        f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="{r:.1f}" fill="{fill}" '
        'stroke="#fff" stroke-width="1"/>'
    )


def _polygon(m: Mark) -> list[tuple[float, float]]:
    """The corners of a triangle-right or diamond marker."""
    r = m.size / 2
    if m.symbol == "triangle-right":
        return [(m.x - r, m.y - r), (m.x + r, m.y), (m.x - r, m.y + r)]
    return [(m.x, m.y - r), (m.x + r, m.y), (m.x, m.y + r), (m.x - r, m.y)]


def _svg_item(item: Item) -> str:
    """One scene item as an SVG element."""
    if isinstance(item, Box):
        fill, alpha = _svg_colour(item.fill)
        return (
            f'<rect x="{item.x:.1f}" y="{item.y:.1f}" width="{item.w:.1f}" '
            f'height="{item.h:.1f}" fill="{fill}" fill-opacity="{alpha * item.opacity:.3f}"/>'
        )
    if isinstance(item, Mark):
        return _svg_mark(item)
    if isinstance(item, Segment):
        return (
            f'<line x1="{item.x1:.1f}" y1="{item.y1:.1f}" x2="{item.x2:.1f}" y2="{item.y2:.1f}" '
            f'stroke="{item.colour}" stroke-width="{item.width}"/>'
        )
    weight = ' font-weight="700"' if item.bold else ""
    return (
        f'<text x="{item.x:.1f}" y="{item.y:.1f}" font-size="{item.size}" fill="{item.colour}" '
        f'text-anchor="{item.anchor}"{weight}>{esc(item.text)}</text>'
    )


def render_svg(items: Sequence[Item], size: tuple[int, int]) -> str:
    """A scene as a standalone SVG document."""
    width, height = size
    body = "\n".join(_svg_item(i) for i in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{esc(FONT_STACK)}">\n{body}\n</svg>\n'
    )


# PNG


FONT_FILES = {  # tried in turn (Pillow searches the system's font folders)
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
}


@lru_cache(maxsize=32)
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A system sans-serif font; Pillow's bundled one (fewer symbols) when there is none."""
    for name in FONT_FILES[bold]:
        try:
            return ImageFont.truetype(name, int(size))
        except OSError:
            continue
    return ImageFont.load_default(size=int(size))


def _rgba(colour: str, opacity: float = 1.0) -> tuple[int, int, int, int]:
    """An RGBA tuple from an SVG colour."""
    value, alpha = _svg_colour(colour)
    if value.startswith("rgb("):
        r, g, b = (int(float(p)) for p in value[4:-1].split(","))
    else:
        r, g, b = ImageColor.getrgb(value)[:3]
    return r, g, b, round(255 * alpha * opacity)


def _png_item(draw: ImageDraw.ImageDraw, item: Item) -> None:
    """Draw one scene item with Pillow."""
    if isinstance(item, Box):
        draw.rectangle(
            (item.x, item.y, item.x + item.w, item.y + item.h), fill=_rgba(item.fill, item.opacity)
        )
    elif isinstance(item, Mark):
        r, colour = item.size / 2, _rgba(item.fill)
        box = (item.x - r, item.y - r, item.x + r, item.y + r)
        if item.symbol == "circle-open":
            draw.ellipse(box, fill=(255, 255, 255, 255), outline=colour, width=3)
        elif item.symbol in ("triangle-right", "diamond"):
            draw.polygon(_polygon(item), fill=colour, outline=(255, 255, 255, 255))
        else:
            draw.ellipse(box, fill=colour, outline=(255, 255, 255, 255))
    elif isinstance(item, Segment):
        draw.line(
            (item.x1, item.y1, item.x2, item.y2), fill=_rgba(item.colour), width=int(item.width)
        )
    else:
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
        font = _font(item.size, item.bold)
        draw.text((item.x, item.y), item.text, fill=_rgba(item.colour), font=font, anchor=anchor)


def render_png(items: Sequence[Item], size: tuple[int, int]) -> bytes:
    """A scene as PNG bytes."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image, "RGBA")
    for item in items:
        _png_item(draw, item)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def source_lines(deck: Deck | None, limit: int = 6) -> list[str]:
    """The distinct source documents, one citation line each, with a count of the rest."""
    if deck is None:
        return ["No events match these filters."]
    lines = list(dict.fromkeys(s.citation.line() for s in deck.events))
    if len(lines) > limit:
        rest = len(lines) - (limit - 1)
        lines = [*lines[: limit - 1], f"… and {rest} more sources (listed in the HTML export)"]
    return lines


def timeline_svg(
    fig: go.Figure, deck: Deck | None, heading: str, subtitle: str, size: tuple[int, int]
) -> str:
    """The timeline as a standalone SVG picture with its source lines."""
    return render_svg(scene(fig, heading, subtitle, source_lines(deck), size), size)


def timeline_png(
    fig: go.Figure, deck: Deck | None, heading: str, subtitle: str, size: tuple[int, int]
) -> bytes:
    """The timeline as a PNG picture with its source lines."""
    return render_png(scene(fig, heading, subtitle, source_lines(deck), size), size)
