"""Extractors on sentences written for these tests: measures, people, figures, organisations."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import entities, events, measures, people
from pipeline.entities import find_figures, find_organisations
from pipeline.measures import find_measures
from pipeline.patterns import NameFinder, NameScan, names_pattern
from pipeline.people import find_people


@pytest.fixture(scope="module")
def no_gazetteer(reference):
    """The reference tables with an empty measures table: only generic patterns can work."""
    empty = reference.measures.iloc[0:0]
    return dataclasses.replace(reference, measures=empty, sha256="no-gazetteer")


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        (
            "Ministers welcomed the Modern Slavery Act 2015 yesterday.",
            "Modern Slavery Act 2015",
            "legislation",
        ),
        (
            "Peers debated the Nationality and Borders Bill at length.",
            "Nationality and Borders Bill",
            "legislation",
        ),
        (
            "The Council of Europe Convention on Action against Trafficking in Human Beings was signed.",
            "Council of Europe Convention on Action against Trafficking in Human Beings",
            "international instrument",
        ),
        (
            "Officials drafted the EU Directive on Human Trafficking, and consulted.",
            "EU Directive on Human Trafficking",
            "international instrument",
        ),
        (
            "The new Tackling Exploitation Strategy sets targets.",
            "Tackling Exploitation Strategy",
            "strategy",
        ),
        (
            "Staff at the National Referral Mechanism reviewed cases.",
            "National Referral Mechanism",
            "programme",
        ),
        ("The Joint Intelligence Cell shares data.", "Joint Intelligence Cell", "institution"),
        ("Operation Nexus continued in London.", "Operation Nexus", "operation"),
    ],
)
def test_generic_patterns_find_measures_the_table_does_not_know(no_gazetteer, sentence, name, kind):
    found = find_measures(sentence, no_gazetteer)
    assert [(m.name, m.kind, m.measure_id) for m in found] == [(name, kind, "")]


def test_coordinated_names_are_two_measures(no_gazetteer):
    found = find_measures("The National Crime Agency and the Border Police Unit met.", no_gazetteer)
    assert [m.name for m in found] == ["National Crime Agency"]


def test_gazetteer_wins_over_generic_and_prefers_the_longest_alias(reference):
    act = find_measures("Ministers praised the Modern Slavery Act 2015.", reference)
    assert [m.name for m in act] == ["Modern Slavery Act 2015"] and act[0].measure_id
    text = "Under section 54 of the Modern Slavery Act 2015 firms report."
    section = find_measures(text, reference)
    assert [m.name for m in section] == ["Transparency in supply chains statements"]


def test_back_reference_links_to_the_last_named_measure(reference):
    text = "We have an Organised Immigration Crime Taskforce. The Taskforce is active abroad."
    found = find_measures(text, reference)
    assert [m.name for m in found] == ["Organised Immigration Crime Taskforce"] * 2
    assert found[1].text == "The Taskforce"


def test_people_resolve_by_date_and_unknown_people_are_kept(reference):
    text = "The Home Secretary met Dr Jane Example and Mr Green."
    people = find_people(text, reference, date(2011, 3, 22))
    assert [(p.text, p.person, p.post) for p in people] == [
        ("The Home Secretary", "Theresa May", "Home Secretary"),
        ("Dr Jane Example", "", ""),
        ("Mr Green", "Damian Green", "Minister of State for Immigration"),
    ]
    assert people[1].role == "unknown"


def test_the_home_secretary_means_the_holder_on_the_date(reference):
    before = find_people("The Home Secretary spoke.", reference, date(2004, 3, 9))[0]
    after = find_people("The Home Secretary spoke.", reference, date(2011, 3, 22))[0]
    assert before.person != after.person == "Theresa May"


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        (
            "Officers made over 400 arrests and found 946 potential victims.",
            ["over 400 arrests", "946 potential victims"],
        ),
        ("The fund is worth £10 million this year.", ["£10 million"]),
        (
            "It prevented more than 23,000 crossing attempts.",
            ["more than 23,000 crossing attempts"],
        ),
        ("Staff work 24/7 on a 24-hour line [158227].", []),
    ],
)
def test_figures(sentence, figures):
    assert [f.value for f in find_figures(sentence, [])] == figures


def test_figures_skip_date_spans():
    text = "In 2011 946 victims were referred."
    assert [f.value for f in find_figures(text, [(0, 7)])] == ["946 victims"]


def test_organisations_by_shape():
    text = "The Department for Education and the Foreign and Commonwealth Office briefed the Crown Prosecution Service."
    assert [o.value for o in find_organisations(text)] == [
        "Department for Education",
        "Foreign and Commonwealth Office",
        "Crown Prosecution Service",
    ]


# The fast paths must find exactly what the plain patterns find, also in texts holding
# characters that fold onto ASCII under IGNORECASE ("K" Kelvin sign, "ı", "ſ", "İ").
_FOLDING_TEXT = st.lists(
    st.sampled_from(
        list("homeOfficeHOMEsecretaryMrStraw NRM-–’.(),£%\n0123456789")
        + ["K", "ı", "ſ", "İ", "é", "Σ", "ß", "\u00a0", "over ", "more than ", " Act", " Unit"]
        + ["Home Office", "the home secretary", "Mr Straw", "National Crime Agency", "£5 million"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(
    text=_FOLDING_TEXT
    | st.lists(st.text(alphabet="iskoISKOıſKİ-’", min_size=1, max_size=3)).map(" ".join)
)
def test_name_finder_finds_what_the_name_pattern_finds(text):
    names = ["Home Office", "Mr Straw", "NRM", "O’Neil", "Home–Office", "Ißa", "is", "ok so", "k-o"]
    for ignore_case in (True, False):
        plain = names_pattern(names, ignore_case=ignore_case)
        finder = NameFinder(names, ignore_case=ignore_case)
        assert finder.spans(text) == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(text=_FOLDING_TEXT)
def test_skipping_scans_find_what_the_patterns_find(text):
    assert [m.span() for m in entities._figures(text)] == [
        m.span() for m in entities.FIGURE.finditer(text)
    ]
    for anchored in (people._GENERIC_NAMES, entities._ORGANISATIONS, measures._HEADS):
        assert [m.span(1) for m in anchored.finditer(text)] == [
            m.span() for m in anchored.pattern.finditer(text)
        ]
    assert events.names_action(text) == bool(events.ACTION.search(text))


@settings(max_examples=500, deadline=None)
@given(
    text=_FOLDING_TEXT
    | st.lists(st.text(alphabet="iskoISKOıſKİ-’ ", min_size=1, max_size=4)).map(" ".join)
    | st.lists(st.sampled_from(["Home", "Office", "of", "Straw", "ok", "so", "is"])).map(" ".join)
)
def test_one_name_scan_finds_what_each_name_pattern_finds(text):
    # Overlapping lists: a name of one list inside, across or along a name of the other.
    lists = [
        ["Home Office", "Office of Straw", "Mr Straw", "is", "ok so", "so is", "k-o", "Ißa"],
        ["Home", "Office of Straw", "so is", "ok", "k-o", "O’Neil", "Home–Office"],
        ["i", "s", "is ok"],
    ]
    for chosen in (lists[:2], lists, lists[1:]):
        scan = NameScan([NameFinder(names, ignore_case=True) for names in chosen])
        assert scan.spans(text) == [
            [m.span() for m in names_pattern(names, ignore_case=True).finditer(text)]
            for names in chosen
        ]


def test_one_name_scan_is_used_for_lowered_names_only():
    both = NameScan([NameFinder(["Home Office"], ignore_case=True)] * 2)
    assert both.spans("the HOME office and Home Office") == [[(4, 15), (20, 31)]] * 2
    chained = NameScan([NameFinder(["Home Office", "Office of Straw"], ignore_case=True)] * 2)
    assert chained.spans("Home Office of Straw") == [[(0, 11)]] * 2  # no name inside another
    assert both._scan is not None
    mixed = NameScan(
        [NameFinder(["NRM"], ignore_case=False), NameFinder(["nrm"], ignore_case=True)]
    )
    assert mixed._scan is None
    assert mixed.spans("NRM and nrm") == [[(0, 3)], [(0, 3), (8, 11)]]
