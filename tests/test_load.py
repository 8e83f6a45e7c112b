"""Loading and cleaning: decoding, HTML and Markdown to text, page furniture."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import furniture, load
from pipeline.furniture import furniture_reason
from pipeline.load import (
    RejectedFile,
    clean,
    decode,
    html_to_text,
    markdown_to_text,
    normalise,
    read_file,
)
from pipeline.sentences import split_sentences


@pytest.mark.parametrize(
    ("raw", "encoding", "text"),
    [
        ("Home Office – trafficking".encode(), "utf-8", "Home Office – trafficking"),
        (b"\xef\xbb\xbfwith a BOM", "utf-8-sig", "with a BOM"),
        ("utf-16 text".encode("utf-16"), "utf-16", "utf-16 text"),
        (
            "\u2018quoted\u2019 \u2013 1252".encode("cp1252"),
            "windows-1252",
            "\u2018quoted\u2019 \u2013 1252",
        ),
    ],
)
def test_decode(raw, encoding, text):
    decoded, used, _warnings = decode(raw)
    assert (decoded, used) == (text, encoding)


@pytest.mark.parametrize(
    "raw", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"text with a \x00 NUL byte", b"%PDF-1.4 ..."]
)
def test_binary_is_rejected_with_advice(raw):
    with pytest.raises(RejectedFile, match="binary"):
        decode(raw)


@pytest.mark.parametrize("raw", [b"", b"   \n\t\n  ", b"Close\nBack to\nWhat's Hot\n"])
def test_nothing_left_is_rejected(raw):
    with pytest.raises(RejectedFile):
        clean(raw, ".txt")


def test_unsupported_suffix_and_size_limit(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(RejectedFile, match="unsupported file type '.pdf'"):
        read_file(pdf)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300)
    with pytest.raises(RejectedFile, match="over the .* limit"):
        read_file(big, max_bytes=1000)


@pytest.mark.parametrize(
    "line",
    [
        "Close",
        "What's Hot",
        "Back to",
        "Forward to",
        "Back to top",
        "Skip to main content",
        "View Source",
        "Reticulating Splines",
        "Cookies on GOV.UK",
        "Accept additional cookies",
        "Reject analytics cookies",
        "Lord Smith of Anytown Portrait",
        "Jane Example Portrait",
        "Is this page useful?",
        "Print this page",
    ],
)
def test_furniture_lines(line):
    assert furniture_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The Government will close the loophole.",
        "Close co-operation with France continues.",
        "Back to the question of funding, the Minister said more would follow.",
        "A portrait of modern slavery",
        "Home Office",
        "Human Trafficking",
    ],
)
def test_prose_is_not_furniture(line):
    assert furniture_reason(line) is None


def test_view_source_suffix_is_removed_but_line_kept():
    loaded = clean(b"(asked on 6th July 2021) - View Source\nThe answer.", ".txt")
    assert loaded.text.startswith("(asked on 6th July 2021)")
    assert "View Source" in loaded.furniture


def test_html_keeps_inline_text_together_and_drops_scripts():
    text, removed = html_to_text(
        "<p>The <b>Modern Slavery Act</b> passed.</p><script>alert(1)</script>"
        "<div class='cookie-banner'>We use cookies</div><p>Second <a href='javascript:x'>para</a>.</p>"
    )
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    assert lines == ["The Modern Slavery Act passed.", "Second para."]
    assert "We use cookies" in removed


def test_markdown_rules_stop_at_the_next_opener_or_the_line():
    # each rule looks no further than the next mark that could open another, so a text of
    # openers with no closer is read once, not once per opener
    assert markdown_to_text("*a " * 3 + "[b](" * 3) == "*a " * 3 + "[b](" * 3
    assert markdown_to_text("See ![chart](c.png) and [the Act](https://x/Act_(UK)).") == (
        "See chart and the Act)."  # the link ends at its first ")", as before
    )
    assert markdown_to_text("*two\nlines*, *one line*") == "*two\nlines*, one line"
    assert markdown_to_text("[words [inside] brackets](u)") == "[words [inside] brackets](u)"


def test_markdown_is_unwrapped():
    text = markdown_to_text("# Title\n\nThe **Act** was [published](http://example.org) in *June*.")
    assert text == "Title\n\nThe Act was published in June."


def test_normalise_spaces_and_newlines():
    assert normalise("a\u00a0b\r\n\r\n\r\n\r\nc\t d ") == "a b\n\nc d"


def test_sentences_keep_offsets_and_abbreviations():
    text = "Mr. Green said so. The Act passed on 1 May.The Bill did not.\n“Quoted line.” Next one!"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Mr. Green said so.",
        "The Act passed on 1 May.",
        "The Bill did not.",
        "“Quoted line.”",
        "Next one!",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


# --- the single walk over an HTML page reads what dropping first, then walking reads ---

FRAGMENTS = [
    "<p>", "</p>", "<div>", "</div>", "<div class='cookie-banner'>", "<div id='main'>",
    "<nav>", "</nav>", "<aside hidden>", "</aside>", "<span aria-hidden='true'>", "</span>",
    "<script>var x = 1;</script>", "<style>p {}</style>", "<head><title>T</title></head>",
    "<template>t <b>u</b></template>", "<footer>Foot</footer>", "<ul><li>one<li>two</ul>",
    "<!-- a comment -->", "<![CDATA[data]]>", "<?pi x?>", "<!DOCTYPE html>", "<br>", "<b>",
    "</b>", "<h2>", "</h2>", "&amp;", "Words here.", "  more\twords  ", "\n", "ſ", "K",
]  # fmt: skip


def _plain_words(element) -> list[str]:
    """Every piece of text under `element`, script and style code left out (recursive)."""
    pieces = [element.text or ""]
    for child in element:
        if child.tag not in ("script", "style", "template"):
            pieces += _plain_words(child)
        pieces.append(child.tail or "")
    return pieces


def _plain_walk(element, dropped: set, parts: list[str]) -> None:
    """Text under `element`, newlines around blocks, dropped elements skipped (recursive)."""
    block = element.tag in load._BLOCK_TAGS
    parts += ["\n"] * block + [load._WHITE_RUN.sub(" ", element.text or "")]
    for child in element:
        if child not in dropped:
            _plain_walk(child, dropped, parts)
        parts.append(load._WHITE_RUN.sub(" ", child.tail or ""))
    parts += ["\n"] * block


def _dropped_then_walked(markup: str) -> tuple[str, list[str]]:
    """The page read the plain way, in two passes: first every outermost element to drop
    (its words noted), then a recursive walk of the text that skips them."""
    root = load._parse(markup)
    if root is None:
        return "", []
    dropped: set = set()
    removed: list[str] = []
    for element in root.iter():
        if any(above in dropped for above in element.iterancestors()):
            continue
        if element.tag in load._DROP_TAGS or load._is_banner(element):
            dropped.add(element)
            words = " ".join(" ".join(_plain_words(element)).split())
            if words and element.tag not in load._SILENT_DROP_TAGS:
                removed.append(words[:200])
    parts: list[str] = []
    _plain_walk(root, dropped, parts)
    return "".join(parts), removed


def test_html_walk_drops_nested_elements_once() -> None:
    text, removed = html_to_text(
        "<p>Kept</p><!-- gone --><nav>Menu <div class='share'>Share</div></nav>"
        "<footer><aside>Inner</aside> Outer</footer><p>Also <!-- x -->kept</p>"
    )
    assert [line for line in text.split("\n") if line] == ["Kept", "Also kept"]
    assert removed == ["Menu Share", "Inner Outer"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_property_html_walk_is_drop_then_walk(markup: str) -> None:
    assert html_to_text(markup) == _dropped_then_walked(markup)


def test_declarations_instructions_and_cdata_are_not_text() -> None:
    text, _ = html_to_text(
        "<!DOCTYPE html><?xml-stylesheet href='x'?><html><body><![CDATA[raw]]>"
        "<p>Only this.</p></body></html>"
    )
    assert normalise(text) == "Only this."


def test_deeply_nested_page_is_read_without_recursion() -> None:
    depth = 1500  # deeper than Python's recursion limit, within the parser's
    text, _ = html_to_text("<div>" * depth + "Deep words." + "</div>" * depth + "<p>After.</p>")
    assert normalise(text).split("\n\n") == ["Deep words.", "After."]


def test_page_nested_beyond_the_parser_is_rejected_not_cut() -> None:
    depth = load.MAX_DEPTH + 100
    page = "<p>Before.</p>" + "<div>" * depth + "Lost words." + "</div>" * depth
    with pytest.raises(RejectedFile, match="nested more than 2,048 elements deep"):
        clean(page.encode(), ".html")


# --- the pre-tests of the suffix rules keep every line a rule matches ----------------

SUFFIX_TOKENS = ["Answer", "-", "–", "|", "View", "VIEW", "view", "Source", "SOURCE", "ſource",
                 "ſOURCE", "source.", "ource", "vıew", "K", "İ", " ", "\t", "\u00a0"]  # fmt: skip


def _plain_strip_suffix(line: str) -> tuple[str, str | None]:
    """Every suffix rule searched in every line."""
    for pattern, _reason in furniture._SUFFIX_RULES:
        if match := pattern.search(line):
            return line[: match.start()], match.group(0).strip(" -–|")
    return line, None


def test_suffix_rules_hold_the_hint() -> None:
    for pattern, _reason in furniture._SUFFIX_RULES:
        assert furniture._SUFFIX_HINT in pattern.pattern.lower()


@pytest.mark.parametrize(
    ("line", "kept"),
    [("Answer - View Source", "Answer"), ("Answer | view ſource ", "Answer"), ("A-B", "A-B")],
)
def test_view_source_suffix_forms(line: str, kept: str) -> None:
    assert furniture.strip_suffix(line)[0] == kept


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SUFFIX_TOKENS), max_size=10).map(" ".join))
def test_property_strip_suffix_is_the_plain_search(line: str) -> None:
    assert furniture.strip_suffix(line) == _plain_strip_suffix(line)
