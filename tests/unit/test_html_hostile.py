"""Pathological HTML: what reaches lxml is bounded, the page is parsed once, and the article text still indexes.

These tests count the work (attributes handed to the parser, parses per page, elements the tree holds), not
seconds: a slow machine must not fail them and a regression must.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import htmldate.utils
import lxml.html
import pytest
import trafilatura.utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.clean import html_meta, html_paragraphs
from transforms.clean.article import clean_article
from transforms.clean.html import extract_html, parse_page
from transforms.clean.html_guard import MAX_ATTRIBUTES, RAW_TEXT_ELEMENTS, defuse_markup
from transforms.clean.html_paragraphs import prose_blocks
from transforms.models import Origin, RawArticle

SENTENCE = "The city council approved the new budget on Tuesday after a long debate about transport and schools."
ARTICLE = "".join(
    f"<p>{SENTENCE} Paragraph {i} adds detail on rural bus routes and school repairs.</p>" for i in range(4)
)
PROPERTIES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def attributes(count: int, value: str = '"v"', separator: str = " ") -> str:
    return separator.join(f"a{i}={value}" for i in range(count))


def most_attributes(html: str) -> int:
    tree = trafilatura.utils.load_html(html)
    return max((len(element.attrib) for element in tree.iter()), default=0) if tree is not None else 0


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every string trafilatura and htmldate hand to lxml to parse (their only whole-page parse entry points).
    Besides the page, trafilatura parses the small fragment its readability fallback writes out."""
    seen: list[str] = []

    def counting(parse: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(markup: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(markup.decode("utf-8", "replace") if isinstance(markup, bytes) else markup)
            return parse(markup, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(trafilatura.utils, "fromstring", counting(trafilatura.utils.fromstring))
    monkeypatch.setattr(htmldate.utils, "fromstring", counting(htmldate.utils.fromstring))
    yield seen


# --- one parse per page ---------------------------------------------------------------------------------------


def test_a_page_is_parsed_once_although_every_method_and_htmldate_run(parses: list[str]) -> None:
    # Too short for any method to be enough, no declared date and no URL date: all four methods and htmldate run.
    html = page(f"<p>{SENTENCE}</p><p class='date'>17 May 2023</p>")
    extraction = extract_html(html, None)
    assert SENTENCE in extraction.text
    assert extraction.published is not None and extraction.published.startswith("2023-05-17")
    assert parses.count(html) == 1


def test_a_full_article_is_parsed_once(parses: list[str]) -> None:
    html = page(f"<article>{ARTICLE}</article>")
    extraction = extract_html(html, "https://gazette.example/news/budget")
    assert extraction.method == "trafilatura_precision"
    assert parses.count(html) == 1


# --- many attributes on one element ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        f"<div {attributes(200_000)}>",  # quoted values
        f"<div {attributes(200_000, 'v')}>",  # unquoted
        "<div " + " ".join(f"a{i}" for i in range(200_000)) + ">",  # names only
        "<div " + "/".join(f"a{i}" for i in range(200_000)) + ">",  # "/" separates attributes too
        f"<div {attributes(200_000, separator='')}>",  # no separator after a quoted value
        f"<div {attributes(100_000, chr(34) + '>' + chr(34))}>",  # ">" inside quoted values does not end the tag
        f"<div {attributes(100_000, 'v', chr(10))}>",  # newlines between attributes
    ],
)
def test_a_huge_attribute_count_is_cut_before_the_parser(tag: str, parses: list[str]) -> None:
    html = page(f"{tag}{ARTICLE}</div>")
    extraction = extract_html(html, None)
    assert SENTENCE in extraction.text
    defused = defuse_markup(html).html
    assert parses.count(defused) == 1 and most_attributes(defused) == MAX_ATTRIBUTES
    parsed = list(parses)  # most_attributes parses too, through the same counter
    assert all(len(markup) < len(html) / 10 and most_attributes(markup) <= MAX_ATTRIBUTES for markup in parsed)
    assert extraction.notes == (f"html: 1 tag cut to the first {MAX_ATTRIBUTES} attributes",)


def test_the_note_reaches_the_clean_article() -> None:
    html = page(f"<div {attributes(5_000)}>{ARTICLE}</div>")
    raw = RawArticle(origin=Origin(path="/in/a.html"), format="html", content=html, notes=["read: note"])
    article = clean_article(raw)
    assert article.body.startswith(SENTENCE)
    assert article.notes == ["read: note", f"html: 1 tag cut to the first {MAX_ATTRIBUTES} attributes"]


@pytest.mark.parametrize("name", [*RAW_TEXT_ELEMENTS, "SCRIPT"])
def test_raw_text_keeps_its_content_when_its_start_tag_is_cut(name: str) -> None:
    """Text that looks like a tag inside <script> or <title> is not a tag: the scan must not stop in it."""
    fake = f"<b {attributes(300)}>"  # would be cut if it were markup
    html = page(f"<{name} {attributes(300)}>{fake}</{name}><div {attributes(300)}>x</div>")
    defused = defuse_markup(html)
    assert defused.trimmed_tags == 2
    assert fake in defused.html


def test_a_tag_hidden_behind_a_quote_in_a_script_is_still_found() -> None:
    """An unclosed quote inside raw text must not swallow the real tag after it."""
    html = page(f"<script>var s = '<a b=\"';</script><div {attributes(1_000, 'v')}>x</div>")
    assert most_attributes(defuse_markup(html).html) == MAX_ATTRIBUTES


def test_a_tag_cut_off_by_the_end_of_the_page_is_dropped_as_the_parser_drops_it() -> None:
    html = page(ARTICLE)[: -len("</body></html>")] + f"<div {attributes(200_000)}"
    defused = defuse_markup(html)
    assert defused.html == html[: html.rindex("<div")]
    assert SENTENCE in extract_html(html).text


def test_end_tags_lose_their_attributes_too() -> None:
    defused = defuse_markup(page(f"{ARTICLE}</div {attributes(10_000)}>"))
    assert defused.trimmed_tags == 1 and len(defused.html) < 2_000


def test_many_elements_over_the_limit_are_each_cut() -> None:
    html = page("".join(f"<span {attributes(500)}>w{i}</span>" for i in range(200)) + ARTICLE)
    defused = defuse_markup(html)
    assert defused.trimmed_tags == 200
    assert most_attributes(defused.html) == MAX_ATTRIBUTES


# --- the guard is transparent to every other page -------------------------------------------------------------

# Pieces of markup that move where a tag ends: quotes, ">" and "<" in odd places, comments, raw text, CDATA.
TRICKY = [
    '"', "'", ">", "<", "/", "=", "/>", "<!--", "-->", "--!>", "<!-->", "<!", "<?", "</", "</>", "<![CDATA[", "]]>",
    "<script>", "</script>", "<SCRIPT ", "</script/", "--", "-", "<style>", "</style >", "<title>", "</TITLE>",
    "<textarea>", "<plaintext>", "<noscript>",
    "<p>", "</p>", "<div", "<a href=x>", "<b x='1>2'>", '<i y="3', " ", "\n", "\x00", "&amp;", "text", "é",
]  # fmt: skip
tricky_markup = st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)


