"""Checks on the measures, milestones and countries reference tables.

The tables are read with pandas directly (every cell as a string) so these
tests do not depend on `pipeline.reference`. Each check is a small function
that lists problems; the tests assert the list is empty, and a few tests feed
the checks deliberately broken rows to show that they can fail.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.reference import COLUMNS as REFERENCE_COLUMNS
from pipeline.reference import DATE_KINDS, DATE_PATTERNS
from pipeline.schema import MEASURE_KINDS, THEMES

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "data" / "reference"
RAW = ROOT / "data" / "raw"

# The loader's own contract: one definition of the columns and vocabularies.
COLUMNS = {
    f"{name}.csv": list(REFERENCE_COLUMNS[name]) for name in ("measures", "milestones", "countries")
}
DATE_PRECISIONS = tuple(DATE_PATTERNS)
LENGTH_OF = {"day": 10, "month": 7, "year": 4}
PATTERN_OF = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
EARLIEST, LATEST = date(1980, 1, 1), date(2024, 12, 31)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# --- loading ----------------------------------------------------------------


def read(name: str) -> pd.DataFrame:
    """A reference CSV with every cell as a stripped string ('' for empty)."""
    frame = pd.read_csv(REF / name, dtype=str, keep_default_na=False)
    return frame.apply(lambda col: col.str.strip())


@pytest.fixture(scope="module")
def measures() -> pd.DataFrame:
    return read("measures.csv")


@pytest.fixture(scope="module")
def milestones() -> pd.DataFrame:
    return read("milestones.csv")


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return read("countries.csv")


def split_aliases(cell: str) -> list[str]:
    """'A; B' -> ['A', 'B']; '' -> []."""
    return [a.strip() for a in cell.split(";")] if cell.strip() else []


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


# --- checks (each returns a list of problems) --------------------------------


def date_problems(value: str, precision: str, kind: str, *, required: bool) -> list[str]:
    """A reference date is ISO at its precision, in range, and comes with a date_kind."""
    if not value:
        problems = []
        if required:
            problems.append("date missing")
        if precision or kind:
            problems.append(f"blank date with precision={precision!r} date_kind={kind!r}")
        return problems
    if precision not in DATE_PRECISIONS:
        return [f"{value}: precision {precision!r} not one of {DATE_PRECISIONS}"]
    if kind not in DATE_KINDS:
        return [f"{value}: date_kind {kind!r} not one of {DATE_KINDS}"]
    if len(value) != LENGTH_OF[precision] or not PATTERN_OF[precision].fullmatch(value):
        return [f"{value}: not an ISO date at {precision} precision"]
    padded = value + {"day": "", "month": "-01", "year": "-01-01"}[precision]
    try:
        parsed = date.fromisoformat(padded)
    except ValueError:
        return [f"{value}: not a calendar date"]
    if not EARLIEST <= parsed <= LATEST:
        return [f"{value}: outside {EARLIEST}..{LATEST}"]
    return []


def alias_problems(cell: str) -> list[str]:
    """Aliases are '; '-separated, non-empty and not repeated within a row."""
    if not cell:
        return []
    parts = cell.split(";")
    problems = [f"empty alias in {cell!r}" for p in parts if not p.strip()]
    folded = [fold(p) for p in parts if p.strip()]
    if len(folded) != len(set(folded)):
        problems.append(f"repeated alias in {cell!r}")
    return problems


def clashes(owners: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Given (owner, form) pairs, the case-folded forms claimed by more than one owner."""
    claimed: dict[str, set[str]] = {}
    for owner, form in owners:
        claimed.setdefault(fold(form), set()).add(owner)
    return {form: who for form, who in claimed.items() if len(who) > 1}


def measure_forms(measures: pd.DataFrame) -> list[tuple[str, str]]:
    """(measure_id, form) for every name and alias."""
    pairs = []
    for row in measures.itertuples():
        pairs.append((row.measure_id, row.name))
        pairs.extend((row.measure_id, a) for a in split_aliases(row.aliases))
    return pairs


def country_forms(countries: pd.DataFrame) -> list[tuple[str, str]]:
    pairs = []
    for row in countries.itertuples():
        pairs.append((row.name, row.name))
        pairs.extend((row.name, a) for a in split_aliases(row.aliases))
    return pairs


def lookup(measures: pd.DataFrame, form: str) -> pd.DataFrame:
    """Rows whose name or alias equals `form`, case-insensitively."""
    ids = {mid for mid, f in measure_forms(measures) if fold(f) == fold(form)}
    return measures[measures["measure_id"].isin(ids)]


# --- the checks can fail ------------------------------------------------------


