"""Periods as people write them: « 2019 », « 2019-2022 », « depuis 2003 », « 1982; 2012 »."""

from __future__ import annotations

import re

from pydantic import BaseModel

from ingest.memo import repeated

#: A range longer than this is a typing error, not a partnership (« 1800-2099 »).
MAX_SPAN = 100
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
#: « 2019-2022 », « 2019 – 2022 », « de 2004 à 2010 », « 1995 au 2003 », « 2013- » (open)
RANGE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?:\s*[-–]\s*|\s+(?:à|au|a)\s+(?=\d))"
                   r"(1[89]\d\d|20\d\d)?(?![\d-])")


class Period(BaseModel):
    raw: str
    since: int | None = None
    until: int | None = None
    years: list[int] = []
    ongoing: bool = False
    #: the year the text says the relation ended (« arrêté en 2007 », « a pris fin en 2012 »)
    ended: int | None = None

    @property
    def last_year(self) -> int | None:
        return max(self.years) if self.years else None


def parse_period(text: str) -> Period:
    """Read a period; raises ``ValueError`` (French) when a non-empty text has no year.

    >>> p = parse_period("2019-2022")
    >>> (p.since, p.until, p.years)
    (2019, 2022, [2019, 2020, 2021, 2022])
    >>> p = parse_period("depuis 2003")
    >>> (p.since, p.until, p.ongoing)
    (2003, None, True)
    >>> parse_period("1982; 2012").years, parse_period("1982; 2012").until
    ([1982, 2012], None)
    >>> parse_period("arrêté en 2007").ended, parse_period("jusqu'en 2007").ended
    (2007, None)
    >>> parse_period("jusqu'en 2007").until  # a term: the source does not say it stopped
    2007
    >>> parse_period("c.2000 (5 ans en 2005)").years
    [2000]
    >>> parse_period("2011-11-07").years
    [2011]
    >>> p = parse_period("de 2004 à 2010")
    >>> (p.since, p.until, len(p.years))
    (2004, 2010, 7)
    >>> parse_period("").years
    []
    """
    period = _parsed(text)
    return period.model_copy(update={"years": list(period.years)})  # a list of its own


@repeated(1 << 14)  # a file repeats its periods: each read once
def _parsed(text: str) -> Period:
    raw = text.strip()
    if not raw:
        return Period(raw=raw)
    # Parentheses comment on the period (« 5 ans en 2005 »): not years of activity.
    core = re.sub(r"\([^)]*\)", " ", raw)
    core = re.sub(r"(\d{4})-\d{2}-\d{2}", r"\1", core)  # a full date counts as its year
    years: set[int] = set()
    ongoing = bool(re.search(r"depuis|since|-\s*$|à ce jour|en cours", core, re.I))
    for match in RANGE.finditer(core):
        start = int(match[1])
        if match[2]:
            end = int(match[2])
            if end < start:
                raise ValueError(f"période « {raw} » : la fin précède le début")
            if end - start > MAX_SPAN:
                raise ValueError(f"période « {raw} » : {end - start} ans, vérifiez les années")
            years.update(range(start, end + 1))
        else:
            years.add(start)
            ongoing = True
    years.update(int(y) for y in YEAR.findall(core))
    if not years:
        raise ValueError(f"période « {raw} » illisible : aucune année (ex. 2019, 2019-2022)")
    ordered = sorted(years)
    # Only a closed range has an end year; « 1961; 2023 » lists two attested years.
    ends = [int(m[2]) for m in RANGE.finditer(core) if m[2]]
    until = max(ends) if ends and not ongoing and max(ends) == ordered[-1] else None
    stated = ended_in(core)
    term = TERM.search(core)
    until = until or (int(term[1]) if term and int(term[1]) == ordered[-1] else None)
    return Period(raw=raw, since=ordered[0], until=stated or until, years=ordered,
                  ongoing=ongoing and stated is None, ended=stated)


ENDED = re.compile(r"(?:arr[êe]t[ée]+e?s?|termin[ée]+e?s?|dissou[st]e?|rompue?s?|suspendue?s?|"
                   r"a pris fin|prend fin)\D{0,20}?(1[89]\d\d|20\d\d)", re.IGNORECASE)
#: A term, not a stop: « une convention jusqu'en 2024 », « un plan jusqu'en 2027 »
TERM = re.compile(r"jusqu'(?:en|à|au)\s*(1[89]\d\d|20\d\d)", re.IGNORECASE)


def ended_in(text: str) -> int | None:
    """The year a text says a relation ended, if it says so in words.

    >>> ended_in("Jumelage créé en 1989, arrêté depuis 2007.")
    2007
    >>> ended_in("jusqu'en 2012"), ended_in("Charte signée en 1990 puis en 1991")
    (None, None)
    """
    match = ENDED.search(text)
    return int(match[1]) if match else None
