"""Synthetic processed and reference folders for the app's tests.

Everything here is invented: every document title starts "SYNTHETIC TEST DOCUMENT" and the
reference rows cite "SYNTHETIC TEST" as their source. `write_small` covers every precision,
date basis and status, several ministers, themes and document types, and one document whose
text and quote carry hostile markup. `write_large` writes 100,000 events for the scale test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.reference import COLUMNS as REFERENCE_COLUMNS

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))"
SYN = "SYNTHETIC TEST DOCUMENT"

DOCS = [
    # doc_id, doc_type, house, title, doc_date, basis, minister, post
    (
        "d1",
        "written answer",
        "Commons",
        "Trafficking victims",
        "2011-03-22",
        "explicit",
        "Damian Green",
        "Minister of State for Immigration",
    ),
    (
        "d2",
        "press release",
        "",
        "New strategy",
        "2014-07-15",
        "explicit",
        "Theresa May",
        "Home Secretary",
    ),
    ("d3", "news story", "", "Undated note", None, "unknown", "", ""),
    (
        "d4",
        "written statement",
        "Commons",
        "Annual report",
        "2018-10-18",
        "explicit",
        "Victoria Atkins",
        "Parliamentary Under-Secretary of State for Crime",
    ),
    ("d5", "press release", "", HOSTILE, "2012-05-02", "explicit", "Theresa May", "Home Secretary"),
    (
        "d6",
        "news story",
        "",
        "Inferred date note",
        "2016-01-01",
        "inferred",
        "Karen Bradley",
        "Minister for Preventing Abuse and Exploitation",
    ),
]

EVENTS = [
    # id, doc, start, end, value, precision, basis, date_text, status, minister, measure, theme,
    # sentence
    (
        "e01",
        "d1",
        "2011-03-22",
        "2011-03-22",
        "2011-03-22",
        "day",
        "explicit",
        "22 March 2011",
        "past",
        "Damian Green",
        "National Referral Mechanism",
        "victim support",
        "On 22 March 2011 the Government opted in to the EU Directive on trafficking.",
    ),
    (
        "e02",
        "d1",
        "2010-06-01",
        "2010-06-30",
        "2010-06",
        "month",
        "relative",
        "In June",
        "past",
        "Damian Green",
        "Council of Europe Convention",
        "international cooperation",
        "In June we reviewed the Council of Europe Convention arrangements.",
    ),
    (
        "e03",
        "d2",
        "2014-03-01",
        "2014-05-31",
        "2014-SP",
        "season",
        "relative",
        "in the Spring",
        "past",
        "Theresa May",
        "Modern Slavery Strategy",
        "strategy and governance",
        "We published the Modern Slavery Strategy in the Spring.",
    ),
    (
        "e04",
        "d2",
        "2014-10-01",
        "2014-12-31",
        "2014-Q4",
        "quarter",
        "explicit",
        "the fourth quarter of 2014",
        "planned",
        "Theresa May",
        "Modern Slavery Bill",
        "legislation",
        "The Modern Slavery Bill will complete its passage in the fourth quarter of 2014.",
    ),
    (
        "e05",
        "d2",
        "2015-01-01",
        "2015-12-31",
        "2015",
        "year",
        "relative",
        "next year",
        "planned",
        "Theresa May",
        "Independent Anti-Slavery Commissioner",
        "law enforcement",
        "The Commissioner will be appointed next year.",
    ),
    (
        "e06",
        "d2",
        "2014-07-15",
        "2014-07-15",
        "2014-07-15",
        "day",
        "document",
        "",
        "past",
        "Theresa May",
        "",
        "training and awareness",
        "Awareness training has reached every police force.",
    ),
    (
        "e07",
        "d4",
        "2010-01-01",
        "2019-12-31",
        "201",
        "decade",
        "explicit",
        "the 2010s",
        "past",
        "Victoria Atkins",
        "",
        "data and reporting",
        "Referrals rose steadily through the 2010s.",
    ),
    (
        "e08",
        "d4",
        "2015-07-31",
        "2018-10-18",
        "2015-07-31/2018-10-18",
        "span",
        "explicit",
        "Since 31 July 2015",
        "ongoing",
        "Victoria Atkins",
        "Modern Slavery Act 2015",
        "legislation",
        "Since 31 July 2015 the Modern Slavery Act 2015 has been in force.",
    ),
    (
        "e09",
        "d4",
        "2018-10-18",
        "2018-10-18",
        "2018-10-18",
        "day",
        "document",
        "",
        "past",
        "Victoria Atkins",
        "Modern Slavery Act 2015",
        "supply chains",
        "Large businesses now publish transparency statements.",
    ),
    (
        "e10",
        "d5",
        "2012-05-02",
        "2012-05-02",
        "2012-05-02",
        "day",
        "explicit",
        "2 May 2012",
        "past",
        "Theresa May",
        "",
        "border and immigration",
        f"On 2 May 2012 {HOSTILE} border checks were strengthened.",
    ),
    (
        "e11",
        "d6",
        "2016-01-01",
        "2016-01-01",
        "2016-01-01",
        "day",
        "inferred",
        "",
        "past",
        "Karen Bradley",
        "",
        "child protection",
        "Child victims will be supported by independent advocates.",
    ),
    (
        "e12",
        "d3",
        "2008-12-01",
        "2008-12-31",
        "2008-12",
        "month",
        "explicit",
        "December 2008",
        "past",
        "",
        "Council of Europe Convention",
        "international cooperation",
        "The Convention was ratified in December 2008.",
    ),
]

GOVERNMENTS = [
    ("blair", "Labour", "Tony Blair", "Labour", "1997-05-02", "2007-06-26"),
    ("brown", "Labour", "Gordon Brown", "Labour", "2007-06-27", "2010-05-10"),
    (
        "coalition",
        "Conservative–Liberal Democrat coalition",
        "David Cameron",
        "Conservative; Liberal Democrat",
        "2010-05-11",
        "2015-05-07",
    ),
    ("cameron2", "Conservative", "David Cameron", "Conservative", "2015-05-08", "2016-07-12"),
    ("may", "Conservative", "Theresa May", "Conservative", "2016-07-13", "2019-07-23"),
    ("johnson", "Conservative", "Boris Johnson", "Conservative", "2019-07-24", "2022-09-05"),
    ("truss", "Conservative", "Liz Truss", "Conservative", "2022-09-06", "2022-10-24"),
    ("sunak", "Conservative", "Rishi Sunak", "Conservative", "2022-10-25", "2024-07-04"),
    ("starmer", "Labour", "Keir Starmer", "Labour", "2024-07-05", ""),
]

MINISTERS = [
    (
        "Theresa May",
        "Mrs May; Home Secretary Theresa May",
        "Home Secretary",
        "Home Office",
        "2010-05-12",
        "2016-07-13",
        "Conservative",
        "Commons",
    ),
    (
        "Theresa May",
        "Mrs May",
        "Prime Minister",
        "Cabinet Office",
        "2016-07-13",
        "2019-07-24",
        "Conservative",
        "Commons",
    ),
    (
        "Damian Green",
        "Mr Green",
        "Minister of State for Immigration",
        "Home Office",
        "2010-05-13",
        "2012-09-04",
        "Conservative",
        "Commons",
    ),
    (
        "Karen Bradley",
        "Mrs Bradley",
        "Minister for Preventing Abuse and Exploitation",
        "Home Office",
        "2014-07-15",
        "2016-07-14",
        "Conservative",
        "Commons",
    ),
    (
        "Victoria Atkins",
        "Ms Atkins",
        "Parliamentary Under-Secretary of State for Crime",
        "Home Office",
        "2017-11-09",
        "2019-07-25",
        "Conservative",
        "Commons",
    ),
    (
        "Vernon Coaker",
        "Mr Coaker",
        "Minister of State for Policing",
        "Home Office",
        "2008-10-05",
        "2009-06-08",
        "Labour",
        "Commons",
    ),
]

MEASURES = [
    (
        "msa2015",
        "Modern Slavery Act 2015",
        "MSA 2015",
        "legislation",
        "legislation",
        "2015-03-26",
        "day",
        "passed",
    ),
    (
        "nrm",
        "National Referral Mechanism",
        "NRM",
        "institution",
        "victim support",
        "2009-04-01",
        "day",
        "established",
    ),
    (
        "coe",
        "Council of Europe Convention",
        "ECAT",
        "international instrument",
        "international cooperation",
        "2008-12",
        "month",
        "ratified",
    ),
    (
        "strategy2014",
        "Modern Slavery Strategy",
        "",
        "strategy",
        "strategy and governance",
        "",
        "",
        "",
    ),
]

MILESTONES = [
    ("m1", "msa2015", "2015-07-31", "day", "in force", "Modern Slavery Act in force <b>"),
    ("m2", "coe", "2007-03-23", "day", "signed", "UK signs the Convention"),
]


def _doc_text(title: str, body_sentences: list[str]) -> str:
    """A cleaned document text: title line then the sentences."""
    return f"{SYN} {title}\n\n" + " ".join(body_sentences)


def _documents_and_events() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The small documents, events and mentions tables."""
    docs, events, mentions = [], [], []
    for doc_id, dtype, house, title, ddate, basis, minister, post in DOCS:
        mine = [e for e in EVENTS if e[1] == doc_id]
        full_title = f"{SYN}: {title}"
        text = _doc_text(title, [e[12] for e in mine])
        for e in mine:
            start = text.index(e[12])
            end = start + len(e[12])
            events.append(_event_row(e, doc_id, dtype, house, full_title, ddate, start, end))
            if e[7]:
                at = text.index(e[7], start)
                mentions.append((doc_id, "date", at, at + len(e[7]), e[7], e[4], e[6]))
            if e[9] and e[9].split()[-1] in text:
                name = e[9].split()[-1]
                at = text.index(name)
                mentions.append((doc_id, "person", at, at + len(name), name, e[9], "minister"))
            if e[10] and e[10] in text:
                at = text.index(e[10])
                mentions.append((doc_id, "measure", at, at + len(e[10]), e[10], e[10], "x"))
        if "Convention" in text and doc_id == "d1":
            at = text.index("Government")
            mentions.append((doc_id, "person", at, at + 10, "Government", "", ""))
        docs.append(
            {
                "doc_id": doc_id,
                "source_path": f"data/raw/synthetic_{doc_id}.txt",
                "doc_type": dtype,
                "house": house,
                "title": full_title,
                "doc_date": ddate,
                "doc_date_basis": basis,
                "doc_date_text": ddate or "",
                "asked_date": None,
                "asker": "",
                "lead_minister": minister,
                "lead_minister_post": post,
                "government": "",
                "encoding": "utf-8",
                "n_chars": len(text),
                "n_events": len(mine),
                "content_sha256": f"sha-{doc_id}",
                "warnings": "no date found" if basis == "unknown" else "",
                "text": text,
                "furniture": f"Skip to main content {HOSTILE}\nCookies on GOV.UK",
            }
        )
    mcols = list(schema.MENTION_COLUMNS)
    return pd.DataFrame(docs), pd.DataFrame(events), pd.DataFrame(mentions, columns=mcols)


