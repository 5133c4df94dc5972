"""Page metadata from an lxml tree: title, site name, canonical URL, language, authors, date.

Only what publishers declare on purpose (``<meta>``, ``<link rel=canonical>``, ``<html lang>``, and for
dates JSON-LD and microdata, read by ``html_dates``) is read here; guessing a date from the page text is
left to htmldate, and choosing among the dates to ``published_choice``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

# lxml ships no type hints (the types-lxml stubs are not in the lock): elements are Any here, and ``_attribute``
# is where what is read from them becomes typed.
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from transforms.clean.html_dates import DeclaredDate, declared_dates
from transforms.clean.published import parse_date

AUTHOR_KEYS = ("author", "article:author", "byl", "parsely-author", "dc.creator", "sailthru.author")
TITLE_KEYS = ("og:title", "twitter:title")
SITE_KEYS = ("og:site_name", "application-name", "publisher", "twitter:site")

_HARD_SEPARATORS = re.compile(r"\s+(?:\||•|·|»|::)\s+")
_SOFT_SEPARATORS = re.compile(r"\s+[-–—]\s+")
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&)\s*")
# A page title is one line; a longer "title" is an unclosed <h1> holding the page, or junk, and cutting
# separators off it one at a time was quadratic (a minute for 16,000 " | ").
MAX_TITLE_CHARS = 500
SITE_SUFFIX_MAX_WORDS = 5  # "| World | News | Express.co.uk"
SECTION_PREFIX_MAX_WORDS = 2  # "Opinion | …", but not "Milan Design Week 2018 | …"


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # the best-ranked declared date that parses, as written
    dates: tuple[DeclaredDate, ...] = ()  # every declared date, for ``published_choice``


_META_KEY_ATTRIBUTES = ("property", "name", "itemprop", "http-equiv")


def _attribute(element: HtmlElement, name: str) -> str | None:
    value = element.get(name)
    return None if value is None else str(value)


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """Every ``<meta>`` value under its lower-cased property/name/itemprop key, in page order."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = next(filter(None, (_attribute(meta, name) for name in _META_KEY_ATTRIBUTES)), "")
        content = (_attribute(meta, "content") or _attribute(meta, "datetime") or "").strip()
        if key and content:
            values.setdefault(key.strip().lower(), []).append(content)
    return values


def _first(values: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    return next((values[key][0] for key in keys if key in values), None)


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _names_site(segment: str, site_name: str | None, host: str | None) -> bool:
    folded = _fold(segment)
    site = _fold(site_name or "")
    host_core = _fold((host or "").removeprefix("www.").rsplit(".", 1)[0])
    return bool(folded) and any(token and (token in folded or folded in token) for token in (site, host_core))


def clean_title(title: str | None, site_name: str | None = None, host: str | None = None) -> str | None:
    """Drop " | Site" / "Site » " parts: at a hard separator when short, at a dash only when naming the site."""
    if not title or not title.strip():
        return None
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        return None
    title = _strip_edges(title, _HARD_SEPARATORS, site_name, host, needs_site=False)
    return _strip_edges(title, _SOFT_SEPARATORS, site_name, host, needs_site=True) or None


def _strip_edges(title: str, separator: re.Pattern[str], site: str | None, host: str | None, needs_site: bool) -> str:
    while True:
        cuts = list(separator.finditer(title))
        if not cuts:
            return title
        head, tail = title[: cuts[-1].start()], title[cuts[-1].end() :]
        if _is_site_part(tail, head, site, host, needs_site, SITE_SUFFIX_MAX_WORDS):
            title = head
            continue
        head, tail = title[: cuts[0].start()], title[cuts[0].end() :]
        if not _is_site_part(head, tail, site, host, needs_site, SECTION_PREFIX_MAX_WORDS):
            return title
        title = tail


def _is_site_part(
    segment: str, rest: str, site: str | None, host: str | None, needs_site: bool, max_words: int
) -> bool:
    """A site or section label: it names the site, or (hard separators only) it is a short tag."""
    if _names_site(segment, site, host):
        return True
    short = len(segment.split()) <= max_words and len(segment) < len(rest)
    return not needs_site and short


def _primary_language(value: str | None) -> str | None:
    match = re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_]|$)", value or "")
    return match.group(1).lower() if match else None


def _canonical(tree: HtmlElement, values: dict[str, list[str]], base: str | None) -> str | None:
    links = (link for link in tree.iter("link") if (_attribute(link, "rel") or "").lower() == "canonical")
    hrefs = [_attribute(link, "href") for link in links]
    for candidate in [*hrefs, _first(values, ("og:url",))]:
        if candidate:
            absolute = urljoin(base or "", candidate.strip())
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return None


def _authors(values: dict[str, list[str]]) -> list[str]:
    names: list[str] = []
    for key in AUTHOR_KEYS:
        for value in values.get(key, []):
            if "://" in value or value.startswith("@"):
                continue  # a profile link or a handle, not a name
            names.extend(part for part in _AUTHOR_SPLIT.split(_BY.sub("", value)) if part)
    return list(dict.fromkeys(" ".join(name.split()) for name in names))


def _language(tree: HtmlElement, values: dict[str, list[str]]) -> str | None:
    declared = _attribute(tree, "lang") or _attribute(tree, "{http://www.w3.org/XML/1998/namespace}lang")
    return _primary_language(declared or _first(values, ("content-language", "og:locale", "language")))


_CLAIM_ORDER = ("published", "created", "generic", "modified")


def _declared_date(dates: tuple[DeclaredDate, ...]) -> str | None:
    ranked = sorted(dates, key=lambda found: _CLAIM_ORDER.index(found.claim))
    return next((found.value for found in ranked if parse_date(found.value)), None)


def _page_title(tree: HtmlElement, values: dict[str, list[str]]) -> str | None:
    """The declared title, else ``<title>``, else the first ``<h1>``: the first that is text of a title's length."""
    return next((title for title in _title_candidates(tree, values) if _title_sized(title)), None)


def _title_candidates(tree: HtmlElement, values: dict[str, list[str]]) -> Iterator[str]:
    declared = _first(values, TITLE_KEYS)
    if declared:
        yield declared
    for tag in ("title", "h1"):
        element = next(tree.iter(tag), None)
        if element is not None:
            yield str(element.text_content())


def _title_sized(text: str) -> bool:
    return bool(text.strip()) and len(" ".join(text.split())) <= MAX_TITLE_CHARS


def read_page_meta(tree: HtmlElement, url: str | None) -> PageMeta:
    values = meta_values(tree)
    dates = tuple(declared_dates(tree, values))
    canonical = _canonical(tree, values, url)
    site = _first(values, SITE_KEYS)
    site = None if site and site.startswith("@") else site
    host = urlsplit(canonical or url or "").hostname
    return PageMeta(
        title=clean_title(_page_title(tree, values), site, host),
        site_name=" ".join(site.split()) if site else None,
        canonical_url=canonical,
        language=_language(tree, values),
        authors=_authors(values),
        published=_declared_date(dates),
        dates=dates,
    )
