"""Which of a page's dates is its publication date, and how far to trust it.

Sources in order of trust, each for a reason:

1. A date in the URL path. A permalink is made once, at first publication, by the publisher's own clock, and
   is never rewritten by later edits; a declared time is often a UTC stamp whose day differs from the local
   day readers saw, so when both are within a day the URL's day is the local one.
2. Declared publication metadata (JSON-LD, microdata, ``<meta>``): "published" names before "created" (a CMS
   entry is often made as a draft) before names that do not say which date they are. When declared
   publication dates disagree, the day more of the page's other evidence supports wins, htmldate's reading
   of the page being one voice; a published time equal to a modified time to the second is stamped on every
   save, so there htmldate, when it disagrees, is taken instead. A declared stamp's day is the publisher's
   (``PageClock``): the same instant written with a local offset elsewhere in the page, else, for a stamp that
   says it is UTC, the zone of a one-zone country's domain (``page_zone``).
3. htmldate's extensive reading of the markup and text.
4. A declared modification date: the page existed by then, which is more than nothing.
5. A dateline at the top of the text.

A URL that names a month without a day (``/2011/12/slug``) bounds the answer: a choice outside that month is a
date of something else on the page (an archive's capture, a sidebar), so htmldate reads the page again within the
month, and its answer is taken unless it is the first of the month (what a month alone parses to).

A value of January 1st at midnight is what a year alone becomes once parsed (both our parser and htmldate
fill a missing month and day with 1), so it is used only when nothing else is left.

The confidence is the share of pages whose date was right when chosen this way, measured per branch by
``newsindex eval pubdates`` on its public half, rounded down: a consumer can filter or weigh by it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Literal

from transforms.clean.html_dates import DeclaredDate
from transforms.clean.page_zone import written_in_utc
from transforms.clean.published import parse_date_as_written

Source = Literal["metadata", "url", "html", "text"]
Kind = Literal["published", "created", "generic", "modified", "url", "htmldate", "dateline"]

RANK: dict[Kind, int] = {"published": 0, "created": 1, "generic": 2}
DECLARED_KINDS: frozenset[Kind] = frozenset({*RANK, "modified"})
SAME_INSTANT_SECONDS = 120  # the same moment written twice, in two zones, may differ by a rounding
RESTAMP_SECONDS = 1
URL_ZONE_DAYS = 1  # a declared day this close to the URL's is the same publication seen from another zone

CONFIDENCE = {  # per branch, see the module docstring; dateline and year_only are guesses with few pages behind
    "url_confirmed": 0.98, "url": 0.95, "declared": 0.94, "declared_vote": 0.8, "declared_weak": 0.8,
    "htmldate": 0.9, "modified": 0.5, "dateline": 0.7, "year_only": 0.1, "url_month": 0.7,
}  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    written: datetime  # aware, in the zone it was written in
    kind: Kind
    value: str  # as written, for the record

    @property
    def day(self) -> date:
        return self.written.date()

    @property
    def year_only(self) -> bool:
        """A URL or a dateline spells its day out; only a parsed timestamp can have filled one in."""
        w = self.written
        return self.kind not in ("url", "dateline") and (w.month, w.day, w.hour, w.minute, w.second) == (1, 1, 0, 0, 0)


@dataclass(frozen=True)
class UrlMonth:
    """The month a URL names without a day, and a reading of the page within it (htmldate bounded)."""

    first: date
    last: date
    read_within: Callable[[date, date], Evidence | None]

    def within(self, found: PublishedDate | None) -> PublishedDate | None:
        if found is not None and self.first <= found.day <= self.last:
            return found
        inside = self.read_within(self.first, self.last)
        if inside is None or inside.year_only or inside.day.day == 1:
            return found
        return _result(inside, "html", "url_month")


@dataclass(frozen=True)
class PublishedDate:
    at: datetime  # UTC
    day: date  # the day as the source wrote it, in the publisher's zone
    source: Source
    confidence: float
    value: str


def _result(evidence: Evidence, source: Source, branch: str, day: date | None = None) -> PublishedDate:
    confidence = CONFIDENCE["year_only"] if evidence.year_only else CONFIDENCE[branch]
    at = evidence.written.astimezone(UTC)
    return PublishedDate(at, day or evidence.day, source, confidence, evidence.value)


@dataclass
class PageClock:
    """The publisher's zone, as far as the page shows it (``page_zone``); the stamps are read only if asked."""

    zone: tzinfo | None = None
    read_stamps: Callable[[], tuple[datetime, ...]] = tuple
    _stamps: tuple[datetime, ...] | None = field(default=None, repr=False)

    def stamps(self) -> tuple[datetime, ...]:
        if self._stamps is None:
            self._stamps = self.read_stamps()
        return self._stamps

    def day(self, chosen: Evidence, declared: Sequence[Evidence] = ()) -> date:
        """The same instant written with a UTC offset other than zero names the day the publisher's readers saw;
        failing that, a stamp that says it is UTC is read in the zone of the domain's country, if it has one."""
        if chosen.kind not in DECLARED_KINDS:  # a URL or a dateline spells its day out; htmldate gives no time
            return chosen.day
        for written in (*(e.written for e in declared), *self.stamps()):
            if written.utcoffset() and abs((written - chosen.written).total_seconds()) < SAME_INSTANT_SECONDS:
                return written.date()
        if self.zone is not None and written_in_utc(chosen.value):
            return chosen.written.astimezone(self.zone).date()
        return chosen.day


