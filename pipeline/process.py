"""One file in, one document's rows out: the per-document step of the build.

Reads nothing but the file it is given and writes nothing: `build` does the
file system. Order: load and clean, read the document's own metadata, date it
(or infer its date from the measures it reports), find every mention, then
assemble events sentence by sentence.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path

from pipeline import load
from pipeline.dates import DateMention, extract_dates
from pipeline.documents import DocumentMeta, is_heading, read_meta
from pipeline.entities import find_countries, find_figures, find_organisations, joined
from pipeline.events import DocContext, SentenceFacts, may_give_events, sentence_events
from pipeline.measures import MeasureMention, find_measures, phrase_finder
from pipeline.patterns import NameScan, lowered_for_ascii
from pipeline.people import PersonMention, find_people, name_finder, resolve_person
from pipeline.reference import Reference
from pipeline.sentences import Sentence, split_sentences
from pipeline.spans import Spans, within


@dataclass
class DocResult:
    """The rows one document contributes to the output tables."""

    document: dict
    events: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    text_sha256: str = ""  # of the cleaned text: the same text in two files is one document


@dataclass(frozen=True)
class Rejection:
    """A file that produced no document, and why."""

    source_path: str
    reason: str
    fault: bool = False  # the pipeline failed on it (a fault of ours, not of the file)


def _heading_spans(text: str) -> list[tuple[int, int]]:
    """Spans of lines that are headings, not statements."""
    spans, pos = [], 0
    for line in text.split("\n"):
        if is_heading(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def infer_date(measures: list[MeasureMention], reference: Reference) -> tuple[date | None, str]:
    """The latest day-precision reference date among the measures a document reports."""
    dated = _day_dated_measures(reference)
    candidates = [dated[m.measure_id] for m in measures if m.measure_id in dated]
    if not candidates:
        return None, ""
    day, name, kind = max(candidates)
    return day, f"inferred from the reference date of {name} ({kind} {day.isoformat()})"


_DAY_DATED: dict[str, dict[str, tuple[date, str, str]]] = {}


def _day_dated_measures(reference: Reference) -> dict[str, tuple[date, str, str]]:
    """measure_id -> (date, name, date_kind) for measures whose date is known to the day."""
    if reference.sha256 not in _DAY_DATED:
        rows = reference.measures[reference.measures["date_precision"] == "day"]
        _DAY_DATED[reference.sha256] = {
            r.measure_id: (date.fromisoformat(r.date), r.name, r.date_kind)
            for r in rows.itertuples()
        }
    return _DAY_DATED[reference.sha256]


def _lead(
    meta: DocumentMeta,
    people: list[PersonMention],
    skip: Spans,
    reference: Reference,
    on: date | None,
) -> PersonMention | None:
    """The answering or stating minister, else the first minister named in the body."""
    if meta.speaker:
        person, post, party = resolve_person(reference, meta.speaker, on)
        role = "minister" if post else ("unknown" if not person else "member")
        return PersonMention(0, 0, meta.speaker, person, post, party, role)
    body = [p for p in people if p.role == "minister" and not skip.overlaps(p.start, p.end)]
    return body[0] if body else None


def _government_warning(meta: DocumentMeta, on: date | None) -> list[str]:
    """A warning when the page's printed government disagrees with the reference table."""
    printed = meta.government_as_printed
    if not printed or on is None:
        return []
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", printed)]
    if len(years) == 2 and not years[0] <= on.year <= years[1]:
        return [f"page says it was published under the {printed} government, but its date is {on}"]
    return []


def _mention_rows(
    doc_id: str,
    dates: list[DateMention],
    people,
    measures,
    countries,
    orgs,
    figures,
    asker: PersonMention | None,
) -> list[dict]:
    """Rows of the mentions table for one document, by position (start, end, kind)."""
    rows = [_mention_row(doc_id, "date", d, d.value, d.basis) for d in dates]
    rows += [_mention_row(doc_id, "person", p, p.person, p.post or p.role) for p in people]
    if asker is not None:
        rows.append(_mention_row(doc_id, "person", asker, asker.person, "asker"))
    rows += [_mention_row(doc_id, "measure", m, m.name, m.kind) for m in measures]
    rows += [_mention_row(doc_id, "country", c, c.value, "") for c in countries]
    rows += [_mention_row(doc_id, "organisation", o, o.value, "") for o in orgs]
    rows += [_mention_row(doc_id, "figure", f, f.value, "") for f in figures]
    return sorted(rows, key=_MENTION_ORDER)


_MENTION_ORDER = itemgetter("char_start", "char_end", "kind")


def _mention_row(doc_id: str, kind: str, found, value: str, detail: str) -> dict:
    """One row of the mentions table."""
    return {
        "doc_id": doc_id,
        "kind": kind,
        "char_start": found.start,
        "char_end": found.end,
        "text": found.text,
        "value": value,
        "detail": detail,
    }


def _asker(
    meta: DocumentMeta, text: str, reference: Reference, on: date | None
) -> PersonMention | None:
    """The member who asked the question, if the document is a question."""
    if not meta.asker:
        return None
    member = reference.member(meta.asker, on)
    person = str(member["person"]) if member is not None else ""
    party = str(member["party"]) if member is not None else ""
    start = text.find(meta.asker)
    return PersonMention(
        max(start, 0), max(start, 0) + len(meta.asker), meta.asker, person, "", party, "asker"
    )


