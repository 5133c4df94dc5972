"""Dates a page declares in its markup, each labelled by the claim it makes: published, generic or modified.

Publishers state dates in three places: ``<meta>`` tags (Open Graph, Dublin Core, CMS-specific names),
schema.org JSON-LD, and schema.org microdata on visible elements (``<time itemprop="datePublished">``).
A page often states several, and they disagree for a reason: one is the first publication, one the last
edit, one a date of unknown meaning ("date"). Which is which is read off the name, by the words publishers
use (publish, issued, created; modified, updated), not from a list of sites, so that a CMS never seen
before is read the same way. Choosing between the claims is ``published_choice``'s job.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from lxml.html import HtmlElement  # type: ignore[import-untyped]  # lxml ships no type hints (see html_meta)

Claim = Literal["published", "created", "generic", "modified"]

# A name that says what the date is. "Not a publication" wins over both: an expiry or an event's start is
# a date on the page, not the page's date.
_NOT_PUBLICATION = re.compile(r"expir|start|end|valid|birth|render|event|deadline|copyright", re.IGNORECASE)
_MODIFIED = re.compile(r"modif|updat|chang|revis", re.IGNORECASE)
_PUBLISHED = re.compile(r"publi(?:shed|sh[-_.]?date|cation[-_.]?date|sh[-_.]?time)|pub[-_.]?date|issued|release"
                        r"|posted|pubtime", re.IGNORECASE)  # fmt: skip
_CREATED = re.compile(r"creat", re.IGNORECASE)  # when the CMS entry was made: often a draft, before publication
_GENERIC = re.compile(r"(?:^|[:._-])(?:date|time|datetime)$", re.IGNORECASE)
# uploadDate belongs to a video or an image inside the page, not to the page.
_LD_KEYS: dict[str, Claim] = {"datepublished": "published", "datecreated": "created", "datemodified": "modified"}
# Things a page embeds or quotes carry their own dates: a video uploaded years before the article, a comment after.
_PART_TYPES = re.compile(r"object$|^(?:comment|review|offer|event|person|organi[sz]ation|product)$", re.IGNORECASE)
# More distinct values than this under one name is a list of teasers ("more stories"), each with its own date.
MAX_DISTINCT_VALUES = 2
MAX_JSON_LD_CHARS = 1_000_000  # a script this long is data, not a page's description
MAX_JSON_LD_NODES = 5_000


@dataclass(frozen=True)
class DeclaredDate:
    value: str  # as written, unparsed
    claim: Claim
    where: str  # e.g. "meta article:published_time", "json-ld datePublished": for notes and debugging


def claim_of(name: str) -> Claim | None:
    """What a date-bearing name claims, or ``None`` when it names some other date or none at all."""
    if _NOT_PUBLICATION.search(name):
        return None
    if _MODIFIED.search(name):
        return "modified"
    if _PUBLISHED.search(name):
        return "published"
    if _CREATED.search(name):
        return "created"
    return "generic" if _GENERIC.search(name) else None


def _text(element: HtmlElement, name: str) -> str | None:
    value = element.get(name)
    return None if value is None else str(value).strip() or None


def from_meta(values: dict[str, list[str]]) -> Iterator[DeclaredDate]:
    for key, contents in values.items():
        claim = claim_of(key)
        if claim is not None:
            yield from (DeclaredDate(content, claim, f"meta {key}") for content in contents)


def from_microdata(tree: HtmlElement) -> Iterator[DeclaredDate]:
    """Visible elements marked up with schema.org ``itemprop``; ``<meta itemprop>`` is read by ``from_meta``."""
    for element in tree.iterfind(".//*[@itemprop]"):
        prop = (_text(element, "itemprop") or "").lower()
        claim = _LD_KEYS.get(prop)
        if claim is None or element.tag == "meta":
            continue
        value = _text(element, "datetime") or _text(element, "content") or " ".join(element.text_content().split())
        if value:
            yield DeclaredDate(value, claim, f"microdata {prop}")
    for time in tree.iter("time"):
        if time.get("pubdate") is not None and _text(time, "datetime"):
            yield DeclaredDate(str(_text(time, "datetime")), "published", "time pubdate")


def from_json_ld(tree: HtmlElement) -> Iterator[DeclaredDate]:
    for script in tree.iter("script"):
        if (_text(script, "type") or "").lower() != "application/ld+json":
            continue
        raw = script.text_content()
        if len(raw) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except ValueError:  # JSON-LD in the wild is often broken (trailing commas, raw newlines)
            continue
        yield from _walk_json_ld(data)


def _walk_json_ld(data: object) -> Iterator[DeclaredDate]:
    """Breadth-first, so a page's own node comes before the nodes it mentions; bounded, as the input is hostile."""
    queue, seen = deque([data]), 0
    while queue and seen < MAX_JSON_LD_NODES:
        node = queue.popleft()
        seen += 1
        if isinstance(node, list):
            queue.extend(node)
        elif isinstance(node, dict) and not _is_part(node):
            for key, value in node.items():
                claim = _LD_KEYS.get(str(key).lower())
                if claim is not None and isinstance(value, str) and value.strip():
                    yield DeclaredDate(value.strip(), claim, f"json-ld {key}")
                elif isinstance(value, dict | list):
                    queue.append(value)


def _is_part(node: dict[object, object]) -> bool:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(name, str) and _PART_TYPES.search(name) for name in names)


def _without_listings(dates: list[DeclaredDate]) -> list[DeclaredDate]:
    distinct: dict[str, set[str]] = {}
    for found in dates:
        distinct.setdefault(found.where, set()).add(found.value)
    return [found for found in dates if len(distinct[found.where]) <= MAX_DISTINCT_VALUES]


def declared_dates(tree: HtmlElement, values: dict[str, list[str]]) -> list[DeclaredDate]:
    """Every date the page declares, structured data first: JSON-LD and microdata are written for machines
    by the same code that renders the page, ``<meta>`` names are a looser convention."""
    return _without_listings([*from_json_ld(tree), *from_microdata(tree), *from_meta(values)])
