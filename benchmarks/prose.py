"""The prose of synthetic documents: dates as documents write them, and sentence templates.

Every template is generic department prose. Sentences that name a minister as the
source of words are marked "SYNTHETIC:" and say only that a measure would be reviewed
or strengthened; the one quotation is marked as template text said by no one. Date
expressions cover the forms the pipeline must read ("In June", "since July 2020",
"from next year", "in the Spring", "on 26 March 2020", "2019/20", "during the past two
years", ...), and the non-dates it must leave alone ("24/7", "a five year programme").
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from benchmarks.world import Minister, World

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
SEASONS = ("Spring", "Summer", "Autumn", "winter")
QUARTERS = ("first", "second", "third", "fourth")
POST_LABELS = {
    "Minister of State for Immigration": "Immigration Minister",
    "Minister of State (Home Office)": "Home Office minister",
    "Minister of State (Citizenship, Immigration and Counter-Terrorism)": "Immigration Minister",
}


# --- words ---------------------------------------------------------------------------


def cap(text: str) -> str:
    """`text` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def day_text(rng: random.Random, day: date) -> str:
    """A full date as UK documents write it, in one of several styles."""
    style = rng.random()
    if style < 0.55:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if style < 0.9:
        return f"{ordinal(day.day)} {MONTHS[day.month - 1]} {day.year}"
    return f"{day:%d/%m/%Y}"


def long_day(day: date) -> str:
    """ "6th July 2022": the style of Parliament question pages and statement headers."""
    return f"{ordinal(day.day)} {MONTHS[day.month - 1]} {day.year}"


def hansard_day(day: date) -> str:
    """ "09 March 2004": the style of Hansard citations."""
    return f"{day:%d} {MONTHS[day.month - 1]} {day.year}"


def gov_uk_day(day: date) -> str:
    """ "22 March 2011": the style of GOV.UK "Published" lines."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def days_before(rng: random.Random, day: date, low: int, high: int) -> date:
    """A day between `low` and `high` days before `day`."""
    return day - timedelta(days=rng.randint(low, high))


def number(rng: random.Random) -> str:
    """A count as documents write them: 17, 946, 2,350, over 400."""
    kind = rng.random()
    if kind < 0.5:
        return str(rng.randint(12, 990))
    if kind < 0.8:
        return f"{rng.randint(1, 40)},{rng.randint(0, 999):03d}"
    return f"over {rng.choice((100, 200, 400, 500, 1000, 2000))}"


def money(rng: random.Random) -> str:
    """A sum of money: £2 million, £350,000."""
    if rng.random() < 0.7:
        return f"£{rng.randint(1, 60)} million"
    return f"£{rng.randint(100, 950)},000"


# --- date expressions ----------------------------------------------------------------

When = Callable[[random.Random, date], str]


def _past_forms() -> tuple[When, ...]:
    """Expressions of a period before the document's date."""
    return (
        lambda r, d: f"on {day_text(r, days_before(r, d, 3, 1200))}",
        lambda r, d: f"in {MONTHS[(p := days_before(r, d, 40, 900)).month - 1]} {p.year}",
        lambda r, d: f"in {r.choice(MONTHS)}",
        lambda r, d: f"since {MONTHS[(p := days_before(r, d, 60, 1500)).month - 1]} {p.year}",
        lambda r, d: f"since {r.randint(2000, d.year - 1)}",
        lambda r, d: "last year",
        lambda r, d: f"in {r.randint(d.year - 6, d.year - 1)}",
        lambda r, d: f"in {(y := r.randint(d.year - 5, d.year - 2))}/{(y + 1) % 100:02d}",
        lambda r, d: f"in {(y := r.randint(d.year - 5, d.year - 2))}-{(y + 1) % 100:02d}",
        lambda r, d: f"during the past {r.choice(('two', 'three', 'five'))} years",
        lambda r, d: "in the last 12 months",
        lambda r, d: (
            f"between {(y := r.randint(d.year - 8, d.year - 3))} and {y + r.randint(1, 2)}"
        ),
        lambda r, d: (
            f"from {r.choice(MONTHS)} {(y := r.randint(d.year - 6, d.year - 2))} "
            f"to {r.choice(MONTHS)} {y + 1}"
        ),
        lambda r, d: f"in the {r.choice(SEASONS).lower()} of {r.randint(d.year - 4, d.year - 1)}",
        lambda r, d: "last month",
        lambda r, d: f"in the {r.choice(QUARTERS)} quarter of {r.randint(d.year - 3, d.year - 1)}",
        lambda r, d: "in the 1990s",
        lambda r, d: f"{r.choice(('two', 'three', 'six'))} weeks ago",
        lambda r, d: "earlier this year",
    )