def _event_row(
    e: tuple,
    doc_id: str,
    dtype: str,
    house: str,
    title: str,
    ddate: str | None,
    start: int,
    end: int,
) -> dict:
    """One events-table row from an EVENTS tuple."""
    posts = {m[0]: m[2] for m in reversed(MINISTERS)}  # each person's first post
    return {
        "event_id": e[0],
        "doc_id": doc_id,
        "doc_title": title,
        "doc_type": dtype,
        "house": house,
        "doc_date": ddate,
        "source_path": f"data/raw/synthetic_{doc_id}.txt",
        "date_start": e[2],
        "date_end": e[3],
        "date_value": e[4],
        "precision": e[5],
        "date_basis": e[6],
        "date_text": e[7],
        "status": e[8],
        "minister": e[9],
        "minister_post": posts.get(e[9], ""),
        "party": "Conservative" if e[9] else "",
        "government": "",
        "measure": e[10],
        "measure_kind": "",
        "theme": e[11],
        "countries": "",
        "organisations": "",
        "figures": "",
        "sentence": e[12],
        "char_start": start,
        "char_end": end,
    }


def write_processed(
    folder: Path,
    events: pd.DataFrame,
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    warnings: list[str] | None = None,
) -> Path:
    """Write a processed folder in the contract's format and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    events = schema.validate_events(events)
    text = documents[list(schema.DOCUMENT_TEXT_COLUMNS)].astype("string")
    docs = schema.validate_documents(documents)
    docs = pd.concat([docs, text.reset_index(drop=True)], axis=1)
    events.to_parquet(folder / "events.parquet", index=False)
    events.to_csv(folder / "events.csv", index=False)
    docs.to_parquet(folder / "documents.parquet", index=False)
    schema.coerce(mentions, schema.MENTION_COLUMNS).to_parquet(
        folder / "mentions.parquet", index=False
    )
    rejected = pd.DataFrame(
        [("data/raw/synthetic_broken.pdf", "not a text file <b>bold</b>")],
        columns=list(schema.REJECTED_COLUMNS),
    )
    rejected.to_csv(folder / "rejected.csv", index=False)
    build = {
        "pipeline_version": "synthetic",
        "inputs_sha256": "x",
        "reference_sha256": "y",
        "built_at": "2024-01-02T03:04:05Z",
        "seconds": 0.1,
        "n_documents": len(docs),
        "n_events": len(events),
        "n_rejected": 1,
        "warnings": warnings if warnings is not None else ["synthetic warning <i>x</i>"],
    }
    (folder / "build.json").write_text(json.dumps(build), encoding="utf-8")
    return folder


def write_reference(folder: Path) -> Path:
    """Write synthetic reference CSVs, with the loader's own columns, every row sourced as synthetic."""
    folder.mkdir(parents=True, exist_ok=True)
    src = "SYNTHETIC TEST"
    rows = {
        "governments": GOVERNMENTS,
        "ministers": MINISTERS,
        "measures": MEASURES,
        "milestones": MILESTONES,
        "members": [("Anne Asker", "Ms Asker", "Somewhere", "Labour", "Commons", "2005-05-05", "")],
        "countries": [("Albania", ""), ("Viet Nam", "Vietnam")],
    }
    for name, table in rows.items():
        frame = pd.DataFrame([(*row, src) for row in table], columns=list(REFERENCE_COLUMNS[name]))
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def write_small(root: Path) -> tuple[Path, Path]:
    """Write the small processed and reference folders under `root`; return both paths."""
    docs, events, mentions = _documents_and_events()
    return (
        write_processed(root / "processed", events, docs, mentions),
        write_reference(root / "reference"),
    )


