"""Escaping helpers: every piece of document text passes through one of these before display.

Documents are untrusted input. Plotly hover labels and Streamlit markdown both interpret
some markup, so text is escaped for the place it is shown: `hover` for plotly strings,
`md` for markdown, `html_text` for pieces assembled into `st.html`.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$=])")


def hover(text: object, limit: int | None = None) -> str:
    """Escape `text` for a plotly hover label (which renders a subset of HTML)."""
    value = "" if text is None else str(text)
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return html.escape(value, quote=False).replace("\n", " ")


def md(text: object) -> str:
    """Escape `text` so that Streamlit markdown shows it literally (no links, no markup)."""
    value = "" if text is None else str(text)
    value = html.escape(value, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", value).replace("\n", " ")


def html_text(text: object) -> str:
    """Escape `text` for an HTML fragment (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def first_words(text: str, n: int = 18) -> str:
    """The first `n` words of `text`, with an ellipsis when cut."""
    words = str(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def plural(n: int, word: str) -> str:
    """ "1 event", "2 events", "1,204 documents"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")