@pytest.mark.parametrize(
    "value, precision, kind, required",
    [
        ("2011-7-19", "day", "published", True),  # not zero-padded
        ("2011-07", "day", "published", True),  # length does not match precision
        ("2011-07-19", "month", "published", True),
        ("2011-02-30", "day", "published", True),  # no such day
        ("2011-13", "month", "published", True),
        ("1870", "year", "passed", True),  # out of range
        ("2011", "decade", "published", True),
        ("2011", "year", "happened", True),
        ("", "", "", True),  # a milestone must be dated
        ("", "day", "", False),  # precision without a date
    ],
)
def test_date_check_rejects_bad_dates(value, precision, kind, required):
    assert date_problems(value, precision, kind, required=required)


@pytest.mark.parametrize(
    "value, precision", [("2011-07-19", "day"), ("2010-06", "month"), ("2000", "year")]
)
def test_date_check_accepts_good_dates(value, precision):
    assert date_problems(value, precision, "published", required=True) == []


def test_alias_checks_can_fail():
    assert alias_problems("NRM; ; National Referral Mechanism")
    assert alias_problems("NRM; nrm")
    assert clashes([("a", "NCA"), ("b", "nca")]) == {"nca": {"a", "b"}}


# --- schema -------------------------------------------------------------------


@pytest.mark.parametrize("name, columns", COLUMNS.items())
def test_columns_exactly(name, columns):
    assert list(read(name).columns) == columns


@pytest.mark.parametrize("name", COLUMNS)
def test_no_empty_table(name):
    assert len(read(name)) > 0


@pytest.mark.parametrize("name", COLUMNS)
def test_every_row_has_https_source(name):
    frame = read(name)
    bad = frame[~frame["source"].str.match(r"https://\S+$")]
    assert bad.empty, bad.iloc[:, :2].to_dict("records")


def test_measure_ids_unique_slugs(measures):
    ids = measures["measure_id"]
    assert not ids.duplicated().any(), ids[ids.duplicated()].tolist()
    assert all(SLUG.fullmatch(i) for i in ids), [i for i in ids if not SLUG.fullmatch(i)]


def test_milestone_ids_unique_slugs(milestones):
    ids = milestones["milestone_id"]
    assert not ids.duplicated().any(), ids[ids.duplicated()].tolist()
    assert all(SLUG.fullmatch(i) for i in ids), [i for i in ids if not SLUG.fullmatch(i)]


def test_measure_names_present_and_unique(measures):
    assert (measures["name"] != "").all()
    assert not measures["name"].map(fold).duplicated().any()


def test_measure_kinds_in_vocabulary(measures):
    bad = measures[~measures["kind"].isin(MEASURE_KINDS)]
    assert bad.empty, bad[["measure_id", "kind"]].to_dict("records")


def test_measure_themes_in_vocabulary(measures):
    bad = measures[~measures["theme"].isin(THEMES)]
    assert bad.empty, bad[["measure_id", "theme"]].to_dict("records")


def test_measure_dates_match_precision(measures):
    problems = {
        row.measure_id: p
        for row in measures.itertuples()
        if (p := date_problems(row.date, row.date_precision, row.date_kind, required=False))
    }
    assert not problems, problems


def test_milestone_dates_match_precision(milestones):
    problems = {
        row.milestone_id: p
        for row in milestones.itertuples()
        if (p := date_problems(row.date, row.date_precision, row.date_kind, required=True))
    }
    assert not problems, problems


def test_milestones_have_labels(milestones):
    assert (milestones["label"].str.len() >= 10).all()


def test_every_milestone_measure_exists(milestones, measures):
    unknown = set(milestones["measure_id"]) - set(measures["measure_id"])
    assert not unknown, sorted(unknown)


def test_milestones_not_duplicated(milestones):
    key = milestones[["measure_id", "date", "date_kind"]]
    assert not key.duplicated().any(), milestones[key.duplicated(keep=False)].to_dict("records")


# --- aliases ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["measures.csv", "countries.csv"])
def test_alias_cells_well_formed(name):
    problems = [p for cell in read(name)["aliases"] for p in alias_problems(cell)]
    assert not problems, problems


def test_no_form_belongs_to_two_measures(measures):
    assert not clashes(measure_forms(measures))


def test_no_form_belongs_to_two_countries(countries):
    assert not clashes(country_forms(countries))


def test_no_measure_alias_is_a_country(measures, countries):
    country = {fold(f) for _, f in country_forms(countries)}
    overlap = sorted({f for _, f in measure_forms(measures) if fold(f) in country})
    assert not overlap, overlap


# --- the facts the seed spec and the issue rely on ------------------------------

