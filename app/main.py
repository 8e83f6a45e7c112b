"""Page assembly: load the data, restore the URL state, draw the sidebar, header and view."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from app import data, filters, state
from app.context import Context
from app.text import md, plural
from app.views import about, briefing, ministers, quality, sources, table, timeline
from pipeline import schema

VIEWS = {
    "timeline": timeline.render,
    "table": table.render,
    "ministers": ministers.render,
    "sources": sources.render,
    "quality": quality.render,
    "briefing": briefing.render,
    "about": about.render,
}
# Arrow allocates through the C library's malloc in this process. Its default (mimalloc)
# gives each thread a heap of its own, and Streamlit runs every rerun in a new thread: the
# first filtering of 100,000 events in a thread took 130-180 ms instead of 45 (fresh pages).
# Measured under AppTest on 100,000 events of pipeline output: the first rerun 0.36-0.41 s
# -> 0.21 s, cold load 2.2 -> 1.7 s, peak 619 -> 575 MB, after 40 filter changes 660 ->
# 543 MB. The build does the same for its duration (pipeline.build).
pa.set_memory_pool(pa.system_memory_pool())

FILTER_KEYS = ("f_years", "f_minister", "f_theme", "f_measure", "f_doc_type", "f_basis", "f_text")


@st.cache_resource(show_spinner="Loading the timeline data…", max_entries=3)
def _cached_bundle(processed: str, reference: str, content_hash: str) -> data.Bundle:
    """The loaded tables for one content hash, shared read-only by every session.

    A resource, not cache_data: cache_data would unpickle a copy of every table on
    each rerun (40-140 ms and a second copy in memory at 100,000 events). No view
    changes these frames in place; pandas' copy-on-write protects derived ones.
    """
    return data.load_bundle(processed, reference, content_hash)


@st.cache_resource(max_entries=3)
def _cached_known(key: str, _bundle: data.Bundle) -> state.Known:
    """`known_for` once per data version (sets of 100,000 ids cost 150-240 ms a rerun)."""
    return known_for(_bundle)


def load() -> data.Bundle:
    """The bundle for the current files (stat + memoised hash, then the cache)."""
    processed, reference = data.data_dir(), data.reference_dir()
    content_hash = data.fingerprint(processed, reference)
    return _cached_bundle(str(processed), str(reference), content_hash)


def known_for(bundle: data.Bundle) -> state.Known:
    """What URL parameters may refer to in this bundle."""
    categories = {"doc_type": schema.DOC_TYPES, "basis": schema.DATE_BASES}
    return state.Known(
        options=filters.options_for(bundle.events, categories),
        event_ids=frozenset(bundle.events["event_id"].astype(str)),
        doc_ids=frozenset(bundle.documents["doc_id"].astype(str)),
    )


def reset_filters(known: state.Known) -> None:
    """Put every filter back to its default (a button callback)."""
    fresh = state.defaults(known.options)
    for key in FILTER_KEYS:
        st.session_state[key] = fresh[key]


def sidebar(known: state.Known) -> None:
    """The filter widgets (their values live in session state, seeded from the URL)."""
    opts = known.options
    with st.sidebar:
        st.header("Filters")
        lo, hi = opts.year_bounds
        st.slider("Years", min_value=lo, max_value=max(hi, lo + 1), key="f_years")
        st.multiselect(
            "Minister", opts.values["minister"], key="f_minister", placeholder="All ministers"
        )
        st.multiselect("Theme", opts.values["theme"], key="f_theme", placeholder="All themes")
        st.multiselect(
            "Measure", opts.values["measure"], key="f_measure", placeholder="All measures"
        )
        st.multiselect(
            "Document type", opts.values["doc_type"], key="f_doc_type", placeholder="All types"
        )
        st.multiselect(
            "Date basis",
            opts.values["basis"],
            key="f_basis",
            placeholder="All bases",
            help="Keep only some ways of dating: e.g. choose explicit and relative "
            "to hide document-dated and inferred events.",
        )
        st.text_input("Search quotes", key="f_text", placeholder="e.g. victims")
        st.button("Reset filters", key="reset_sidebar", on_click=reset_filters, args=(known,))


PAGE_CSS = """<style>
.block-container, [data-testid="stMainBlockContainer"] {padding-top: 2.2rem;}
</style>"""


def header(ctx: Context, defaults: filters.Filters) -> None:
    """Title, "N events from M documents" and what is filtered."""
    st.title("UK anti-trafficking policy timeline")
    n, m = len(ctx.shown), ctx.shown["doc_id"].nunique()
    total = len(ctx.bundle.events)
    described = filters.describe(ctx.filters, defaults)
    what = (
        "Filtered by " + md("; ".join(described)) + "."
        if described
        else f"Years {ctx.filters.years[0]}–{ctx.filters.years[1]}, no other filters."
    )
    st.markdown(f"**{plural(n, 'event')} from {plural(m, 'document')}** (of {total:,}). {what}")


def empty(known: state.Known) -> None:
    """The message shown when no event passes the filters."""
    st.info("No events match these filters. Widen the year range, remove a filter, or reset.")
    st.button(
        "Reset all filters",
        key="reset_empty",
        type="primary",
        on_click=reset_filters,
        args=(known,),
    )


def _apply_pending() -> None:
    """Carry out a view switch asked for inside a fragment (before widgets exist)."""
    doc = st.session_state.pop("_goto_doc", None)
    if doc:
        st.session_state["view"] = "sources"
        st.session_state["doc"] = doc


def run() -> None:
    """Draw the page."""
    st.set_page_config(
        page_title="UK anti-trafficking policy timeline",
        layout="wide",
        page_icon=":material/timeline:",
    )
    st.html(PAGE_CSS)
    try:
        bundle = load()
    except data.DataMissingError as exc:
        st.title("UK anti-trafficking policy timeline")
        st.error(md(str(exc)))
        st.stop()
    known = _cached_known(bundle.key, bundle)
    notices = state.sync_from_url(known)
    _apply_pending()
    presenting = st.session_state.get("view") == "briefing"
    if presenting:  # the filter widgets stay (they hold the state) but are hidden
        st.html(briefing.PRESENTING_CSS)
    sidebar(known)
    values = state.values_now(known)
    active = state.filters_from(values)
    ctx = Context(
        bundle=bundle, known=known, filters=active, shown=filters.apply(bundle.events, active)
    )
    if not presenting:
        header(ctx, filters.default_filters(known.options))
    if notices:
        st.warning("Some link parameters were ignored: " + md("; ".join(notices)) + ".")
    for note in [] if presenting else bundle.notes:
        st.caption(md(note))
    st.radio(
        "View",
        state.VIEWS,
        key="view",
        horizontal=True,
        format_func=state.VIEW_LABELS.get,
        label_visibility="collapsed",
    )
    view = str(st.session_state["view"])
    if ctx.shown.empty and view in ("timeline", "table"):
        empty(known)
    else:
        VIEWS[view](ctx)
    state.sync_to_url(known)
