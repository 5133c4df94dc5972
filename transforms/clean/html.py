"""HTML → main article text and page metadata.

trafilatura does the extraction, tuned for precision (a news index should not hold menus and
"related stories"), with comments left out. When it finds too little (pages of short paragraphs,
lists, odd markup), its recall mode and its own baseline are tried, and as a last resort a
streaming paragraph collector that survives any nesting depth or broken markup.

A trafilatura extraction is then checked against two extractors that work differently, readability
and trafilatura's baseline: blocks of lines neither of them finds are dropped (``html_agree``).

The page is parsed once: the metadata reader, both trafilatura passes, its baseline, readability and
htmldate all work on that one lxml tree (trafilatura, its baseline and htmldate copy a tree they are given
before changing it; readability changes it, so it gets a copy). Before the parse, ``html_guard`` defuses
markup that would make the parse itself pathologically slow.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

import htmldate
import lxml.etree  # type: ignore[import-untyped]  # lxml ships no type hints (see html_meta)
import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml.html import HtmlElement
from trafilatura.readability_lxml import Document as ReadabilityDocument
from trafilatura.settings import Extractor
from trafilatura.utils import HTML_PARSER

from transforms.clean.html_agree import keep_confirmed
from transforms.clean.html_guard import MAX_ATTRIBUTES, defuse_markup
from transforms.clean.html_meta import PageMeta, read_page_meta
from transforms.clean.html_paragraphs import prose_blocks
from transforms.clean.page_zone import country_zone, zoned_stamps
from transforms.clean.published import date_from_url, dateline, month_from_url
from transforms.clean.published_choice import (
    Evidence,
    PageClock,
    PublishedDate,
    UrlMonth,
    as_evidence,
    choose_published,
    declared_evidence,
)

_WORD = re.compile(r"\w+")
_QUOTED_POSTS = lxml.etree.XPath(
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'bluesky-embed') or contains(@class, 'mastodon-embed')]"
)
_WRAPPER_TAGS = frozenset({"div", "figure", "section", "span", "p"})
MAX_QUOTED_POSTS = 100  # a page quoting more is not an article; the bound keeps a hostile page linear
MAX_WRAPPER_DEPTH = 4

# Fewer words than this and the extraction is taken as a miss, and the next method is tried.
ENOUGH_WORDS = 40
# readability's own threshold for a block of prose, as trafilatura calls it.
READABILITY_MIN_TEXT = 25

# trafilatura and htmldate log every odd page at WARNING; the run report counts outcomes instead.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class HtmlExtraction:
    text: str  # main text, one paragraph per line, not yet repaired
    method: str
    meta: PageMeta
    published: str | None = None
    published_source: str | None = None
    notes: tuple[str, ...] = ()  # what was defused or cut on the way, for the document's ``notes``
    published_date: PublishedDate | None = None  # the same choice, parsed, with its local day and confidence
    unconfirmed_lines: int = 0  # lines of trafilatura's text that no other extractor found, dropped


@dataclass(frozen=True)
class ParsedPage:
    """A page as every step sees it: the defused markup and its one lxml tree."""

    html: str
    tree: HtmlElement | None
    truncated: bool = False  # libxml2 stopped at a resource limit (nesting over 256 levels): the tree lacks the rest
    trimmed_tags: int = 0  # tags that lost the attributes over html_guard.MAX_ATTRIBUTES

    @property
    def notes(self) -> tuple[str, ...]:
        notes = []
        if self.trimmed_tags:
            tags = "1 tag" if self.trimmed_tags == 1 else f"{self.trimmed_tags} tags"
            notes.append(f"html: {tags} cut to the first {MAX_ATTRIBUTES} attributes")
        if self.truncated:
            notes.append("html: the parser stopped at a resource limit (nesting over 256 levels) before the end")
        return tuple(notes)


def parse_page(html: str) -> ParsedPage:
    defused = defuse_markup(html)
    try:
        tree = trafilatura.load_html(defused.html)
    except Exception:  # lxml raises several types on hostile input; the streaming collector still reads it
        tree = None
    if tree is not None:
        unwrap_quoted_posts(tree)
    # trafilatura parses with this parser; its log holds the errors of the last parse.
    truncated = tree is not None and any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in HTML_PARSER.error_log)
    return ParsedPage(defused.html, tree, truncated, defused.trimmed_tags)


def unwrap_quoted_posts(tree: HtmlElement) -> int:
    """A post the article quotes (an embedded tweet, an Instagram or TikTok post) is its text, but the wrapper a CMS
    puts around it is often called "social-embed", which trafilatura discards as a share bar. The wrappers that hold
    nothing but the post lose their class and id; the post's own markup is kept. Returns the wrappers cleared."""
    cleared = 0
    for post in _QUOTED_POSTS(tree)[:MAX_QUOTED_POSTS]:
        quoted = " ".join(post.text_content().split())
        wrapper, depth = post.getparent(), 0
        while wrapper is not None and wrapper.tag in _WRAPPER_TAGS and depth < MAX_WRAPPER_DEPTH:
            depth += 1
            if " ".join(wrapper.text_content().split()) != quoted:
                break
            for name in ("class", "id"):
                if name in wrapper.attrib:
                    del wrapper.attrib[name]
            cleared += 1
            wrapper = wrapper.getparent()
    return cleared