# (a form a document uses, measure date, precision, date_kind); date None = any or blank
SEED_MEASURES = [
    ("Human Trafficking: The Government Strategy", "2011-07-19", "day", "published"),
    ("the Government's human trafficking strategy", "2011-07-19", "day", "published"),
    ("Reflex", "2000", "year", "established"),
    ("Sexual Offences Act 2003", "2003-11-20", "day", "passed"),
    ("Children Act 1989", "1989-11-16", "day", "passed"),
    ("Asylum and Immigration (Treatment of Claimants, etc.) Bill", "2004-07-22", "day", "passed"),
    (
        "Asylum and Immigration (Treatment of Claimants, etc.) Act 2004",
        "2004-07-22",
        "day",
        "passed",
    ),
    ("European Union Directive on Human Trafficking", "2011-04-05", "day", "adopted"),
    ("Directive 2011/36/EU", "2011-04-05", "day", "adopted"),
    ("National Crime Agency", "2013-10-07", "day", "launched"),
    ("NCA", "2013-10-07", "day", "launched"),
    ("National Referral Mechanism", "2009-04-01", "day", "launched"),
    ("NRM", "2009-04-01", "day", "launched"),
    ("Inter-Departmental Ministerial Group (IDMG) on Human Trafficking", None, None, None),
    ("IDMG", None, None, None),
    ("IDMG Report", "2012-10-18", "day", "published"),
    ("UK Human Trafficking Centre", "2006", "year", "established"),
    ("UN convention against transnational organised crime", "2000-11-15", "day", "adopted"),
    ("Palermo Convention", "2000-11-15", "day", "adopted"),
    ("AGIS", "2003", "year", "launched"),
    ("Every Child Matters", "2003-09-08", "day", "published"),
    ("Immigration Liaison Officers", None, None, None),
    ("National Crime Squad", "1998-04-01", "day", "established"),
    ("Crown Prosecution Service", None, None, None),
    ("Border Force", None, None, None),
    ("45-day recovery period", None, None, None),
    ("Joint Intelligence Cell", "2020-07", "month", "established"),
    ("JIC", "2020-07", "month", "established"),
    ("Organised Immigration Crime Taskforce", None, None, None),
    ("OIC Taskforce", None, None, None),
    ("UK Action Plan on Tackling Human Trafficking", "2007-03", "month", "published"),
    (
        "Council of Europe Convention on Action against Trafficking in Human Beings",
        None,
        None,
        None,
    ),
    ("Coroners and Justice Act 2009", "2009-11-12", "day", "passed"),
    ("Modern Slavery Strategy", "2014-11-29", "day", "published"),
    ("Modern Slavery Act 2015", "2015-03-26", "day", "passed"),
    ("MSA", "2015-03-26", "day", "passed"),
    ("Independent Anti-Slavery Commissioner", None, None, None),
    ("transparency in supply chains", "2015-10-29", "day", "in force"),
    ("Nationality and Borders Act 2022", "2022-04-28", "day", "passed"),
]


@pytest.mark.parametrize("form, when, precision, kind", SEED_MEASURES)
def test_seed_measures_exist_with_dates(measures, form, when, precision, kind):
    rows = lookup(measures, form)
    assert len(rows) == 1, f"{form!r} resolves to {rows['measure_id'].tolist()}"
    row = rows.iloc[0]
    if when is not None:
        assert (row["date"], row["date_precision"], row["date_kind"]) == (when, precision, kind)


COE = "Council of Europe Convention on Action against Trafficking in Human Beings"

# (measure form, date, date_kind) that must be in milestones.csv
REQUIRED_MILESTONES = [
    (COE, "2007-03-23", "signed"),
    (COE, "2008-12-17", "ratified"),
    (COE, "2009-04-01", "in force"),
    ("Sexual Offences Act 2003", "2004-05-01", "in force"),
    ("Coroners and Justice Act 2009", "2010-04-06", "in force"),
    ("EU Directive on Human Trafficking", "2011-04-05", "adopted"),
    ("EU Directive on Human Trafficking", "2010-06", "announced"),
    ("EU Directive on Human Trafficking", "2011-03-22", "announced"),
    ("Human Trafficking: The Government Strategy", "2011-07-19", "published"),
    ("IDMG report", "2012-10-18", "published"),
    ("National Crime Agency", "2013-10-07", "launched"),
    ("National Referral Mechanism", "2009-04-01", "launched"),
    ("Modern Slavery Act 2015", "2015-03-26", "passed"),
    ("transparency in supply chains", "2015-10-29", "in force"),
    ("Nationality and Borders Act 2022", "2022-04-28", "passed"),
]


@pytest.mark.parametrize("form, when, kind", REQUIRED_MILESTONES)
def test_required_milestones(measures, milestones, form, when, kind):
    ids = lookup(measures, form)["measure_id"].tolist()
    assert len(ids) == 1, f"{form!r} resolves to {ids}"
    hits = milestones[
        (milestones["measure_id"] == ids[0])
        & (milestones["date"] == when)
        & (milestones["date_kind"] == kind)
    ]
    assert len(hits) == 1, f"no {kind} milestone on {when} for {ids[0]}"


