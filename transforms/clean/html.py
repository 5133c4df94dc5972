"""HTML → main article text and page metadata.

trafilatura does the extraction, tuned for precision (a news index should not hold menus and
"related stories"), with comments left out. When it finds too little (pages of short paragraphs,
lists, odd markup), its recall mode and its own baseline are tried, and as a last resort a
streaming paragraph collector that survives any nesting depth or broken markup.

The page is parsed once: the metadata reader, both trafilatura passes, its baseline and htmldate all
work on that one lxml tree (trafilatura and htmldate copy a tree they are given before changing it). Before
the parse, ``html_guard`` defuses markup that would make the parse itself pathologically slow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import htmldate
import trafilatura
from lxml.html import HtmlElement  # type: ignore[import-untyped]  # lxml ships no type hints (see html_meta)
from trafilatura.settings import Extractor
from trafilatura.utils import HTML_PARSER

from transforms.clean.html_guard import MAX_ATTRIBUTES, defuse_markup
from transforms.clean.html_meta import PageMeta, read_page_meta
from transforms.clean.html_paragraphs import prose_blocks
from transforms.clean.published import date_from_url, dateline
from transforms.clean.published_choice import Evidence, PublishedDate, as_evidence, choose_published, declared_evidence

_WORD = re.compile(r"\w+")

# Fewer words than this and the extraction is taken as a miss, and the next method is tried.
ENOUGH_WORDS = 40

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
    # trafilatura parses with this parser; its log holds the errors of the last parse.
    truncated = tree is not None and any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in HTML_PARSER.error_log)
    return ParsedPage(defused.html, tree, truncated, defused.trimmed_tags)


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


def main_text(html: str, url: str | None, page: ParsedPage | None = None) -> tuple[str, str]:
    """(text, method): the first method that finds enough words, else the longest result. ``page`` is the
    parse of ``html`` when the caller has it already. A truncated tree holds only the start of the page, so
    there the streaming collector, which reads all of it, goes first."""
    page = page if page is not None else parse_page(html)
    tree = page.tree
    methods: list[tuple[str, Callable[[], str]]] = [
        ("trafilatura_precision", lambda: _trafilatura(tree, url, precision=True)),
        ("trafilatura_recall", lambda: _trafilatura(tree, url, precision=False)),
        ("baseline", lambda: _baseline(tree)),
    ]
    paragraphs: tuple[str, Callable[[], str]] = ("paragraphs", lambda: "\n".join(prose_blocks(page.html)))
    methods = [paragraphs, *methods] if page.truncated else [*methods, paragraphs]
    best = ("", "none")
    for name, run in methods:
        text = run().strip()
        if _word_count(text) >= ENOUGH_WORDS:
            return text, name
        if _word_count(text) > _word_count(best[0]):
            best = (text, name)
    return best


def html_date(tree: HtmlElement | None) -> str | None:
    """htmldate's search of the markup and text, preferring the original over the updated date."""
    if tree is None:
        return None
    try:
        found = htmldate.find_date(tree, original_date=True, extensive_search=True)
    except Exception:  # htmldate is heuristic; a failure only means no date
        return None
    return found if isinstance(found, str) else None


def find_published(meta: PageMeta, tree: HtmlElement | None, url: str | None, text: str = "") -> PublishedDate | None:
    """The URL's date, declared metadata, htmldate's reading, a declared modification, a dateline: the order
    and the arbitration between them are ``published_choice``'s."""
    from_url = date_from_url(url)
    url_evidence = Evidence(from_url, "url", from_url.date().isoformat()) if from_url else None
    return choose_published(
        declared_evidence(meta.dates),
        url=url_evidence,
        dateline=as_evidence(dateline(text), "dateline"),
        read_page=lambda: as_evidence(html_date(tree), "htmldate"),
    )


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    page = parse_page(html)
    meta = read_page_meta(page.tree, url) if page.tree is not None else PageMeta()
    text, method = main_text(page.html, url or meta.canonical_url, page)
    found = find_published(meta, page.tree, url or meta.canonical_url, text)
    value, source = (found.value, found.source) if found else (None, None)
    return HtmlExtraction(text, method, meta, value, source, page.notes, found)
