"""HTML → main article text and page metadata.

trafilatura does the extraction, tuned for precision (a news index should not hold menus and
"related stories"), with comments left out. When it finds too little (pages of short paragraphs,
lists, odd markup), its recall mode and its own baseline are tried, and as a last resort a
streaming paragraph collector that survives any nesting depth or broken markup.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import htmldate
import trafilatura
from lxml.html import HtmlElement

from transforms.clean.html_meta import PageMeta, read_page_meta
from transforms.clean.html_paragraphs import prose_blocks
from transforms.clean.published import date_from_url

_WORD = re.compile(r"\w+")

# Fewer words than this and the extraction is taken as a miss, and the next method is tried.
ENOUGH_WORDS = 40
PRECISION_OPTIONS = {"favor_precision": True, "include_comments": False, "include_tables": True}
RECALL_OPTIONS = {"favor_recall": True, "include_comments": False, "include_tables": True}

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


def parse_tree(html: str) -> HtmlElement | None:
    try:
        return trafilatura.load_html(html)
    except Exception:  # lxml raises several types on hostile input; metadata is optional
        return None


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _trafilatura(html: str, url: str | None, options: dict[str, bool]) -> str:
    try:
        return trafilatura.extract(html, url=url, output_format="txt", **options) or ""
    except Exception:  # a crash inside the extractor must only cost this method, not the article
        return ""


def _baseline(html: str) -> str:
    try:
        return trafilatura.baseline(html)[1] or ""
    except Exception:
        return ""


def main_text(html: str, url: str | None) -> tuple[str, str]:
    """(text, method): the first method that finds enough words, else the longest result."""
    methods = (
        ("trafilatura_precision", lambda: _trafilatura(html, url, PRECISION_OPTIONS)),
        ("trafilatura_recall", lambda: _trafilatura(html, url, RECALL_OPTIONS)),
        ("baseline", lambda: _baseline(html)),
        ("paragraphs", lambda: "\n".join(prose_blocks(html))),
    )
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
        return htmldate.find_date(tree, original_date=True, extensive_search=True)
    except Exception:  # htmldate is heuristic; a failure only means no date
        return None


def find_published(meta: PageMeta, tree: HtmlElement | None, url: str | None) -> tuple[str | None, str | None]:
    """Declared metadata first, then a date in the URL, then htmldate's reading of the page."""
    if meta.published:
        return meta.published, "metadata"
    from_url = date_from_url(url)
    if from_url:
        return from_url.date().isoformat(), "url"
    found = html_date(tree)
    return (found, "html") if found else (None, None)


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    tree = parse_tree(html)
    meta = read_page_meta(tree, url) if tree is not None else PageMeta()
    text, method = main_text(html, url or meta.canonical_url)
    published, source = find_published(meta, tree, url or meta.canonical_url)
    return HtmlExtraction(text, method, meta, published, source)
