"""Reference tables: schema, consistency, the seed people, and the lookups the pipeline uses."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from pipeline.reference import (
    DEFAULT_DIR,
    Reference,
    ReferenceDataError,
    fold,
    is_title_alias,
    load_reference,
    seniority,
    split_aliases,
)

OWN_FILES = ("governments", "ministers", "members")
OTHER_FILES = ("measures", "milestones", "countries")
EXPECTED_COLUMNS = {
    "governments": [
        "government_id", "label", "prime_minister", "parties", "start", "end", "source",
    ],
    "ministers": [
        "person", "aliases", "post", "department", "start", "end", "party", "house", "source",
    ],
    "members": ["person", "aliases", "constituency", "party", "house", "start", "end", "source"],
}  # fmt: skip
PARTIES = {
    "Labour", "Conservative", "Liberal Democrat", "Scottish National Party", "Plaid Cymru",
    "Democratic Unionist Party", "Green", "Crossbench", "Non-affiliated", "Bishops", "Independent",
}  # fmt: skip
SOURCE = re.compile(
    r"https://(www\.gov\.uk/government/(people|ministers|history)/"
    r"|members\.parliament\.uk/|hansard\.parliament\.uk/|api\.parliament\.uk/historic-hansard/"
    r"|en\.wikipedia\.org/wiki/)\S+"
)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
# Small stand-ins for the files another engineer writes, used only in tmp copies.
STUBS = {
    "measures": "measure_id,name,aliases,kind,theme,date,date_precision,date_kind,source\n"
    "sexual-offences-act-2003,Sexual Offences Act 2003,,legislation,legislation,2003-11-20,day,"
    "passed,https://www.legislation.gov.uk/ukpga/2003/42\n",
    "milestones": "milestone_id,measure_id,date,date_precision,date_kind,label,source\n"
    "soa-in-force,sexual-offences-act-2003,2004-05,month,in force,in force,"
    "https://www.legislation.gov.uk/ukpga/2003/42\n",
    "countries": "name,aliases,source\nFrance,French Republic,https://www.gov.uk/world/france\n",
}


def read(name: str) -> pd.DataFrame:
    """A real reference CSV as strings."""
    return pd.read_csv(DEFAULT_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def copy_reference(folder: Path) -> Path:
    """Our three real files plus small stand-ins for the other three, in `folder`."""
    for name in OWN_FILES:
        shutil.copy(DEFAULT_DIR / f"{name}.csv", folder / f"{name}.csv")
    for name, text in STUBS.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ref(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """Our real tables with stand-in measures, milestones and countries."""
    return load_reference(copy_reference(tmp_path_factory.mktemp("reference")))


def test_real_folder_loads() -> None:
    """All six real files load and pass every check together."""
    real = load_reference()
    assert len(real.ministers) == len(read("ministers"))
    assert len(real.measures) > 0 and len(real.countries) > 0
    assert re.fullmatch(r"[0-9a-f]{64}", real.sha256)


# --- schema ---------------------------------------------------------------------


@pytest.mark.parametrize("name", OWN_FILES)
def test_columns_are_the_contract(name: str) -> None:
    with open(DEFAULT_DIR / f"{name}.csv", encoding="utf-8") as f:
        assert next(csv.reader(f)) == EXPECTED_COLUMNS[name]


@pytest.mark.parametrize("name", OWN_FILES)
def test_dates_are_iso_days_in_order(name: str) -> None:
    frame = read(name)
    assert frame["start"].map(lambda s: bool(ISO.fullmatch(s))).all()
    assert frame["end"].map(lambda s: s == "" or bool(ISO.fullmatch(s))).all()
    start = pd.to_datetime(frame["start"], format="%Y-%m-%d")
    end = pd.to_datetime(frame["end"].replace("", None), format="%Y-%m-%d")
    assert not (start > end).any()


@pytest.mark.parametrize("name", OWN_FILES)
def test_every_row_has_an_authoritative_source(name: str) -> None:
    bad = [s for s in read(name)["source"] if not SOURCE.fullmatch(s)]
    assert bad == []


@pytest.mark.parametrize("name", ["ministers", "members"])
def test_party_and_house_vocabularies(name: str) -> None:
    frame = read(name)
    assert set(frame["party"]) <= PARTIES
    assert set(frame["house"]) <= {"Commons", "Lords"}


def test_government_parties_and_labels() -> None:
    gov = read("governments")
    parties = {p for cell in gov["parties"] for p in split_aliases(cell)}
    assert parties <= PARTIES
    coalition = gov[gov["parties"] == "Conservative; Liberal Democrat"]
    assert list(coalition["label"]) == ["Conservative–Liberal Democrat coalition"]


def test_no_blank_required_cells() -> None:
    ministers = read("ministers")
    for column in ("person", "aliases", "post", "department", "start", "party", "house"):
        assert (ministers[column] != "").all(), column


# --- governments ------------------------------------------------------------------


def test_governments_cover_2001_to_2024_exactly_once(ref: Reference) -> None:
    gov = ref.governments
    day, last = date(2001, 1, 1), date(2024, 12, 31)
    while day <= last:
        ends = [e if isinstance(e, date) else date.max for e in gov["end"]]
        holders = [s <= day <= e for s, e in zip(gov["start"], ends, strict=True)]
        assert sum(holders) == 1, day
        day += timedelta(days=1)


def test_governments_run_from_blair_to_starmer(ref: Reference) -> None:
    gov = ref.governments
    assert gov["start"].iloc[0] == date(1997, 5, 2)
    assert gov["prime_minister"].iloc[-1] == "Keir Starmer"
    assert gov["start"].iloc[-1] == date(2024, 7, 5) and gov["end"].iloc[-1] is None


@pytest.mark.parametrize(
    ("on", "government_id"),
    [
        (date(1997, 5, 2), "blair-1997"),
        (date(2004, 3, 9), "blair-1997"),
        (date(2007, 6, 26), "blair-1997"),
        (date(2007, 6, 27), "brown-2007"),
        (date(2010, 5, 10), "brown-2007"),
        (date(2010, 5, 11), "cameron-clegg-2010"),
        (date(2015, 5, 7), "cameron-clegg-2010"),
        (date(2015, 5, 8), "cameron-2015"),
        (date(2016, 7, 12), "cameron-2015"),
        (date(2016, 7, 13), "may-2016"),
        (date(2022, 7, 20), "johnson-2019"),
        (date(2022, 9, 5), "johnson-2019"),
        (date(2022, 9, 6), "truss-2022"),
        (date(2022, 10, 24), "truss-2022"),
        (date(2022, 10, 25), "sunak-2022"),
        (date(2024, 7, 4), "sunak-2022"),
        (date(2024, 7, 5), "starmer-2024"),
        (date(2030, 1, 1), "starmer-2024"),
    ],
)
def test_government_at_first_and_last_days(ref: Reference, on: date, government_id: str) -> None:
    row = ref.government_at(on)
    assert row is not None and row["government_id"] == government_id


def test_government_at_before_the_table_is_none(ref: Reference) -> None:
    assert ref.government_at(date(1997, 5, 1)) is None


def test_seed_governments(ref: Reference) -> None:
    labels = {d: ref.government_at(d)["label"] for d in (date(2011, 7, 19), date(2012, 10, 18))}
    assert set(labels.values()) == {"Conservative–Liberal Democrat coalition"}
    assert ref.government_at(date(2004, 3, 9))["label"] == "Labour"
    assert ref.government_at(date(2022, 7, 20))["label"] == "Conservative"


# --- ministers: consistency ---------------------------------------------------------


def test_no_person_holds_the_same_post_twice_at_once(ref: Reference) -> None:
    for (_, _), group in ref.ministers.groupby(["person", "post"]):
        spans = sorted(
            (s, e or date.max) for s, e in zip(group["start"], group["end"], strict=True)
        )
        for (_, end_a), (start_b, _) in zip(spans, spans[1:], strict=False):
            assert start_b > end_a


def boundary_days(ref: Reference) -> list[date]:
    """Every day a post starts or ends, and the days either side."""
    days = {d for d in (*ref.ministers["start"], *ref.ministers["end"]) if d is not None}
    return sorted({d + timedelta(days=k) for d in days for k in (-1, 0, 1)})


def test_every_alias_means_at_most_one_person_on_post_boundaries(ref: Reference) -> None:
    aliases = {a for cell in ref.ministers["aliases"] for a in split_aliases(cell)}
    aliases |= set(ref.ministers["person"])
    for day in boundary_days(ref):
        in_office = {p for p in ref.ministers["person"] if ref.posts_at(p, day)}
        for alias in aliases:
            found = ref.resolve(alias, day)
            if set(found) & in_office:
                assert len(found) == 1, (alias, day, found)


def test_title_aliases_are_held_by_one_person_at_a_time(ref: Reference) -> None:
    for alias in ("the Home Secretary", "the Immigration Minister", "the Prime Minister"):
        for day in boundary_days(ref):
            assert len(ref.resolve(alias, day)) <= 1, (alias, day)


@pytest.mark.parametrize(
    ("alias", "person", "is_title"),
    [
        ("the Home Secretary", "Theresa May", True),
        ("Secretary of State for the Home Department", "Jacqui Smith", True),
        ("Minister for Immigration", "Mark Harper", True),
        ("the Prime Minister", "Keir Starmer", True),
        ("Mrs May", "Theresa May", False),
        ("Home Secretary Theresa May", "Theresa May", False),
        ("Lady Williams of Trafford", "Baroness Williams of Trafford", False),
        ("Sir Keir", "Keir Starmer", False),
    ],
)
def test_title_and_personal_aliases_are_told_apart(alias: str, person: str, is_title: bool) -> None:
    assert is_title_alias(alias, person) is is_title


def test_personal_aliases_of_a_person_are_the_same_on_every_row(ref: Reference) -> None:
    for person, group in ref.ministers.groupby("person"):
        forms = {
            frozenset(a for a in split_aliases(cell) if not is_title_alias(a, person))
            for cell in group["aliases"]
        }
        assert len(forms) == 1, person


def test_no_shadow_or_later_titles_leak_into_posts(ref: Reference) -> None:
    assert not ref.ministers["post"].str.contains("Shadow|Chief Whip", regex=True).any()


# --- the seed spec --------------------------------------------------------------------

SEED = [
    ("Damian Green", date(2011, 3, 22), "Minister of State for Immigration", "Conservative"),
    ("Damian Green", date(2011, 7, 19), "Minister of State for Immigration", "Conservative"),
    ("Mark Harper", date(2012, 10, 18), "Minister of State for Immigration", "Conservative"),
    ("Theresa May", date(2011, 3, 22), "Home Secretary", "Conservative"),
    (
        "Beverley Hughes",
        date(2004, 3, 9),
        "Minister of State (Citizenship, Immigration and Counter-Terrorism)",
        "Labour",
    ),
    (
        "Baroness Williams of Trafford",
        date(2022, 7, 20),
        "Minister of State (Home Office)",
        "Conservative",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("person", "on", "post", "party"), SEED)
def test_seed_people_hold_the_spec_posts(
    ref: Reference, person: str, on: date, post: str, party: str
) -> None:
    assert ref.resolve(person, on) == [person]
    posts = ref.posts_at(person, on)
    assert [p.post for p in posts] == [post]
    assert posts[0].department == "Home Office" and posts[0].party == party


def test_baroness_williams_is_a_lords_minister_not_shadow_chief_whip(ref: Reference) -> None:
    on = date(2022, 7, 20)
    for name in ("Baroness Williams of Trafford", "Lady Williams of Trafford", "baroness williams"):
        assert ref.resolve(name, on) == ["Baroness Williams of Trafford"]
    (post,) = ref.posts_at("Baroness Williams of Trafford", on)
    assert (post.post, post.house) == ("Minister of State (Home Office)", "Lords")
    assert "Whip" not in post.post


def test_hughes_post_ends_with_her_resignation(ref: Reference) -> None:
    assert ref.posts_at("Beverley Hughes", date(2004, 4, 1))
    assert ref.posts_at("Beverley Hughes", date(2004, 4, 2)) == []


@pytest.mark.parametrize(
    ("name", "on", "expected"),
    [
        ("Mr Green", date(2011, 3, 22), ["Damian Green"]),
        ("Mr. Green", date(2011, 7, 19), ["Damian Green"]),
        ("  MR   GREEN ", date(2011, 3, 22), ["Damian Green"]),
        ("Immigration Minister", date(2011, 3, 22), ["Damian Green"]),
        ("the Minister for Immigration", date(2012, 10, 18), ["Mark Harper"]),
        ("Mr Mark Harper", date(2012, 10, 18), ["Mark Harper"]),
        ("Home Secretary Theresa May", date(2011, 3, 22), ["Theresa May"]),
        ("the Home Secretary", date(2011, 3, 22), ["Theresa May"]),
        ("The Home Secretary", date(2004, 3, 9), ["David Blunkett"]),
        ("the Home Secretary", date(2008, 1, 15), ["Jacqui Smith"]),
        ("the Secretary of State for the Home Department", date(2005, 6, 1), ["Charles Clarke"]),
        ("the Home Secretary", date(2020, 1, 1), ["Priti Patel"]),
        ("the Minister for Immigration", date(2004, 3, 9), ["Beverley Hughes"]),
        ("the Prime Minister", date(2011, 7, 19), ["David Cameron"]),
    ],
)
def test_resolve_by_date(ref: Reference, name: str, on: date, expected: list[str]) -> None:
    assert ref.resolve(name, on) == expected


def test_a_title_alias_means_nobody_when_nobody_in_the_table_holds_it(ref: Reference) -> None:
    assert ref.resolve("the Immigration Minister", date(1990, 1, 1)) == []
    assert ref.resolve("the Home Secretary", date(1990, 1, 1)) == []


def test_a_personal_alias_still_resolves_out_of_office(ref: Reference) -> None:
    assert ref.resolve("Mr Green", date(2005, 1, 1)) == ["Damian Green"]


def test_a_personal_alias_prefers_who_is_in_office(ref: Reference) -> None:
    assert ref.resolve("Mr Johnson", date(2009, 10, 1)) == ["Alan Johnson"]
    assert ref.resolve("Mr Johnson", date(2020, 1, 1)) == ["Boris Johnson"]
    assert ref.resolve("Mr Johnson", date(2012, 1, 1)) == ["Alan Johnson", "Boris Johnson"]


def test_resolve_unknown_and_undated(ref: Reference) -> None:
    assert ref.resolve("Mr Nobody", date(2011, 3, 22)) == []
    assert ref.resolve("", date(2011, 3, 22)) == []
    assert ref.resolve("Mr Green", None) == ["Damian Green"]
    assert "Theresa May" in ref.resolve("the Home Secretary", None)


def test_askers_are_members_not_ministers(ref: Reference) -> None:
    on = date(2004, 3, 9)
    assert ref.resolve("Sue Doughty", on) == []
    for name in ("Sue Doughty", "Mrs Doughty", "mrs. doughty"):
        row = ref.member(name, on)
        assert row is not None
        assert (row["person"], row["constituency"], row["party"], row["house"]) == (
            "Sue Doughty",
            "Guildford",
            "Liberal Democrat",
            "Commons",
        )
    assert ref.member("Mr Nobody", on) is None
    assert ref.member("Mr Green", on) is None


def test_sue_doughty_sat_from_2001_to_2005(ref: Reference) -> None:
    row = ref.member("Sue Doughty", None)
    assert (row["start"], row["end"]) == (date(2001, 6, 7), date(2005, 5, 5))


def test_resolve_is_a_lookup_not_a_scan(ref: Reference, monkeypatch: pytest.MonkeyPatch) -> None:
    ref.resolve("Mr Green", date(2011, 3, 22))  # build the index first
    monkeypatch.setattr(pd.DataFrame, "itertuples", _forbidden)
    monkeypatch.setattr(pd.DataFrame, "iterrows", _forbidden)
    monkeypatch.setattr(pd.DataFrame, "__getitem__", _forbidden)
    assert ref.resolve("the Home Secretary", date(2011, 3, 22)) == ["Theresa May"]
    assert ref.posts_at("Theresa May", date(2011, 3, 22))[0].post == "Home Secretary"


def _forbidden(*_: object, **__: object) -> None:
    raise AssertionError("resolve/posts_at must not scan a DataFrame")


# --- posts_at at the boundaries ---------------------------------------------------------


def test_posts_at_a_next_day_home_secretary_handover(ref: Reference) -> None:
    """John Reid left on 27 June 2007; Jacqui Smith started on 28 June 2007."""
    assert [p.post for p in ref.posts_at("John Reid", date(2007, 6, 27))] == ["Home Secretary"]
    assert ref.posts_at("John Reid", date(2007, 6, 28)) == []
    assert ref.posts_at("Jacqui Smith", date(2007, 6, 27)) == []
    assert [p.post for p in ref.posts_at("Jacqui Smith", date(2007, 6, 28))] == ["Home Secretary"]
    assert ref.resolve("the Home Secretary", date(2007, 6, 27)) == ["John Reid"]
    assert ref.resolve("the Home Secretary", date(2007, 6, 28)) == ["Jacqui Smith"]


def test_posts_at_a_same_day_handover(ref: Reference) -> None:
    """Theresa May left the Home Office on 13 July 2016, the day Amber Rudd arrived."""
    may = [p.post for p in ref.posts_at("Theresa May", date(2016, 7, 13))]
    assert may == ["Prime Minister", "Home Secretary"]  # most senior first
    assert [p.post for p in ref.posts_at("Theresa May", date(2016, 7, 14))] == ["Prime Minister"]
    assert [p.post for p in ref.posts_at("Theresa May", date(2016, 7, 12))] == ["Home Secretary"]
    assert ref.posts_at("Amber Rudd", date(2016, 7, 12)) == []
    assert [p.post for p in ref.posts_at("Amber Rudd", date(2016, 7, 13))] == ["Home Secretary"]
    assert ref.resolve("the Home Secretary", date(2016, 7, 12)) == ["Theresa May"]
    assert ref.resolve("the Home Secretary", date(2016, 7, 13)) == ["Amber Rudd"]


def test_posts_at_the_immigration_handover_of_2012(ref: Reference) -> None:
    assert ref.posts_at("Mark Harper", date(2012, 9, 3)) == []
    assert (
        ref.posts_at("Mark Harper", date(2012, 9, 4))[0].post == "Minister of State for Immigration"
    )
    assert ref.posts_at("Damian Green", date(2012, 9, 5)) == []
    assert ref.resolve("the Immigration Minister", date(2012, 9, 4)) == ["Mark Harper"]


@pytest.mark.parametrize(
    ("post", "rank"),
    [
        ("Prime Minister", 0),
        ("Home Secretary", 1),
        ("Foreign Secretary", 1),
        ("Secretary of State for Justice", 1),
        ("Minister of State for Immigration", 2),
        ("Minister of State (Home Office)", 2),
        ("Parliamentary Under-Secretary of State (Home Office)", 3),
        ("Lords Chief Whip", 4),
    ],
)
def test_seniority_of_post_titles(post: str, rank: int) -> None:
    assert seniority(post) == rank


def test_posts_at_lists_the_most_senior_first_whatever_the_start(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    extra = {
        "person": "Damian Green",
        "aliases": "Damian Green; Mr Green",
        "post": "Parliamentary Under-Secretary of State (Test)",
        "department": "Home Office",
        "start": "2011-01-01",
        "end": "2011-12-31",
        "party": "Conservative",
        "house": "Commons",
        "source": "https://en.wikipedia.org/wiki/Test",
    }
    edit_csv(folder / "ministers.csv", lambda f: pd.concat([f, pd.DataFrame([extra])]))
    posts = load_reference(folder).posts_at("Damian Green", date(2011, 3, 22))
    assert [p.post for p in posts] == [
        "Minister of State for Immigration",
        "Parliamentary Under-Secretary of State (Test)",
    ]


def test_posts_at_an_open_ended_post(ref: Reference) -> None:
    (post,) = ref.posts_at("Yvette Cooper", date(2024, 12, 31))
    assert post.post == "Home Secretary" and post.end is None


def test_posts_at_accepts_timestamps(ref: Reference) -> None:
    on = pd.Timestamp("2011-03-22")
    assert ref.posts_at("Damian Green", on)[0].post == "Minister of State for Immigration"
    assert ref.resolve("Mr Green", on) == ["Damian Green"]
    assert ref.government_at(on)["government_id"] == "cameron-clegg-2010"


def test_fold() -> None:
    assert fold("  Mr.  Green ") == fold("mr green") == "mr green"
    assert fold("Baroness   WILLIAMS of Trafford") == "baroness williams of trafford"


# --- errors -------------------------------------------------------------------------------


def edit_csv(path: Path, change: object) -> None:
    """Rewrite a CSV after `change(frame) -> frame`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame).to_csv(path, index=False)  # type: ignore[operator]


