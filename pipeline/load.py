"""Read a raw file, decode it, turn it into plain text and strip page furniture.

Quirks of the sources this handles:
- Files saved from browsers are UTF-8, sometimes with a byte-order mark;
  older saves are Windows-1252 (curly quotes as bytes 0x91-0x94). UTF-16 files
  carry a BOM. Anything else with NUL bytes is binary and is rejected.
- HTML pages carry scripts, navigation, cookie banners and footers; they are
  dropped by element and by the line rules in `furniture`. Pages are read by
  Beautiful Soup's html.parser front end without building its tree: `_PageText`
  follows the tree-building rules of the pinned bs4 (4.15), so a bs4 upgrade
  must be checked against the golden outputs.
- Text copied from a rendered page keeps the widgets' labels as lines of
  their own ("Close", "Back to", "X Portrait"): `furniture` strips them.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bs4 import (
    CData,
    Comment,
    Declaration,
    Doctype,
    MarkupResemblesLocatorWarning,
    ParserRejectedMarkup,
    ProcessingInstruction,
)
from bs4.builder import HTMLTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser

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
_NOT_SPACE = re.compile(r"\S+")  # how bs4 splits a class attribute into its classes
_WHITE_RUN = re.compile(r"\s+")

# What Beautiful Soup's html.parser tree builder knows about tags (bs4.builder.HTMLTreeBuilder).
_VOID_TAGS = frozenset(HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS or ())
_PRESERVE_WHITESPACE = frozenset(HTMLTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS)
_STRING_CONTAINERS = frozenset(HTMLTreeBuilder.DEFAULT_STRING_CONTAINERS)
_REMOVED_SILENTLY = frozenset({"script", "style", "head", "meta", "link"})
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
# Kinds of string, named after the bs4 class each string of the tree would have.
_STRING_KINDS = {
    None: "",
    Comment: "comment",
    Doctype: "doctype",
    CData: "cdata",
    Declaration: "declaration",
    ProcessingInstruction: "pi",
}
_MAIN_CONTENT = frozenset({"", "cdata"})  # what get_text() reads in most tags


def _is_banner(attrs: dict[str, str]) -> bool:
    """True for elements whose id, class or role marks them as a banner or widget."""
    classes = " ".join(_NOT_SPACE.findall(attrs.get("class") or ""))
    joined = " ".join([attrs.get("id") or "", classes, attrs.get("role") or ""])
    return bool(_BANNER.search(joined)) or attrs.get("aria-hidden") == "true" or "hidden" in attrs


class _Open:
    """An open element: what the text walk needs to know about it."""

    __slots__ = ("name", "block", "dropped", "removed", "reads", "is_empty_element")

    def __init__(
        self, name: str, dropped: bool, removed: list[str] | None, reads: frozenset[str] | None
    ) -> None:
        self.name = name
        self.block = name in _BLOCK_TAGS
        self.dropped = dropped  # this element or one around it is dropped
        self.removed = removed  # the strings get_text() of the dropped element around reads
        self.reads = reads  # the kinds of string that get_text() reads
        self.is_empty_element = name in _VOID_TAGS  # asked by the parser right after creation


class _PageText:
    """The visible text of a page, built as the parser reads it, without a tree.

    Stands in for the BeautifulSoup object behind bs4's own html.parser front end
    (`BeautifulSoupHTMLParser`), so tokens, character references and void elements
    are read exactly as `BeautifulSoup(markup, "html.parser")` reads them; the stack
    of open elements is kept by the same rules (an end tag closes everything up to
    the last open element of its name; a stray end tag is ignored). What the old
    tree walk produced comes out directly: comments are left out; a dropped element
    (a `_DROP_TAGS` name or a banner) gives its text to `removed` (as
    `tag.get_text(" ")` would) and nothing to the page; every other string is
    appended with its white space runs made single spaces, and a block element puts
    a newline before and after itself.
    """

    def __init__(self) -> None:
        self.builder = self  # the parser reads two settings off `soup.builder`
        self.attribute_dict_class = dict
        self.store_line_numbers = False
        self.contains_replacement_characters = False
        self.parts: list[str] = []
        self.dropped: list[tuple[str, list[str]]] = []  # (name, strings) in document order
        self.current_data: list[str] = []
        self.stack: list[_Open] = []
        self.open_count: Counter[str] = Counter()
        self.preserving = 0  # open <pre> and <textarea> elements
        self.containers: list[str] = []  # open <script>, <style>, <template>, <rt>, <rp>

    def handle_starttag(self, name: str, namespace, nsprefix, attrs: dict, **_: object) -> _Open:
        """An element opens."""
        self.endData()
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.dropped:
            element = _Open(name, True, parent.removed, parent.reads)
        elif name in _DROP_TAGS or _is_banner(attrs):
            strings: list[str] = []
            self.dropped.append((name, strings))
            reads = frozenset({name}) if name in _STRING_CONTAINERS else _MAIN_CONTENT
            element = _Open(name, True, strings, reads)
        else:
            element = _Open(name, False, None, None)
            if element.block:
                self.parts.append("\n")
        self.stack.append(element)
        self.open_count[name] += 1
        if name in _PRESERVE_WHITESPACE:
            self.preserving += 1
        if name in _STRING_CONTAINERS:
            self.containers.append(name)
        return element

    def handle_endtag(self, name: str, nsprefix: str | None = None) -> None:
        """An end tag: close up to the last open element of that name, if there is one."""
        self.endData()
        while self.stack and self.open_count.get(name):
            if self._pop().name == name:
                break

    def _pop(self) -> _Open:
        element = self.stack.pop()
        self.open_count[element.name] -= 1
        if element.name in _PRESERVE_WHITESPACE:
            self.preserving -= 1
        if element.name in _STRING_CONTAINERS:
            self.containers.pop()
        if element.block and not element.dropped:
            self.parts.append("\n")
        return element

    def handle_data(self, data: str) -> None:
        """Text, gathered until the next tag, comment or declaration."""
        self.current_data.append(data)

    def endData(self, containerClass: type | None = None) -> None:  # noqa: N802 (bs4's name)
        """The gathered text becomes one string (BeautifulSoup.endData)."""
        if not self.current_data:
            return
        data = "".join(self.current_data)
        self.current_data = []
        if not self.preserving and not data.strip(_ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        kind = _STRING_KINDS[containerClass]
        if not kind and self.containers:
            kind = self.containers[-1]
        top = self.stack[-1] if self.stack else None
        if kind == "comment":
            return
        if top is None or not top.dropped:
            self.parts.append(_WHITE_RUN.sub(" ", data))
        elif kind in top.reads:
            top.removed.append(data)

    def finish(self) -> tuple[str, list[str]]:
        """Close what is still open; (text, removed)."""
        self.endData()
        while self.stack:
            self._pop()
        removed = []
        for name, strings in self.dropped:
            words = " ".join(" ".join(strings).split())
            if words and name not in _REMOVED_SILENTLY:
                removed.append(words[:200])
        return "".join(self.parts), removed


def _read_page(markup: str) -> tuple[str, list[str]]:
    """Feed `markup` through bs4's html.parser front end into a `_PageText`."""
    page = _PageText()
    parser = BeautifulSoupHTMLParser(page, convert_charrefs=False)
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as exc:  # as bs4 does: html.parser gives up on this markup
        raise ParserRejectedMarkup(exc) from exc
    return page.finish()


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Visible text of an HTML page, block elements on lines of their own; (text, removed).

    Markup html.parser cannot read (a broken "<![" section) is read again with its
    declarations as text.
    """
    with warnings.catch_warnings():  # a short page can look like a file name to bs4; it is markup
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            return _read_page(markup)
        except ParserRejectedMarkup:
            return _read_page(markup.replace("<!", "&lt;!"))


# --- Markdown -------------------------------------------------------------

_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.M), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: keep the words
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # italic
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