@st.composite
def hostile_pages(draw: st.DrawFn) -> str:
    """Tricky markup around elements with up to 3 × MAX_ATTRIBUTES uniquely named attributes."""
    parts = []
    for index in range(draw(st.integers(1, 4))):
        count = draw(st.sampled_from([0, 1, MAX_ATTRIBUTES, MAX_ATTRIBUTES + 1, 3 * MAX_ATTRIBUTES]))
        value = draw(st.sampled_from(['"v"', "'v'", "v", '">"', "'<'", "", "=x"]))
        separator = draw(st.sampled_from([" ", "\n", "/", " / "]))
        tag = draw(st.sampled_from(["div", "p", "script", "title", "span", "DIV", "svg"]))
        names = separator.join(f"n{index}x{i}" + (f"={value}" if value else "") for i in range(count))
        parts += [draw(tricky_markup), f"<{tag} {names}>", draw(tricky_markup)]
    return page("".join(parts))


@PROPERTIES
@given(html=hostile_pages())
def test_no_element_reaches_lxml_with_more_attributes_than_the_limit(html: str) -> None:
    assert most_attributes(defuse_markup(html).html) <= MAX_ATTRIBUTES


@PROPERTIES
@given(html=hostile_pages())
def test_the_defused_page_parses_to_the_same_tree_less_the_extra_attributes(html: str) -> None:
    """The scan reads tags as libxml2 does: cutting attributes changes nothing else in the tree, and an element
    keeps the first of its attributes (fewer than MAX_ATTRIBUTES when some were duplicates, which libxml2 drops).
    lxml directly: trafilatura's ``load_html`` also rewrites a "/>" in the first 4 KB, which a shorter page moves."""

    def elements(markup: str) -> list[Any]:
        return list(lxml.html.fromstring(markup, parser=trafilatura.utils.HTML_PARSER).iter())

    original, defused = elements(html), elements(defuse_markup(html).html)
    assert [(e.tag, e.text, e.tail) for e in defused] == [(e.tag, e.text, e.tail) for e in original]
    for cut, whole in zip(defused, original, strict=True):
        kept = list(cut.attrib.items())
        assert kept == list(whole.attrib.items())[: len(kept)]


