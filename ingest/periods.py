"""Periods as people write them: « 2019 », « 2019-2022 », « depuis 2003 », « 1982; 2012 »."""

from __future__ import annotations

import re

from pydantic import BaseModel

YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
RANGE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)\s*[-–]\s*(1[89]\d\d|20\d\d)?(?![\d-])")


class Period(BaseModel):
    raw: str
    since: int | None = None
    until: int | None = None
    years: list[int] = []
    ongoing: bool = False

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
    >>> parse_period("1982; 2012").years
    [1982, 2012]
    >>> parse_period("c.2000 (5 ans en 2005)").years
    [2000]
    >>> parse_period("2011-11-07").years
    [2011]
    >>> parse_period("").years
    []
    """
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
            years.update(range(start, end + 1))
        else:
            years.add(start)
            ongoing = True
    years.update(int(y) for y in YEAR.findall(core))
    if not years:
        raise ValueError(f"période « {raw} » illisible : aucune année (ex. 2019, 2019-2022)")
    ordered = sorted(years)
    last_closed = not ongoing
    return Period(raw=raw, since=ordered[0], until=ordered[-1] if last_closed and
                  len(ordered) > 1 else None, years=ordered, ongoing=ongoing)