def _future_forms() -> tuple[When, ...]:
    """Expressions of a period after the document's date."""
    return (
        lambda r, d: "from next year",
        lambda r, d: "next year",
        lambda r, d: f"in the {r.choice(SEASONS)}",
        lambda r, d: "over the winter",
        lambda r, d: "later this year",
        lambda r, d: f"by {d.year + r.randint(1, 5)}",
        lambda r, d: f"by the end of {d.year + r.randint(0, 2)}",
        lambda r, d: f"in {r.choice(MONTHS)} {d.year + 1}",
        lambda r, d: "next month",
        lambda r, d: f"from April {d.year + 1}",
        lambda r, d: f"in {d.year + 1}/{(d.year + 2) % 100:02d}",
        lambda r, d: "within the next two years",
        lambda r, d: f"on {day_text(r, d + timedelta(days=r.randint(20, 400)))}",
    )


PAST_FORMS = _past_forms()
FUTURE_FORMS = _future_forms()

# --- sentence templates ----------------------------------------------------------------

PAST = (
    "{When}, {num} potential victims of modern slavery were referred to {measure}.",
    "{When}, officials met counterparts from {country} to discuss co-operation under {measure}.",
    "{Measure} was reviewed {when}, and the findings were shared with partners in {country} and {country2}.",
    "{When}, the Government made {money} available to support victims identified through {measure}.",
    "Law enforcement partners made {num} arrests {when} in operations linked to {measure}.",
    "{When}, {num} front-line professionals, including border staff and police officers, were trained to identify potential victims.",
    "The Home Office published guidance on {measure} {when}.",
    "{When}, {num} prosecutions were brought for trafficking offences under {measure}.",
    "{When}, the UK agreed a memorandum of understanding with {country} on returns and reintegration.",
    "Referrals of potential victims from {country} rose {when}, according to the latest published figures.",
    "{When}, {num} child victims were supported by specialist services commissioned under {measure}.",
    "A joint operation with the authorities in {country} {when} led to {num} arrests and the closure of {small} premises.",
    "Funding of {money} was provided {when} for projects in {country}.",
)
FUTURE = (
    "The Government will publish an update on {measure} {when}.",
    "{When}, {measure} will be extended to victims identified in {country}.",
    "We will consult partners on changes to {measure} {when}.",
    "The department intends to complete its review of {measure} {when}.",
    "{When}, a further {money} will be made available for work with {country}.",
    "New guidance for front-line staff on {measure} is to be issued {when}.",
    "The Government plans to lay proposals before Parliament {when}.",
)
UNDATED = (
    "We work closely with international partners in {country} to disrupt the criminal networks behind trafficking.",
    "{Measure} remains a key part of the Government's response to modern slavery.",
    "A confidential helpline operates 24/7, and a 24-hour reporting line is available to border staff.",
    "The Organised Immigration Crime Taskforce is active in {small} countries.",
    "Adult victims have access to a 45-day recovery period with support from specialist providers.",
    "Ministers may consider further steps once the evidence has been assessed.",
    "Organised criminal groups operating from {country} continue to pose a threat to the UK.",
    "The Government is committed to tackling human trafficking in all its forms.",
    "Information on individual cases is not held centrally.",
    "The five year programme includes training for {num} officers in {country}.",
    "Statistics on {measure} are published every quarter.",
)
BACKGROUND = (
    "Human trafficking is the practice of seeking to profit from the exploitation of others, both adults and children, and it is often hidden from view.",
    "Victims are often moved between towns and cities and may not know where they are, which makes them harder to find.",
    "Many victims are reluctant to come forward because they fear the people who control them or distrust the authorities.",
    "The nature of the crime means that the true number of victims in the country is unknown.",
    "Exploitation can take many forms, from sexual exploitation to forced labour, domestic servitude and forced criminality.",
    "Some victims are British nationals, and some are moved within the country rather than across its borders.",
    "Offenders frequently use debt, threats and the confiscation of travel documents to keep their victims under their control.",
    "Local authorities, charities and health services are often the first to meet people in this situation.",
    "Criminal groups adapt quickly, moving people along different routes when one becomes too difficult for them.",
    "Children are particularly vulnerable, and some go missing from care before the adults around them realise what is happening.",
)
ATTRIBUTED = (
    "SYNTHETIC: {speaker} said the department would review {measure} {future}.",
    "SYNTHETIC: {speaker} announced today that {measure} would be strengthened.",
    'SYNTHETIC QUOTE (template text, not said by anyone): "We will keep {measure} under review and work with {country} to protect victims."',
)
QUESTIONS = (
    "what steps are being taken to support victims of trafficking from {country}.",
    "how many people have been referred to {measure} in each of the last three years.",
    "what assessment has been made of the effectiveness of {measure}.",
    "what plans there are to review {measure}.",
    "what discussions have taken place with the authorities in {country} on human trafficking.",
)
TOPICS = (
    "Human trafficking",
    "Modern slavery",
    "Human trafficking: {country}",
    "Modern slavery: victims",
    "{Measure}",
    "Trafficking: children",
)
HEADLINES = (
    "Government to review {measure}",
    "New funding to tackle trafficking from {country}",
    "Next steps on {measure} set out",
    "More victims of modern slavery identified",
    "UK and {country} step up work against traffickers",
)


