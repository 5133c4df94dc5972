"""Signs of the publisher's time zone, for a page that stamps its publication in UTC.

A CMS often writes ``2020-12-05T23:15Z`` for a story its readers saw on the 6th: the day a reader searches for is
the publisher's, not Greenwich's. Two signs say which zone that is, both general:

1. The same instant written elsewhere in the page with an offset other than zero (a script's JSON, a ``<time>``
   element, a feed link): the publisher's own clock, found by scanning the raw markup.
2. The country of the domain, for countries with one civil time zone (``.de``, ``.it``, ``.jp``). Countries that
   span several zones (``.us``, ``.ca``, ``.au``, ``.ru``, ``.br``, ``.mx``, ``.id``) and generic domains
   (``.com``, ``.io``, ``.co``) name none: their stamps keep the day as written.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# One civil zone each (small overseas territories with their own TLDs aside); Spain's and Portugal's islands are an
# hour behind the mainland, whose news is most of theirs.
COUNTRY_ZONES = {
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "li": "Europe/Vaduz", "it": "Europe/Rome",
    "fr": "Europe/Paris", "be": "Europe/Brussels", "nl": "Europe/Amsterdam", "lu": "Europe/Luxembourg",
    "es": "Europe/Madrid", "pt": "Europe/Lisbon", "uk": "Europe/London", "ie": "Europe/Dublin",
    "dk": "Europe/Copenhagen", "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki",
    "is": "Atlantic/Reykjavik", "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest",
    "si": "Europe/Ljubljana", "hr": "Europe/Zagreb", "rs": "Europe/Belgrade", "ba": "Europe/Sarajevo",
    "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "gr": "Europe/Athens", "cy": "Asia/Nicosia",
    "ua": "Europe/Kyiv", "tr": "Europe/Istanbul", "il": "Asia/Jerusalem", "ir": "Asia/Tehran",
    "eg": "Africa/Cairo", "za": "Africa/Johannesburg", "ng": "Africa/Lagos", "ke": "Africa/Nairobi",
    "in": "Asia/Kolkata", "pk": "Asia/Karachi", "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh",
    "sg": "Asia/Singapore", "my": "Asia/Kuala_Lumpur", "ph": "Asia/Manila", "cn": "Asia/Shanghai",
    "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei", "kr": "Asia/Seoul", "jp": "Asia/Tokyo", "nz": "Pacific/Auckland",
    "ar": "America/Argentina/Buenos_Aires", "pe": "America/Lima", "cl": "America/Santiago",
}  # fmt: skip
MAX_STAMPS = 200  # a page's own stamps are a handful; a hostile page of timestamps costs at most this many parses
_ZONED_STAMP = re.compile(
    r"(?<![\d-])(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)([+-](?:0\d|1[0-4]):?[0-5]\d)(?!\d)"
)
_UTC_WRITTEN = re.compile(r"(?:\dZ|[+-]00:?00|\b(?:GMT|UTC)|^\d{10}(?:\d{3})?)\s*$", re.IGNORECASE)


def country_zone(url: str | None) -> tzinfo | None:
    """The zone of a single-zone country's domain (``www.zeit.de`` → Berlin); any other URL names none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    name = COUNTRY_ZONES.get(host.rstrip(".").rsplit(".", 1)[-1].lower())
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # a system without tz data: the day stays as written
        return None


def zoned_stamps(html: str) -> tuple[datetime, ...]:
    """ISO instants the markup writes with a non-zero UTC offset, in page order."""
    found: list[datetime] = []
    for match in _ZONED_STAMP.finditer(html):
        stamp, offset = match.groups()
        if offset.replace(":", "")[1:] == "0000":
            continue
        try:
            found.append(datetime.fromisoformat(f"{stamp.replace(',', '.')}{offset}"))
        except ValueError:
            continue
        if len(found) >= MAX_STAMPS:
            break
    return tuple(found)


def written_in_utc(value: str) -> bool:
    """A stamp that says it is UTC ("…Z", "+00:00", "GMT", an epoch); a time with no zone says nothing."""
    return bool(_UTC_WRITTEN.search(value.strip()))
