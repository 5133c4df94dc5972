"""Publication dates from metadata strings, URLs and datelines, always timezone-aware (UTC unless asked).

Sources disagree on format (ISO 8601, RFC 2822 from feeds, "Oct. 29, 2024 5:03 p.m. EDT" from
pages), so parsing tries the strict forms first and dateutil last. Garbage gives ``None``, never an
exception: a missing date costs an article nothing, a crash would cost the whole article.
"""

from __future__ import annotations

import calendar
import re
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
MAX_DATE_CHARS = 120
DATELINE_LINES = 3

_TZ_OFFSETS = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5.5,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
_TZINFOS = {name: timezone(timedelta(hours=hours)) for name, hours in _TZ_OFFSETS.items()}
_DEFAULT = datetime(2000, 1, 1)  # dateutil fills missing fields from here: day 1, midnight
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_AMPM = re.compile(r"\b([ap])\.m\.", re.IGNORECASE)

_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})(?:([/_-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])|(0[1-9]|1[0-2])([012]\d|3[01]))"
    r"(?=[/_.-]|$)"
)
# A permalink of a blog or a magazine often names the month alone: ``/2011/12/slug``.
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])/")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_IN_TEXT = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
# A dateline opens the text ("WASHINGTON, Oct. 29, 2024 (Reuters) -") or is labelled ("Published: …").
_DATELINE = re.compile(
    rf"^(?:(?:published|posted|updated|date|first published)(?: on)?\s*:?\s*|[A-Z][\w .'-]{{0,40}},\s*)?"
    rf"(?:\w+day,?\s+)?({_DATE_IN_TEXT})(?=\s*(?:$|[-—–(|,]|\d{{1,2}}[:.]\d\d))",
    re.IGNORECASE,
)


def to_utc(value: datetime) -> datetime:
    """A naive time is taken as UTC: sources that omit the zone are mostly UTC feeds."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _plausible(value: datetime | None) -> datetime | None:
    """Kept in the zone it was written in; a naive time gets UTC. Converting a time near the ends of the
    calendar can overflow, so a value that cannot be converted is no date."""
    if value is None or not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    try:
        to_utc(value)
    except (OverflowError, ValueError):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _strict(text: str) -> datetime | None:
    """ISO 8601 and RFC 2822 cover feeds and ``article:published_time``; they never guess."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    # The e-mail parser drops zone names it does not know ("BST"); dateutil with our table reads them.
    return parsed if parsed.tzinfo is not None else None


def _epoch(text: str) -> datetime | None:
    if not _EPOCH.match(text):
        return None
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    return datetime.fromtimestamp(seconds, tz=UTC)


def _lenient(text: str) -> datetime | None:
    """dateutil reads the news formats; a four-digit year is required so "5" or "May" is not a date."""
    if not _YEAR.search(text):
        return None
    text = _AMPM.sub(r"\1m", text)
    # A zone name outside our table ("GST") gives a naive time, taken as UTC like any naive time, not a warning
    # per page (pytest turns warnings into errors).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
        try:
            return dateutil_parser.parse(text, default=_DEFAULT, tzinfos=_TZINFOS, fuzzy=False)
        except (ValueError, OverflowError, TypeError):
            return None


def parse_date(value: str | None) -> datetime | None:
    """Parse a date string as given by a source into an aware UTC datetime, or ``None``."""
    found = parse_date_as_written(value)
    return None if found is None else to_utc(found)


def parse_date_as_written(value: str | None) -> datetime | None:
    """Aware, in the zone the source wrote it in: its ``.date()`` is the day the publisher's readers saw.
    "2019-10-19T00:04:00+02:00" was published on the 19th, though it is the 18th in UTC."""
    if not value or not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    for attempt in (_strict, _epoch, _lenient):
        try:
            found = _plausible(attempt(text))
        except (OverflowError, ValueError, OSError):
            found = None
        if found is not None:
            return found
    return None


def date_from_url(url: str | None) -> datetime | None:
    """News URLs often carry the publication day: ``/2024/10/29/``, ``/2024-10-29-``, ``/20241029/``."""
    if not url:
        return None
    for match in _URL_DATE.finditer(url):
        year, _, month, day, compact_month, compact_day = match.groups()
        month, day = (month, day) if month else (compact_month, compact_day)
        try:
            return _plausible(datetime(int(year), int(month), int(day)))
        except ValueError:
            continue
    return None


def month_from_url(url: str | None) -> tuple[date, date] | None:
    """(first, last day) of the month a URL's path names without a day, when it names no full date."""
    if not url or date_from_url(url) is not None:
        return None
    for match in _URL_MONTH.finditer(url):
        year, month = int(match.group(1)), int(match.group(2))
        if EARLIEST_YEAR <= year <= LATEST_YEAR:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return None


def date_from_text(text: str | None) -> datetime | None:
    """A dateline in the first lines only: a date deeper in the body is an event, not publication."""
    return parse_date(dateline(text))


def dateline(text: str | None) -> str | None:
    """The date string of the first dateline among the opening lines, unparsed."""
    if not text:
        return None
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()][:DATELINE_LINES]
    for line in lines:
        match = _DATELINE.match(line[:200])
        if match:
            return match.group(1)
    return None
