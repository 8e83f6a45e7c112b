"""The Briefing view: one event per slide for a projector, and the offline exports.

The filters chosen before entering briefing mode decide the events; the sidebar, the view
selector and the page header are hidden (`PRESENTING_CSS`, injected by the entry point) but
still drawn, so their values survive. The slide number lives in session state under "slide"
and in the URL as `slide=N`. Slides are drawn with `app.export.slide_html`, the same HTML the
exported deck uses.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from app import briefing, data, export, figures, filters, state
from app.context import Context
from app.text import md

PRESENTING_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], .st-key-view
  {display:none !important;}
.block-container, [data-testid="stMainBlockContainer"]
  {padding:1.2rem 3vw 1rem 3vw !important; max-width:100% !important;}
.st-key-briefing_bar button, .st-key-briefing_bar p, .st-key-briefing_bar [data-baseweb="select"] *
  {font-size:min(1.25vw, 2.2vh) !important;}
.st-key-briefing_slide .bs {min-height:calc(100vh - 9.5rem);}
</style>"""
HEADING = "UK anti-trafficking policy timeline"
IMAGE_SIZE = (1920, 1080)
JUMP_KEY = "slide_jump"
MAX_EVENTS = 400  # one slide each: beyond this a briefing is not a talk any more


@st.cache_data(show_spinner=False, max_entries=8)
def _deck(
    shown: pd.DataFrame, active: filters.Filters, defaults: filters.Filters, build: dict
) -> briefing.Deck | None:
    """The slides for the filtered events (cached on the events and filters)."""
    return briefing.build_deck(shown, active, defaults, build)


def _go(number: int) -> None:
    """Show slide `number` (a button callback)."""
    st.session_state["slide"] = int(number)


def _jumped() -> None:
    """The jump list changed: show the chosen slide."""
    _go(int(st.session_state[JUMP_KEY]))


def _exit() -> None:
    """Leave briefing mode for the timeline."""
    st.session_state["view"] = "timeline"


def _reset(known: state.Known) -> None:
    """Put every filter back to its default."""
    fresh = state.defaults(known.options)
    for key in ("f_years", "f_text", *state.LIST_PARAMS.values()):
        st.session_state[key] = fresh[key]
    st.session_state["slide"] = 1


def _no_briefing(ctx: Context) -> None:
    """What briefing mode shows when no event, or far too many, pass the filters."""
    if ctx.shown.empty:
        st.info(
            "No events match these filters, so there is nothing to brief on. Reset the "
            "filters, or leave briefing mode and widen them."
        )
    else:
        st.info(
            f"{len(ctx.shown):,} events match these filters: too many for a briefing of one "
            f"event per slide (at most {MAX_EVENTS:,}). Leave briefing mode and narrow the "
            "years, ministers or themes."
        )
    a, b, _ = st.columns([1, 1, 3])
    a.button("Reset all filters", key="briefing_reset", on_click=_reset, args=(ctx.known,))
    b.button("Leave briefing", key="briefing_exit_empty", on_click=_exit)


def _controls(deck: briefing.Deck, number: int) -> None:
    """Previous / next, the counter, the jump list and the way out, in one row."""
    total = len(deck)
    st.session_state[JUMP_KEY] = number
    with st.container(key="briefing_bar", horizontal=True, vertical_alignment="center"):
        st.button(
            "← Previous",
            key="slide_prev",
            on_click=_go,
            args=(number - 1,),
            disabled=number <= 1,
        )
        st.markdown(f"**Slide {number} of {total}**")
        st.button(
            "Next →", key="slide_next", on_click=_go, args=(number + 1,), disabled=number >= total
        )
        st.selectbox(
            "Go to slide",
            range(1, total + 1),
            key=JUMP_KEY,
            format_func=deck.label,
            on_change=_jumped,
            label_visibility="collapsed",
            width=520,
        )
        st.button("Leave briefing", key="briefing_exit", on_click=_exit)


def subtitle(ctx: Context, defaults: filters.Filters) -> str:
    """The filters in one line, for the exported files."""
    described = filters.describe(ctx.filters, defaults)
    lo, hi = ctx.filters.years
    what = "; ".join(described) if described else f"years {lo}–{hi}, no other filters"
    what = what[:1].upper() + what[1:]
    return f"{len(ctx.shown):,} events from {ctx.shown['doc_id'].nunique():,} documents. {what}."


def _figure(ctx: Context) -> object:
    """The timeline figure for the exports, as the Timeline view draws it (no selection)."""
    return figures.timeline_figure(
        data.with_hover(ctx.bundle, ctx.shown),
        lane=str(st.session_state.get("lane", "theme")),
        years=ctx.filters.years,
        governments=ctx.bundle.governments,
        milestones=ctx.bundle.milestones,
        show_milestones=bool(st.session_state.get("milestones", True)),
    )


def exports(ctx: Context, deck: briefing.Deck | None) -> None:
    """Download buttons: the deck, the HTML timeline, and the timeline as SVG and PNG."""
    defaults = filters.default_filters(ctx.known.options)
    fig, sub = _figure(ctx), subtitle(ctx, defaults)
    files = [
        ("Slide deck (HTML)", "briefing.html", "text/html", partial(export.deck_html, deck)),
        (
            "Timeline (HTML)",
            "timeline.html",
            "text/html",
            partial(export.timeline_html, fig, deck, HEADING, sub),
        ),
        (
            "Timeline image (SVG)",
            "timeline.svg",
            "image/svg+xml",
            partial(export.timeline_svg, fig, deck, HEADING, sub, IMAGE_SIZE),
        ),
        (
            "Timeline image (PNG)",
            "timeline.png",
            "image/png",
            partial(export.timeline_png, fig, deck, HEADING, sub, IMAGE_SIZE),
        ),
    ]
    columns = st.columns(len(files))
    for column, (label, name, mime, make) in zip(columns, files, strict=True):
        column.download_button(
            label, make, name, mime, key=f"export_{name}", on_click="ignore", width="stretch"
        )
    st.caption(
        "Every file opens without a network. The deck moves with the arrow keys, Home and "
        "End; each slide and image carries the title, type and date of its sources."
    )


def render(ctx: Context) -> None:
    """The Briefing view."""
    defaults = filters.default_filters(ctx.known.options)
    if ctx.shown.empty or len(ctx.shown) > MAX_EVENTS:
        _no_briefing(ctx)
        return
    deck = _deck(ctx.shown, ctx.filters, defaults, ctx.bundle.build)
    if deck is None:
        _no_briefing(ctx)
        return
    number, notice = briefing.clamp_slide(int(st.session_state.get("slide", 1)), len(deck))
    if notice:
        st.warning(md(notice))
        st.session_state["slide"] = number
    _controls(deck, number)
    st.html(f"<style>{export.SLIDE_CSS}</style>")
    with st.container(key="briefing_slide"):
        st.html(export.slide_html(deck, number))
    with st.expander("Export this briefing (works offline)"):
        exports(ctx, deck)
