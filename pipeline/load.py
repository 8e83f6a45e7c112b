"""Read a raw file, decode it, turn it into plain text and strip page furniture.

Quirks of the sources this handles:
- Files saved from browsers are UTF-8, sometimes with a byte-order mark;
  older saves are Windows-1252 (curly quotes as bytes 0x91-0x94). UTF-16 files
  carry a BOM. Anything else with NUL bytes is binary and is rejected.
- HTML pages carry scripts, navigation, cookie banners and footers; they are
  dropped by element and by the line rules in `furniture`. Declarations
  (<!DOCTYPE html>), processing instructions and CDATA sections are not text.
- Text copied from a rendered page keeps the widgets' labels as lines of
  their own ("Close", "Back to", "X Portrait"): `furniture` strips them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from pipeline import furniture

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class RejectedFile(ValueError):
    """A file that cannot become a document; the message says what to do about it."""


@dataclass(frozen=True)
class LoadedText:
    """A decoded, cleaned document text and what was removed from it."""

    text: str
    furniture: tuple[str, ...]
    encoding: str
    warnings: tuple[str, ...]


# --- decoding -------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff")


def decode(raw: bytes) -> tuple[str, str, list[str]]:
    """Bytes to text: (text, encoding name, warnings). Raises RejectedFile for binary data."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise RejectedFile(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}"
                ) from None
    if raw.startswith(_BINARY_MAGIC) or b"\x00" in raw[:65536]:
        raise RejectedFile(
            "binary data, not text (an image, PDF or archive?); save the document as .txt, .md or .html"
        )
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252", errors="replace")
    warnings = ["not valid UTF-8: decoded as Windows-1252"]
    if "\ufffd" in text:
        warnings.append("bytes undefined in Windows-1252 were replaced with U+FFFD")
    return text, "windows-1252", warnings


# --- HTML -----------------------------------------------------------------

_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
    "object",
    "embed",
    "select",
    "input",
    "head",
    "meta",
    "link",
}
_SILENT_DROP_TAGS = {"script", "style", "head", "meta", "link"}  # dropped, not reported
_NO_WORDS = {"script", "style", "template"}  # code, not words, in a dropped element's text
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "address",
    "hr",
    "br",
    "title",
    "body",
}
_BANNER = re.compile(r"cookie|consent|banner|skip-?link|breadcrumb|share|feedback|related", re.I)
_WHITE_RUN = re.compile(r"\s+")

MAX_DEPTH = 2048  # libxml2's limit on nested elements (with huge_tree); it stops reading there


def _is_banner(element: lxml.html.HtmlElement) -> bool:
    """True for elements whose id, class or role marks them as a banner or widget."""
    attrs = element.attrib
    marks = " ".join([attrs.get("id", ""), attrs.get("class", ""), attrs.get("role", "")])
    return bool(_BANNER.search(marks)) or attrs.get("aria-hidden") == "true" or "hidden" in attrs