def test_a_broken_copy_lists_every_problem(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    edit_csv(folder / "members.csv", lambda f: f.drop(columns=["constituency"]))
    edit_csv(
        folder / "ministers.csv",
        lambda f: f.assign(start=f["start"].mask(f.index == 0, "2011-02-30")),
    )
    edit_csv(
        folder / "ministers.csv", lambda f: f.assign(end=f["end"].mask(f.index == 1, "1990-01-01"))
    )
    edit_csv(
        folder / "ministers.csv", lambda f: f.assign(party=f["party"].mask(f.index == 2, "Whig"))
    )
    edit_csv(
        folder / "governments.csv",
        lambda f: f.assign(end=f["end"].mask(f.index == 0, "2008-01-01")),
    )
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(folder)
    message = str(caught.value)
    assert "members.csv: missing column(s) constituency" in message
    assert "ministers.csv line(s) 2: start is not a YYYY-MM-DD date" in message
    assert "ministers.csv line(s) 3: start after end" in message
    assert "ministers.csv line(s) 4: party not in" in message
    assert "blair-1997 (end 2008-01-01) overlaps brown-2007" in message
    assert message.startswith("5 problem(s)")


def test_a_gap_between_governments_and_an_open_middle_end(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    edit_csv(
        folder / "governments.csv",
        lambda f: f.assign(end=f["end"].mask(f.index == 0, "2007-06-20")),
    )
    edit_csv(folder / "governments.csv", lambda f: f.assign(end=f["end"].mask(f.index == 1, "")))
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(folder)
    assert "blair-1997 (end 2007-06-20) leaves a gap before brown-2007" in str(caught.value)
    assert "brown-2007 (end None) overlaps cameron-clegg-2010" in str(caught.value)


def test_missing_files_blank_sources_and_doubled_posts(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    (folder / "countries.csv").unlink()
    edit_csv(folder / "members.csv", lambda f: f.assign(source=""))
    edit_csv(folder / "ministers.csv", lambda f: pd.concat([f, f.iloc[[0]]]))
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(folder)
    message = str(caught.value)
    assert "countries.csv: file missing" in message
    assert "members.csv line(s) 2: empty source" in message
    assert "Jack Straw holds 'Home Secretary' twice" in message


def test_measure_and_milestone_checks(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    edit_csv(folder / "measures.csv", lambda f: f.assign(kind="law", date="2003-11"))
    edit_csv(folder / "milestones.csv", lambda f: f.assign(measure_id="no-such-measure"))
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(folder)
    message = str(caught.value)
    assert "measures.csv line(s) 2: kind not in" in message
    assert "measures.csv line(s) 2: date does not match its date_precision" in message
    assert "milestones.csv line(s) 2: measure_id not in measures.csv" in message


def test_sha256_follows_the_bytes(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    first = load_reference(folder).sha256
    assert load_reference(folder).sha256 == first
    with open(folder / "countries.csv", "a", encoding="utf-8") as f:
        f.write("Spain,,https://www.gov.uk/world/spain\n")
    assert load_reference(folder).sha256 != first