def parse_tree(html: str) -> HtmlElement | None:
    return parse_page(html).tree


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _trafilatura(tree: HtmlElement | None, url: str | None, *, precision: bool) -> str:
    if tree is None:
        return ""
    options = Extractor(output_format="txt", precision=precision, recall=not precision, comments=False, url=url)
    try:
        return trafilatura.extract(tree, options=options) or ""
    except Exception:  # a crash inside the extractor must only cost this method, not the article
        return ""


def _baseline(tree: HtmlElement | None) -> str:
    if tree is None:
        return ""
    try:
        return trafilatura.baseline(tree)[1] or ""
    except Exception:
        return ""


def _readability(tree: HtmlElement | None) -> str:
    """readability's article block as plain text (words only matter: it is a voter, not an output)."""
    if tree is None:
        return ""
    try:
        summary = ReadabilityDocument(copy.deepcopy(tree), min_text_length=READABILITY_MIN_TEXT).summary()
        return " ".join(lxml.html.fromstring(summary).itertext())
    except Exception:  # readability is heuristic; a failure only costs its vote
        return ""


def _confirmed(text: str, others: list[str]) -> tuple[str, int]:
    lines, dropped = keep_confirmed(text.split("\n"), others)
    return ("\n".join(lines), dropped) if dropped else (text, 0)


def extract_main_text(page: ParsedPage, url: str | None) -> tuple[str, str, int]:
    """(text, method, unconfirmed lines dropped): the first method that finds enough words, else the longest
    result. A trafilatura result loses the blocks neither readability nor the baseline finds (``html_agree``).
    A truncated tree holds only the start of the page, so there the streaming collector, which reads all of
    it, goes first."""
    tree = page.tree
    baseline = cache(lambda: _baseline(tree))  # a voter, and a method when trafilatura finds too little
    methods: list[tuple[str, Callable[[], str]]] = [
        ("trafilatura_precision", lambda: _trafilatura(tree, url, precision=True)),
        ("trafilatura_recall", lambda: _trafilatura(tree, url, precision=False)),
        ("baseline", baseline),
    ]
    paragraphs: tuple[str, Callable[[], str]] = ("paragraphs", lambda: "\n".join(prose_blocks(page.html)))
    methods = [paragraphs, *methods] if page.truncated else [*methods, paragraphs]
    best = ("", "none")
    for name, run in methods:
        text = run().strip()
        if _word_count(text) >= ENOUGH_WORDS:
            best = (text, name)
            break
        if _word_count(text) > _word_count(best[0]):
            best = (text, name)
    text, name = best
    if not name.startswith("trafilatura"):
        return text, name, 0
    confirmed, dropped = _confirmed(text, [_readability(tree), baseline()])
    return confirmed, name, dropped


def main_text(html: str, url: str | None, page: ParsedPage | None = None) -> tuple[str, str]:
    """(text, method) of ``extract_main_text``; ``page`` is the parse of ``html`` when the caller has it."""
    text, method, _ = extract_main_text(page if page is not None else parse_page(html), url)
    return text, method


def html_date(tree: HtmlElement | None, within: tuple[date, date] | None = None) -> str | None:
    """htmldate's search of the markup and text, preferring the original over the updated date; ``within``
    bounds it (htmldate's own bounds are 1995 to today)."""
    if tree is None:
        return None
    first, last = (within[0].isoformat(), within[1].isoformat()) if within else (None, None)
    try:
        found = htmldate.find_date(tree, original_date=True, extensive_search=True, min_date=first, max_date=last)
    except Exception:  # htmldate is heuristic; a failure only means no date
        return None
    return found if isinstance(found, str) else None


def find_published(
    meta: PageMeta, tree: HtmlElement | None, url: str | None, text: str = "", html: str = ""
) -> PublishedDate | None:
    """The URL's date, declared metadata, htmldate's reading, a declared modification, a dateline: the order
    and the arbitration between them are ``published_choice``'s; the publisher's zone, ``page_zone``'s."""
    from_url = date_from_url(url)
    url_evidence = Evidence(from_url, "url", from_url.date().isoformat()) if from_url else None
    return choose_published(
        declared_evidence(meta.dates),
        url=url_evidence,
        dateline=as_evidence(dateline(text), "dateline"),
        read_page=lambda: as_evidence(html_date(tree), "htmldate"),
        clock=PageClock(country_zone(url), lambda: zoned_stamps(html)),
        month=_url_month(url, tree),
    )


def _url_month(url: str | None, tree: HtmlElement | None) -> UrlMonth | None:
    bounds = month_from_url(url)
    if bounds is None:
        return None
    return UrlMonth(*bounds, lambda first, last: as_evidence(html_date(tree, (first, last)), "htmldate"))


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    page = parse_page(html)
    meta = read_page_meta(page.tree, url) if page.tree is not None else PageMeta()
    text, method, unconfirmed = extract_main_text(page, url or meta.canonical_url)
    found = find_published(meta, page.tree, url or meta.canonical_url, text, html)
    value, source = (found.value, found.source) if found else (None, None)
    return HtmlExtraction(text, method, meta, value, source, page.notes, found, unconfirmed)