@PROPERTIES
@given(html=tricky_markup.map(page))
def test_a_page_within_the_limit_is_returned_as_is(html: str) -> None:
    defused = defuse_markup(html)
    assert defused.html is html and defused.trimmed_tags == 0


# --- deep nesting ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 10_000])
def test_text_past_the_parsers_depth_limit_is_not_lost(depth: int) -> None:
    """libxml2 stops at 256 levels and drops the rest of the page; the tree is known to be cut, so the
    streaming collector (which reads all of it) goes first."""
    lead = f"<p>{SENTENCE} It opens the article, before the markup goes deep.</p>" * 5  # enough words on its own
    deep = "<div>" * depth + f"<p>{SENTENCE} Deep inside.</p>" + "</div>" * depth
    html = page(lead + deep + f"<p>{SENTENCE} After the nesting.</p>")
    parsed = parse_page(html)
    assert parsed.truncated and parsed.tree is not None
    extraction = extract_html(html)
    assert "Deep inside." in extraction.text and "After the nesting." in extraction.text
    assert extraction.method == "paragraphs"
    assert extraction.notes == (
        "html: the parser stopped at a resource limit (nesting over 256 levels) before the end",
    )


def test_a_page_within_the_depth_limit_is_not_truncated() -> None:
    parsed = parse_page(page("<div>" * 200 + ARTICLE + "</div>" * 200))
    assert not parsed.truncated
    assert extract_html(page("<div>" * 200 + ARTICLE + "</div>" * 200)).method == "trafilatura_precision"


def test_unclosed_inline_tags_nested_fifty_thousand_deep() -> None:
    extraction = extract_html(page("<b><i>" * 25_000 + ARTICLE))
    assert SENTENCE in extraction.text


# --- metadata of hostile pages --------------------------------------------------------------------------------


def test_an_overlong_title_is_no_title_and_the_next_candidate_is_used() -> None:
    junk = " | ".join(["Home"] * 16_000)  # cutting " | Site" suffixes one by one was quadratic on this
    assert html_meta.clean_title(junk) is None
    tree = parse_page(
        page("<h1>Budget approved</h1>", f'<meta property="og:title" content="{junk}"><title>{junk}</title>')
    )
    assert tree.tree is not None
    assert html_meta.read_page_meta(tree.tree, None).title == "Budget approved"


def test_an_unclosed_h1_holding_the_page_is_not_the_title() -> None:
    parsed = parse_page(page("<h1>" + ARTICLE * 5))
    assert parsed.tree is not None
    assert html_meta.read_page_meta(parsed.tree, None).title is None


# --- the streaming collector ----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["<!--", "<a ", '<a b="', "<![CDATA[", "</a ", "<?x ", "<!DOCTYPE "])
def test_constructs_cut_off_by_the_end_are_read_once(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """html.parser before Python 3.13.5 re-read the rest of the page from every "<" of an unfinished construct
    (CVE-2025-6069): quadratic, a minute for 90 KB of "<a ". Count the constructs it starts to read."""
    starts = 0

    def counted(name: str) -> Callable[..., int]:
        method = getattr(html_paragraphs._BlockCollector, name)

        def wrapper(self: html_paragraphs._BlockCollector, i: int, *args: Any) -> int:
            nonlocal starts
            starts += 1
            return int(method(self, i, *args))

        return wrapper

    for name in ("parse_starttag", "parse_endtag", "parse_comment", "parse_pi", "parse_html_declaration"):
        monkeypatch.setattr(html_paragraphs._BlockCollector, name, counted(name))
    lead = f"<p>{SENTENCE}</p>"
    assert prose_blocks(lead + unit * 5_000) == [SENTENCE]
    assert starts <= 3