def write_large(root: Path, n: int = 100_000, seed: int = 4) -> tuple[Path, Path]:
    """Write `n` synthetic events over 400 documents, plus the reference folder."""
    rng = np.random.default_rng(seed)
    n_docs = 400
    doc_ids = np.array([f"L{i:04d}" for i in range(n_docs)])
    days = pd.Timestamp("2004-01-01") + pd.to_timedelta(rng.integers(0, 6900, n), unit="D")
    prec = rng.choice(["day", "month", "year"], n, p=[0.6, 0.3, 0.1])
    start = days.to_numpy().copy()
    month_start = days.to_period("M").to_timestamp().to_numpy()
    year_start = days.to_period("Y").to_timestamp().to_numpy()
    start = np.where(prec == "month", month_start, np.where(prec == "year", year_start, start))
    month_end = (days.to_period("M").to_timestamp(how="end").normalize()).to_numpy()
    year_end = (days.to_period("Y").to_timestamp(how="end").normalize()).to_numpy()
    end = np.where(prec == "month", month_end, np.where(prec == "year", year_end, start))
    doc = rng.choice(doc_ids, n)
    ministers = np.array([m[0] for m in MINISTERS])
    themes = np.array(schema.THEMES)
    events = pd.DataFrame(
        {
            "event_id": [f"L{i:06d}" for i in range(n)],
            "doc_id": doc,
            "doc_title": [f"{SYN} {d}" for d in doc],
            "doc_type": "written answer",
            "house": "Commons",
            "doc_date": start,
            "source_path": [f"raw/{d}.txt" for d in doc],
            "date_start": start,
            "date_end": end,
            "date_value": "x",
            "precision": prec,
            "date_basis": "explicit",
            "date_text": "some date",
            "status": "past",
            "minister": rng.choice(ministers, n),
            "minister_post": "",
            "party": "",
            "government": "",
            "measure": "",
            "measure_kind": "",
            "theme": rng.choice(themes, n),
            "countries": "",
            "organisations": "",
            "figures": "",
            "sentence": "A synthetic sentence about policy.",
            "char_start": 0,
            "char_end": 10,
        }
    )
    docs = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "source_path": [f"raw/{d}.txt" for d in doc_ids],
            "doc_type": "written answer",
            "house": "Commons",
            "title": [f"{SYN} {d}" for d in doc_ids],
            "doc_date": pd.Timestamp("2010-01-01"),
            "doc_date_basis": "explicit",
            "doc_date_text": "",
            "asked_date": pd.NaT,
            "asker": "",
            "lead_minister": "",
            "lead_minister_post": "",
            "government": "",
            "encoding": "utf-8",
            "n_chars": 40,
            "n_events": 0,
            "content_sha256": "x",
            "warnings": "",
            "text": "A synthetic sentence about policy.",
            "furniture": "",
        }
    )
    mentions = pd.DataFrame(columns=list(schema.MENTION_COLUMNS))
    return (
        write_processed(root / "processed", events, docs, mentions, warnings=[]),
        write_reference(root / "reference"),
    )


