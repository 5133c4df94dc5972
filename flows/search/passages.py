"""`newsindex passages`: passage-level hits from the `articles-passages` template, with body offsets.

A passage hit carries offsets into the article's stored body, so an application can cut the passage (and the
sentences holding the matched terms) out of the text it already has, or link to a position in it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from elasticsearch import Elasticsearch

from flows.search.limits import check_per_article, check_window
from flows.search.query import clean_query, for_terminal, parse_filters, plain_highlight
from flows.search.render import render

TEMPLATE = "articles-passages"
PRE, POST = "<em>", "</em>"
_MARK = re.compile(f"{re.escape(PRE)}(.*?){re.escape(POST)}", re.DOTALL)
_HTML_ESCAPES = {'"': "&quot;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#x27;", "/": "&#x2F;"}


@dataclass(frozen=True)
class PassageHit:
    article_id: str
    title: str | None
    path: str | None
    score: float
    index: int
    start: int
    end: int
    text: str
    highlight: str
    marks: list[tuple[int, int]]
    sentences: list[tuple[int, int]]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def passage_params(query: str, filters: Sequence[str], size: int = 10, offset: int = 0,
                   per_article: int = 3) -> dict[str, Any]:
    check_window(size, offset)
    check_per_article(per_article)
    return {"query": clean_query(query), "size": size, "from": offset, "passages_per_article": per_article,
            **parse_filters(filters)}


def run_passages(client: Elasticsearch, alias: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.search(index=alias, **render(TEMPLATE, params)).body  # type: ignore[no-any-return]


def unmark(highlighted: str) -> tuple[str, list[tuple[int, int]]]:
    """The raw text of an html-encoded highlight, and the spans of the marked terms in it.

    The templates' encoder is html, so a mark is always a tag and any `<` of the article arrives as `&lt;`.
    """
    plain, spans, last = [], [], 0
    position = 0
    for match in _MARK.finditer(highlighted):
        before, marked = html.unescape(highlighted[last:match.start()]), html.unescape(match.group(1))
        plain.append(before)
        position += len(before)
        spans.append((position, position + len(marked)))
        plain.append(marked)
        position += len(marked)
        last = match.end()
    plain.append(html.unescape(highlighted[last:]))
    return "".join(plain), spans


def encode_html(text: str) -> str:
    """Text escaped as the node's html encoder escapes it (Lucene's SimpleHTMLEncoder)."""
    return "".join(_HTML_ESCAPES.get(char, char) for char in text)


def sentences_with(marks: Sequence[tuple[int, int]], sentences: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Sentences (body offsets) that hold at least one mark (body offsets), in body order."""
    return [(int(start), int(end)) for start, end in sentences
            if any(start <= m_start < end for m_start, _ in marks)]


def _highlight_of(inner: dict[str, Any], text: str) -> tuple[str, list[tuple[int, int]]]:
    """The first highlight whose plain text is the passage itself; offsets are only trusted then. Without one, the
    passage escaped like a highlight, so an application can show either as HTML."""
    for fragment in inner.get("highlight", {}).get("passages.text", []):
        plain, spans = unmark(fragment)
        if plain == text:
            return fragment, spans
    return encode_html(text), []


def passage_hits(response: dict[str, Any]) -> list[PassageHit]:
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        inner_hits = hit.get("inner_hits", {}).get("passages", {}).get("hits", {}).get("hits", [])
        for inner in inner_hits:
            passage = inner["_source"]
            start, text = int(passage["start"]), passage["text"]
            highlight, spans = _highlight_of(inner, text)
            marks = [(start + a, start + b) for a, b in spans]
            hits.append(PassageHit(
                article_id=hit["_id"], title=source.get("title"), path=source.get("origin", {}).get("path"),
                score=float(inner.get("_score") or 0.0), index=int(passage.get("index", inner["_nested"]["offset"])),
                start=start, end=int(passage["end"]), text=text, highlight=highlight, marks=marks,
                sentences=sentences_with(marks, source.get("sentences") or [])))
    return hits


def format_passages(response: dict[str, Any]) -> str:
    hits = passage_hits(response)
    lines = [f"{response['hits']['total']['value']} article(s), {len(hits)} passage(s) shown"]
    for rank, hit in enumerate(hits, 1):
        label = for_terminal(hit.title or hit.path or hit.article_id)
        lines.append(f"\n{rank}. {label}  [{hit.article_id}  passage {hit.index}  body[{hit.start}:{hit.end}]"
                     f"  score {hit.score:.2f}]")
        lines.append(f"   {plain_highlight(hit.highlight)}")
        if hit.sentences:
            lines.append("   sentences: " + ", ".join(f"[{a}:{b}]" for a, b in hit.sentences))
    return "\n".join(lines)