def _words(element: lxml.html.HtmlElement) -> str:
    """The words inside a dropped element, the code of scripts and styles within it left out."""
    pieces: list[str] = []
    walk = etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        if event == "start":
            if node is not element and node.tag in _NO_WORDS:
                walk.skip_subtree()
            elif node.text:
                pieces.append(node.text)
        elif node is not element and node.tail:
            pieces.append(node.tail)
    return " ".join(" ".join(pieces).split())


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    """The page's element tree (None for a page with no markup and no text).

    A parser per page: lxml's parsers keep their error log and may not be shared
    between threads (the app reads uploads in its sessions' threads).
    """
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True
    )
    data = markup.replace("\x00", "").encode("utf-8", errors="replace")
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError:  # "Document is empty"
        return None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise RejectedFile(
            f"HTML nested more than {MAX_DEPTH:,} elements deep: the parser stops there and "
            "would lose the rest of the page; save the page's text as .txt"
        )
    return root


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Visible text of an HTML page, block elements on lines of their own; (text, removed).

    One walk in document order, without recursion (a page may nest thousands deep):
    a dropped element (script, navigation, banner) is not entered and its words go to
    `removed`; comments, processing instructions and declarations never reach the
    tree. Raises RejectedFile for a page nested deeper than the parser reads.
    """
    root = _parse(markup)
    if root is None:
        return "", []
    parts: list[str] = []
    removed: list[str] = []
    walk = etree.iterwalk(root, events=("start", "end"))
    dropped = None
    for event, node in walk:
        tag = node.tag
        if event == "start":
            if tag in _DROP_TAGS or _is_banner(node):
                words = _words(node)
                if words and tag not in _SILENT_DROP_TAGS:
                    removed.append(words[:200])
                walk.skip_subtree()  # its "end" still comes, next
                dropped = node
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if node.text:
                parts.append(_WHITE_RUN.sub(" ", node.text))
            continue
        if node is not dropped and tag in _BLOCK_TAGS:
            parts.append("\n")
        if node.tail and node is not root:
            parts.append(_WHITE_RUN.sub(" ", node.tail))
    return "".join(parts), removed


# --- Markdown -------------------------------------------------------------

# No part may run past the next mark that could open another (a bracket, an asterisk) or
# past the line: with `[^)]*` or `.+?` a text of many openers and no closer ("[a](" or "*a "
# repeated) was scanned to its end from each, in the square of its length (200 KB: 231 s).
# Links with brackets in their words, or italics holding an asterisk, stay as written.
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.M), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"!\[([^\[\]\n]*)\]\([^)\[\]\n]*\)"), r"\1"),  # images: keep alt text
    (re.compile(r"\[([^\[\]\n]+)\]\([^)\[\]\n]*\)"), r"\1"),  # links: keep the words
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])"), r"\1"),  # italic
    (re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.M), ""),  # rules
    (re.compile(r"`([^`]*)`"), r"\1"),  # code
)


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown document (headings, emphasis and links unwrapped)."""
    for pattern, replacement in _MD_RULES:
        markdown = pattern.sub(replacement, markdown)
    return markdown


# --- cleaning -------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# The runs _SPACES.sub(" ", ...) changes (all but a lone " "); the pattern starts with the
# class, so `re` skips ahead to the next space.
_SPACES_TO_CHANGE = re.compile(
    r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
    r"(?:(?<! )[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]*|[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_RUN = re.compile(r"\n\n\n+")  # \n{3,}, with a literal prefix `re` can skip to
_OTHER_SPACES = "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000"


def normalise(text: str) -> str:
    """NFC, Unix newlines, no control characters, single spaces, no blank-line runs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\ufeff", "")
    if "  " in text or any(space in text for space in _OTHER_SPACES):
        text = _SPACES_TO_CHANGE.sub(" ", text)  # no newline in _SPACES: as line by line
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def strip_furniture(text: str) -> tuple[str, list[str]]:
    """Remove furniture lines and suffixes; return (clean text, removed pieces)."""
    removed: list[str] = []
    kept: list[str] = []
    for line in text.split("\n"):
        if line and furniture.furniture_reason(line):
            removed.append(line)
            continue
        line, suffix = furniture.strip_suffix(line)
        if suffix:
            removed.append(suffix)
        kept.append(line)
    titles = furniture.member_title_lines(kept)
    removed.extend(kept[i] for i in sorted(titles))
    kept = [line for i, line in enumerate(kept) if i not in titles]
    return _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip(), removed


def clean(raw: bytes, suffix: str) -> LoadedText:
    """Decode, convert and strip one file's bytes. Raises RejectedFile."""
    text, encoding, warnings = decode(raw)
    removed: list[str] = []
    if suffix in (".html", ".htm"):
        text, removed = html_to_text(text)
    elif suffix == ".md":
        text = markdown_to_text(text)
    text, furniture_removed = strip_furniture(normalise(text))
    if not text.strip():
        reason = (
            "no text left after removing page furniture"
            if furniture_removed or removed
            else "empty file (no text, only white space): put the document's text in it, or remove it"
        )
        raise RejectedFile(reason)
    return LoadedText(text, tuple(removed + furniture_removed), encoding, tuple(warnings))


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    """The bytes of a supported file and its lower-case suffix. Raises RejectedFile."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise RejectedFile(
            f"unsupported file type '{suffix or '(none)'}': save it as {', '.join(SUPPORTED_SUFFIXES)}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise RejectedFile(
            f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.1f} MB limit; "
            "split it, or raise the limit with --max-bytes"
        )
    if size == 0:
        raise RejectedFile("empty file (0 bytes): put the document's text in it, or remove it")
    return path.read_bytes(), suffix