# --- AppTest helpers --------------------------------------------------------------------------

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def app_test(query: dict[str, object] | None = None):  # -> AppTest (imported lazily)
    """An AppTest of dashboard.py, with `query` as the page's URL parameters."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARD), default_timeout=30)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at


def texts(at) -> str:
    """Every markdown, caption, text, alert and html body on the page, joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [t.value for t in at.text] + [e.value for e in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    parts += [h.proto.body for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


# --- briefing and export helpers ----------------------------------------------------------------


def briefing_inputs(processed: Path, reference: Path, **chosen: object):
    """(figure, deck, subtitle) for a processed folder, as the briefing view builds them.

    `chosen` overrides fields of the default filters (e.g. minister=("Theresa May",)).
    """
    from dataclasses import replace

    from app import briefing, data, figures, filters
    from app.views.briefing import subtitle

    bundle = data.load_bundle(str(processed), str(reference), "")
    options = filters.options_for(bundle.events)
    defaults = filters.default_filters(options)
    active = replace(defaults, **chosen)
    shown = filters.apply(bundle.events, active)
    fig = figures.timeline_figure(
        shown,
        lane="theme",
        years=active.years,
        governments=bundle.governments,
        milestones=bundle.milestones,
    )
    deck = briefing.build_deck(shown, active, defaults, bundle.build)

    class _Ctx:  # the two fields `subtitle` reads
        filters = active

    _Ctx.shown = shown
    _Ctx.known = type("K", (), {"options": options})
    return fig, deck, subtitle(_Ctx, defaults)  # type: ignore[arg-type]


# --- corpus helpers for the upload and rebuild tests ----------------------------------------------

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"


def synthetic_document(title: str, published: str, sentences: list[str]) -> str:
    """A press release the pipeline reads, marked as a synthetic test document throughout."""
    body = "\n\n".join(sentences)
    return (
        f"Press release\n\nSynthetic test document: {title}\n\nFrom: Home Office\n"
        f"Published {published}\n\nSynthetic test document for the app's tests; not a real "
        f"government statement.\n\n{body}\n"
    )


CORPUS = {
    "synthetic_fund.txt": synthetic_document(
        "fund for victims",
        "14 March 2013",
        ["On 12 March 2013 the Home Secretary Theresa May announced a fund for victims."],
    ),
    "synthetic_strategy.txt": synthetic_document(
        "strategy",
        "2 May 2016",
        ["The Government will publish a new strategy in the spring."],
    ),
}


def write_corpus(root: Path, max_bytes: int | None = None) -> tuple[Path, Path, Path]:
    """A small synthetic raw folder built by the pipeline; (raw, processed, reference).

    Build with the size limit the app will use (it is part of the build cache's key).
    """
    from pipeline.build import build
    from pipeline.load import DEFAULT_MAX_BYTES

    raw = root / "raw"
    raw.mkdir(parents=True)
    for name, text in CORPUS.items():
        (raw / name).write_text(text, encoding="utf-8")
    processed = root / "processed"
    limit = max_bytes or DEFAULT_MAX_BYTES
    build(raw, processed, REFERENCE, workers=1, max_bytes=limit, progress=lambda d, t: None)
    return raw, processed, REFERENCE


def corpus_env(monkeypatch, raw: Path, processed: Path, reference: Path) -> None:  # noqa: ANN001
    """Point the app at a raw, processed and reference folder."""
    monkeypatch.setenv("TIMELINE_RAW_DIR", str(raw))
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(processed))
    monkeypatch.setenv("TIMELINE_REFERENCE_DIR", str(reference))