def _per_sentence(items: list, sentences: list[Sentence], firsts: list[int]) -> dict[int, list]:
    """`within` for every sentence at once: sentence index -> the items inside it, in order."""
    starts = [item.start for item in items]
    if starts != sorted(starts):  # not in order: window each sentence as `within` does
        windows = (within(items, starts, s.start, s.end) for s in sentences)
        return {k: found for k, found in enumerate(windows) if found}
    out: dict[int, list] = {}
    for item in items:  # sentences are disjoint and in order: one bisect finds the only candidate
        k = bisect_right(firsts, item.start) - 1
        if k >= 0 and item.start < sentences[k].end and item.end <= sentences[k].end:
            out.setdefault(k, []).append(item)
    return out


_NAME_SCANS: dict[str, NameScan] = {}


def _name_scan(reference: Reference) -> NameScan:
    """People's names and measures' phrases, found in one scan of a text."""
    if reference.sha256 not in _NAME_SCANS:
        _NAME_SCANS[reference.sha256] = NameScan([name_finder(reference), phrase_finder(reference)])
    return _NAME_SCANS[reference.sha256]


def process_text(
    doc_id: str,
    source_path: str,
    loaded: load.LoadedText,
    content_sha256: str,
    reference: Reference,
) -> DocResult:
    """All rows for one cleaned document."""
    text = loaded.text
    meta = read_meta(text)
    person_spans, phrase_spans = _name_scan(reference).spans(text)
    measures = find_measures(text, reference, phrase_spans)
    warnings = list(loaded.warnings)
    if meta.doc_date is None:
        inferred, how = infer_date(measures, reference)
        if inferred is not None:
            meta.doc_date, meta.doc_date_basis, meta.doc_date_text = inferred, "inferred", how
            warnings.append(f"no date in the text: {how}")
        else:
            warnings.append(
                "no date in the text and none could be inferred: statements without their own date are left out"
            )
    on = meta.doc_date
    dates = extract_dates(text, on)
    people = find_people(text, reference, on, person_spans)
    asker = _asker(meta, text, reference, on)
    if asker is not None:
        people = [p for p in people if not (p.start < asker.end and asker.start < p.end)]
    skip = Spans(meta.skip_spans + _heading_spans(text))
    lead = _lead(meta, people, skip, reference, on)
    government = reference.government_label_at(on) if on else ""
    warnings += _government_warning(meta, on)
    countries, orgs = find_countries(text, reference), find_organisations(text)
    ctx = DocContext(
        doc_id, meta.title, meta.doc_type, meta.house, on, meta.doc_date_basis, source_path, lead
    )

    all_figures = find_figures(text, [(d.start, d.end) for d in dates])
    sentences = split_sentences(text)
    kinds = [dates, people, measures, countries, orgs, all_figures]
    firsts = [s.start for s in sentences]
    by_kind = [_per_sentence(items, sentences, firsts) for items in kinds]
    events: list[dict] = []
    undated = 0
    lowered = lowered_for_ascii(text)  # every character lowers alone: slices stand for sentences
    for k, sentence in enumerate(sentences):
        if skip.overlaps(sentence.start, sentence.end):
            continue
        low = lowered[sentence.start : sentence.end] if lowered is not None else None
        if not may_give_events(sentence.text, k in by_kind[0], k in by_kind[2], low):
            continue  # sentence_events would give nothing: skip gathering its facts
        *parts, figures = [found.get(k) or [] for found in by_kind]
        facts = SentenceFacts(sentence, *parts, figures=joined(figures))
        rows, missed = sentence_events(ctx, facts, reference)
        events.extend(rows)
        undated += missed
    if undated:
        warnings.append(f"{undated} statements could not be dated")
    document = {
        "doc_id": doc_id,
        "source_path": source_path,
        "doc_type": meta.doc_type,
        "house": meta.house,
        "title": meta.title,
        "doc_date": on,
        "doc_date_basis": meta.doc_date_basis,
        "doc_date_text": meta.doc_date_text,
        "asked_date": meta.asked_date,
        "asker": (asker.person or asker.text) if asker else "",
        "lead_minister": (lead.person or lead.text) if lead else "",
        "lead_minister_post": lead.post if lead else "",
        "government": government,
        "encoding": loaded.encoding,
        "n_chars": len(text),
        "n_events": len(events),
        "content_sha256": content_sha256,
        "warnings": "; ".join(warnings),
        "text": text,
        "furniture": "\n".join(loaded.furniture),
    }
    mentions = _mention_rows(doc_id, dates, people, measures, countries, orgs, all_figures, asker)
    text_sha256 = hashlib.sha256(text.encode()).hexdigest()
    return DocResult(document, events, mentions, text_sha256)


def process_file(
    path: Path, doc_id: str, source_path: str, reference: Reference, max_bytes: int
) -> DocResult | Rejection:
    """Load one file and extract everything from it, or say why it was rejected.

    A fault of the pipeline itself on one file (an exception no rule expected) leaves
    that file out with the error as its reason, rather than stopping a build of
    thousands; the next build of a changed pipeline extracts it again.
    """
    try:
        raw, suffix = load.read_file(path, max_bytes)
        loaded = load.clean(raw, suffix)
        return process_text(doc_id, source_path, loaded, hashlib.sha256(raw).hexdigest(), reference)
    except load.RejectedFile as exc:
        return Rejection(source_path, str(exc))
    except OSError as exc:
        return Rejection(source_path, f"could not be read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 (any fault: the file is left out and named)
        return Rejection(
            source_path,
            f"the pipeline failed on this file ({type(exc).__name__}: {str(exc)[:200]}); "
            "it is left out: please report it with the file",
            fault=True,
        )