def test_measure_dates_agree_with_their_milestones(measures, milestones):
    """A measure's own date, when also a milestone of the same kind, is the same date."""
    merged = milestones.merge(measures, on="measure_id", suffixes=("_m", ""))
    same_kind = merged[merged["date_kind_m"] == merged["date_kind"]]
    disagree = same_kind[
        (same_kind["date_kind"].isin(["passed", "published", "launched"]))
        & (same_kind["date_m"] != same_kind["date"])
    ]
    assert disagree.empty, disagree[["milestone_id", "date_m", "date"]].to_dict("records")


def test_acts_are_sourced_from_legislation_gov_uk(measures):
    named_act = measures["name"].str.contains(r"\bAct\b.*\d{4}$", regex=True)
    acts = measures[named_act & (measures["kind"] == "legislation")]
    assert len(acts) >= 10
    bad = acts[~acts["source"].str.startswith("https://www.legislation.gov.uk/")]
    assert bad.empty, bad[["measure_id", "source"]].to_dict("records")


# --- the seed documents name these measures ------------------------------------

SEED_DOC_MEASURES = {
    "000_": ["human-trafficking-strategy-2011"],
    "001_": [
        "idmg",
        "national-crime-agency",
        "national-referral-mechanism",
        "untoc",
        "crown-prosecution-service",
        "border-force",
        "recovery-and-reflection-period",
    ],
    "002_": ["eu-trafficking-directive", "uk-human-trafficking-centre", "national-crime-agency"],
    "003_": [
        "reflex",
        "national-crime-squad",
        "immigration-liaison-officers",
        "agis",
        "sexual-offences-act-2003",
        "asylum-and-immigration-act-2004",
        "children-act-1989",
        "every-child-matters",
    ],
    "004_": ["oic-taskforce", "joint-intelligence-cell", "national-crime-agency"],
}


def found_in(text: str, measures: pd.DataFrame) -> set[str]:
    """measure_ids whose name or an alias occurs in `text` as whole words, any case."""
    hits = set()
    for mid, form in measure_forms(measures):
        if re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text, flags=re.IGNORECASE):
            hits.add(mid)
    return hits


@pytest.mark.parametrize("prefix, expected", SEED_DOC_MEASURES.items())
def test_seed_documents_name_known_measures(measures, prefix, expected):
    paths = sorted(RAW.glob(prefix + "*.txt"))
    if not paths:
        pytest.skip(f"no seed document {prefix}* in data/raw")
    text = paths[0].read_text(encoding="utf-8", errors="replace")
    missing = set(expected) - found_in(text, measures)
    assert not missing, sorted(missing)


# --- countries ----------------------------------------------------------------


def test_countries_cover_un_members(countries):
    assert len(countries) >= 193
    assert not countries["name"].map(fold).duplicated().any()


@pytest.mark.parametrize(
    "name",
    [
        "China",
        "Nigeria",
        "Vietnam",
        "Slovakia",
        "Romania",
        "France",
        "United Kingdom",
        "Albania",
        "Eritrea",
        "Czech Republic",
        "Ivory Coast",
    ],
)
def test_seed_countries_present(countries, name):
    assert name in set(countries["name"])


@pytest.mark.parametrize(
    "alias, name",
    [
        ("Britain", "United Kingdom"),
        ("UK", "United Kingdom"),
        ("Great Britain", "United Kingdom"),
        ("Viet Nam", "Vietnam"),
        ("Czechia", "Czech Republic"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Burma", "Myanmar"),
        ("Russian Federation", "Russia"),
    ],
)
def test_country_aliases_resolve(countries, alias, name):
    owners = {owner for owner, form in country_forms(countries) if fold(form) == fold(alias)}
    assert owners == {name}


@pytest.mark.parametrize(
    "form",
    [
        "European Union",
        "EU",
        "US",
        "British",
        "Vietnamese",
        "Chinese",
        "Nigerian",
        "Romanian",
        "Slovak",
        "French",
        "Albanian",
        "England",
        "Scotland",
    ],
)
def test_no_organisations_demonyms_or_ambiguous_words_as_countries(countries, form):
    """The EU is not a country; demonyms are not names; 'US' would match the pronoun 'us'."""
    assert not [o for o, f in country_forms(countries) if fold(f) == fold(form)]


def test_seed_documents_countries_found(countries):
    """Every country the IDMG news story lists is found in it by name or alias."""
    paths = sorted(RAW.glob("001_*.txt"))
    if not paths:
        pytest.skip("no seed document 001_* in data/raw")
    text = paths[0].read_text(encoding="utf-8", errors="replace")
    found = {
        owner
        for owner, form in country_forms(countries)
        if re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text, flags=re.IGNORECASE)
    }
    assert {"China", "Nigeria", "Vietnam", "Slovakia", "Romania", "United Kingdom"} <= found
