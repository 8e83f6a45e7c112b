"""Page furniture: the navigation, banners and widgets a saved web page carries.

The rules are data: each is a pattern for a whole line (after trimming) that
is never prose on the sites our documents come from (GOV.UK, UK Parliament
question pages, Hansard, news sites that syndicate wire copy). A rule must
hold on any page of those sites, so each names a kind of widget, not a page.
"""

from __future__ import annotations

import re

# Whole lines that are widgets, navigation or banners. Matched case-insensitively.
FURNITURE_LINES: tuple[tuple[str, str], ...] = (
    (r"close", "dialog or banner control"),
    (r"what'?s hot", "news-site navigation"),
    (r"(back|forward) to( top| results| list)?", "pagination link"),
    (r"(next|previous)( page| article)?", "pagination link"),
    (r"skip to (main )?content", "accessibility link"),
    (r"view source", "source link"),
    (r"reticulating splines", "loading message"),
    (r"loading\.*", "loading message"),
    (r"print( this)?( page)?", "page action"),
    (r"share( this)?( page| article)?", "page action"),
    (r"(email|tweet|facebook|twitter|linkedin|whatsapp)", "share button"),
    (r"is this page useful\??( yes| no)*", "feedback widget"),
    (r"(yes|no|maybe)", "feedback widget"),
    (r"report a problem with this page", "feedback widget"),
    (r"(related content|explore the topic|contents|menu|search|home)", "navigation"),
    (r"sign up for emails?( or print this page)?", "page action"),
    (r"get emails about this page", "page action"),
    (r"cookies on [\w. ]{2,30}", "cookie banner"),
    (r"(accept|reject) (additional |analytics |all )?cookies", "cookie banner"),
    (r"(view|change|set) (your )?cookies?( settings| preferences)?", "cookie banner"),
    (r"hide (this )?(cookie )?message", "cookie banner"),
    (r"we use (some essential )?cookies .{0,200}", "cookie banner"),
    (r"you('ve| have) (accepted|rejected) (additional |all )?cookies.{0,120}", "cookie banner"),
    (r"this site uses cookies.{0,200}", "cookie banner"),
    (r"advertisement", "advertising"),
)

# All line rules in one pattern, a named group per rule, so a line is tested once.
_LINE_RULES = re.compile(
    r"\s*(?:"
    + "|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(FURNITURE_LINES))
    + r")\s*[.:!]?\s*",
    re.IGNORECASE,
)
_LONGEST_FURNITURE = 320  # no rule matches a longer line

# Furniture that trails a line of real content; the content is kept.
_SUFFIX_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s+[-–|]\s*view source\s*$", re.IGNORECASE), "source link"),
)
# Every suffix rule starts at one of "-–|" and ends in "view source". Case-blind, "ource"
# is matched only by characters that lower-case to it ("ſ" also matches "s", so not "source"):
# a line lacking either has no suffix, and those tests are cheaper than the search.
_SUFFIX_HINT = "ource"

# "Baroness Williams of Trafford Portrait": the alt text of a member's photograph
# on UK Parliament pages; the name stands again on the next line.
_PORTRAIT = re.compile(r"^\s*(?:(?:[A-Z][\w'’.-]*|of|the|and|de|van|von)\s+){1,8}Portrait\s*$")


def furniture_reason(line: str) -> str | None:
    """Why `line` is page furniture, or None when it is content."""
    if len(line) > _LONGEST_FURNITURE:
        return None
    if "Portrait" in line and _PORTRAIT.match(line):
        return "portrait caption"
    match = _LINE_RULES.fullmatch(line)
    return FURNITURE_LINES[int(match.lastgroup[1:])][1] if match else None


def strip_suffix(line: str) -> tuple[str, str | None]:
    """Remove trailing furniture from a content line; return (line, removed text or None)."""
    if not ("-" in line or "–" in line or "|" in line) or _SUFFIX_HINT not in line.lower():
        return line, None
    for pattern, _reason in _SUFFIX_RULES:
        match = pattern.search(line)
        if match:
            return line[: match.start()], match.group(0).strip(" -–|")
    return line, None


# On UK Parliament question pages a member is shown as "Answered by" / "Asked by",
# then the name, then the title the member holds when the page is viewed, which
# may be years after the answer. That title is furniture: a post on the date
# comes from the reference table.
_MEMBER_BLOCK_START = re.compile(r"^\s*(answered|asked) by\s*$", re.IGNORECASE)
_MEMBER_BLOCK_END = re.compile(
    r"^\s*(this question was (answered|asked)|question to|to ask|\(asked on)", re.IGNORECASE
)


def member_title_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that print a member's current title inside an Answered/Asked-by block.

    Blank lines inside the block are skipped: a page saved as HTML puts every
    element on a line of its own with blank lines between.
    """
    titles: set[int] = set()
    for i, line in enumerate(lines):
        if not _MEMBER_BLOCK_START.match(line):
            continue
        block = []
        for j in range(i + 1, min(i + 12, len(lines))):
            if _MEMBER_BLOCK_END.match(lines[j]) or len(block) == 3:
                break
            if lines[j].strip():
                block.append(j)
        # block: the name, then anything after the name is the captured title
        titles.update(block[1:])
    return titles
