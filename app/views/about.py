"""The About view: how the dates, ministers and measures are derived, the limits, the build."""

from __future__ import annotations

import streamlit as st

from app.context import Context
from app.text import md

METHOD = """
**What this is.** A sourced timeline of UK anti-trafficking policy built from government and
parliamentary documents (Hansard written answers and statements, press releases, GOV.UK news
stories, wire stories). Each point is one dated statement in one document, with its quote.

**Dates.** Candidate date expressions are found with rules, then normalised with dateparser
against the document's own date (UK day-month order). Each event keeps the expression as
written, a value whose form shows its precision (`2011-03-22`, `2010-06`, `2011-SP`, `2013`),
and its *basis*: **explicit** (a full date in the sentence), **relative** ("in June", "next
year", resolved against the document's date), **document** (no date in the sentence: the
document's date is used) or **inferred** (the document itself is undated). A day is drawn as a
marker; anything less precise as a bar over the whole period it could mean. Years inside names
("Sexual Offences Act 2003") date the measure, not the sentence.

**Ministers.** Names and titles ("the Minister for Immigration", "Mr Green") are resolved with
a reference table of ministers, their posts and dates; the post shown is the one held on the
event's date. People who ask questions are askers, not ministers. Names the table cannot
resolve are kept and listed under Data quality.

**Measures.** A reference gazetteer with aliases plus general patterns for named instruments
("the X Act 2003", "X Strategy", "National X Mechanism"). Reference milestones on the timeline
come from that table, not from the documents, and carry their own sources.

**Limits.** Only what the corpus says is shown: a missing event may simply not be in the
documents. Relative and inferred dates are interpretations — use the Date basis filter to
hide them. Counts reflect how often something is mentioned, not its importance.
"""


def render(ctx: Context) -> None:
    """Method, limits, corpus size and build information."""
    st.markdown(METHOD)
    build = ctx.bundle.build
    lines = [
        f"**Corpus:** {len(ctx.bundle.documents):,} documents read, "
        f"{len(ctx.bundle.events):,} events, {len(ctx.bundle.rejected):,} files rejected.",
        f"**Built:** {md(build.get('built_at', 'unknown'))} by pipeline version "
        f"{md(build.get('pipeline_version', 'unknown'))}.",
    ]
    st.markdown("  \n".join(lines))
    for note in ctx.bundle.notes:
        st.caption(md(note))