# --- one document's prose --------------------------------------------------------------


class Prose:
    """Sentences for one document: its date, its minister and its random stream."""

    def __init__(self, rng: random.Random, world: World, day: date, minister: Minister) -> None:
        """Keep what every sentence draws on; pick the measures this document is about."""
        self.rng, self.world, self.day, self.minister = rng, world, day, minister
        known = [m for m in world.measures if m.year is None or m.year <= day.year]
        self.measures = rng.sample(known, k=min(4, len(known)))

    def measure(self) -> str:
        """One of the document's measures by its name or an alias, with "the" where it reads."""
        name = self.rng.choice(self.rng.choice(self.measures).names)
        name = name.removeprefix("the ")
        return name if name[:1].islower() else f"the {name}"

    def slots(self) -> dict[str, str]:
        """Values for every template slot."""
        r = self.rng
        first, second = r.sample(self.world.countries, k=2)
        measure = self.measure()
        return {
            "measure": measure,
            "Measure": cap(measure),
            "country": first,
            "country2": second,
            "num": number(r),
            "small": str(r.randint(3, 27)),
            "money": money(r),
            "speaker": speaker(self.minister),
            "future": r.choice(FUTURE_FORMS)(r, self.day),
        }

    def sentence(self, templates: tuple[str, ...], forms: tuple[When, ...] = ()) -> str:
        """One sentence from `templates`, with a date expression from `forms` if given."""
        values = self.slots()
        if forms:
            when = self.rng.choice(forms)(self.rng, self.day)
            values |= {"when": when, "When": cap(when)}
        return self.rng.choice(templates).format(**values)

    def any_sentence(self, attributed: bool = False) -> str:
        """A sentence of the body: dated in the past or future, undated, or attributed."""
        roll = self.rng.random()
        if attributed and roll < 0.1:
            return self.sentence(ATTRIBUTED)
        if roll < 0.3:
            return self.sentence(PAST, PAST_FORMS)
        if roll < 0.42:
            return self.sentence(FUTURE, FUTURE_FORMS)
        if roll < 0.6:
            return self.sentence(UNDATED)
        return self.rng.choice(BACKGROUND)

    def paragraphs(self, size: int, attributed: bool = False) -> list[str]:
        """Paragraphs of two to four sentences until they hold about `size` characters."""
        out: list[str] = []
        total = 0
        while total < size:
            count = self.rng.randint(2, 4)
            paragraph = " ".join(self.any_sentence(attributed) for _ in range(count))
            out.append(paragraph)
            total += len(paragraph) + 2
        return out

    def title(self, templates: tuple[str, ...] = TOPICS) -> str:
        """A title marked as synthetic."""
        return "Synthetic: " + cap(self.rng.choice(templates).format(**self.slots()))


def speaker(minister: Minister) -> str:
    """How a news text names a minister: "Immigration Minister Damian Green"."""
    return f"{POST_LABELS.get(minister.post, minister.post)} {display_name(minister)}"


def display_name(minister: Minister) -> str:
    """The name on a name line: the person, or a peer's full title."""
    if minister.house == "Lords":
        titles = [a for a in minister.aliases if a.startswith(("Lord ", "Baroness "))]
        return max(titles, key=len) if titles else minister.person
    return minister.person


def statement_maker(minister: Minister) -> str:
    """ "The Minister for Immigration (Mr Mark Harper)" from the minister's aliases."""
    posts = [a for a in minister.aliases if a.startswith(("Minister", "Secretary of State"))]
    named = [
        a
        for a in minister.aliases
        if a.startswith(("Mr ", "Mrs ", "Ms ", "Dr ", "Sir ")) and len(a.split()) >= 3
    ]
    post = posts[0] if posts else minister.post
    return f"The {post} ({named[0] if named else minister.person})"