NO_CLOCK = PageClock()


def _supporters(day: date, declared: Sequence[Evidence], others: Sequence[Evidence]) -> int:
    """Modified dates do not vote: one equal to a published date says only that the page was not edited."""
    return sum(e.day == day for e in declared if e.kind != "modified") + sum(e.day == day for e in others)


def best_declared(
    declared: Sequence[Evidence], read_page: Callable[[], Evidence | None], others: Sequence[Evidence] = (),
    clock: PageClock = NO_CLOCK,
) -> tuple[Evidence, date, str] | None:
    """(evidence, its local day, branch) of the best-ranked declared claim, voting when the best disagree."""
    ranked = [e for e in declared if e.kind in RANK and not e.year_only]
    if not ranked:
        return None
    top = min(RANK[e.kind] for e in ranked)
    best = [e for e in ranked if RANK[e.kind] == top]
    days = list(dict.fromkeys(clock.day(e, declared) for e in best))
    branch = "declared" if top == 0 else "declared_weak"
    if len(days) > 1:
        page = read_page()
        voters = [*others, *([page] if page else [])]
        days.sort(key=lambda d: -_supporters(d, declared, voters))  # stable: the first declared wins a tie
        branch = "declared_vote"
    chosen = next(e for e in best if clock.day(e, declared) == days[0])
    return chosen, days[0], branch


def _restamped(chosen: Evidence, declared: Sequence[Evidence]) -> bool:
    return any(
        e.kind == "modified" and abs((e.written - chosen.written).total_seconds()) < RESTAMP_SECONDS for e in declared
    )


def choose_published(
    declared: Sequence[Evidence],
    url: Evidence | None = None,
    dateline: Evidence | None = None,
    read_page: Callable[[], Evidence | None] = lambda: None,
    clock: PageClock = NO_CLOCK,
    month: UrlMonth | None = None,
) -> PublishedDate | None:
    """``read_page`` runs htmldate; it is called only when needed, as it reads the whole page again."""
    found = _choose(declared, url, dateline, read_page, clock)
    return found if month is None or url is not None else month.within(found)


def _choose(
    declared: Sequence[Evidence],
    url: Evidence | None,
    dateline: Evidence | None,
    read_page: Callable[[], Evidence | None],
    clock: PageClock,
) -> PublishedDate | None:
    others = [dateline] if dateline else []
    found = best_declared(declared, read_page, others, clock) if url is None else None
    if url is not None:
        near = any(abs((e.day - url.day).days) <= URL_ZONE_DAYS for e in declared if e.kind in RANK)
        return _result(url, "url", "url_confirmed" if near else "url")
    if found is not None:
        chosen, day, branch = found
        page = read_page() if _restamped(chosen, declared) else None
        # htmldate reading the stamp's own day as written (UTC, before the zone moved it) is no second opinion.
        if page is not None and page.day not in (day, chosen.day) and not page.year_only:
            return _result(page, "html", "htmldate")
        return _result(chosen, "metadata", branch, day)
    return _fallback(declared, dateline, read_page, clock)


def _fallback(
    declared: Sequence[Evidence], dateline: Evidence | None, read_page: Callable[[], Evidence | None],
    clock: PageClock,
) -> PublishedDate | None:
    page = read_page()
    modified = next((e for e in declared if e.kind == "modified"), None)
    ordered: list[tuple[Evidence | None, Source, str]] = [
        (page, "html", "htmldate"), (modified, "metadata", "modified"), (dateline, "text", "dateline"),
    ]  # fmt: skip
    for evidence, source, branch in ordered:
        if evidence is not None and not evidence.year_only:
            return _result(evidence, source, branch, clock.day(evidence, declared))
    leftover = next((e for e in declared if e.kind != "modified"), page)
    return _result(leftover, "html" if leftover is page else "metadata", "year_only") if leftover else None


def as_evidence(value: str | None, kind: Kind) -> Evidence | None:
    written = parse_date_as_written(value)
    return None if written is None or value is None else Evidence(written, kind, value)


def declared_evidence(dates: Iterable[DeclaredDate]) -> list[Evidence]:
    """Declared dates that parse, in page order; the rest are noise in a date-like field."""
    found = (as_evidence(d.value, d.claim) for d in dates)
    return [e for e in found if e is not None]
