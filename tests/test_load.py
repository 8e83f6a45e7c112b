"""Loading and cleaning: decoding, HTML and Markdown to text, page furniture."""

from __future__ import annotations

import pytest

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
