"""The clean stage's one entry point: ``RawArticle`` → ``CleanArticle``.

Order matters: unicode is repaired before the body is assembled, and nothing touches the body
after it is built, because every later offset indexes into it. Metadata the source gave
(JSON records) wins over what is read from the page, which is a guess by comparison.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from transforms.clean.boilerplate import drop_boilerplate
from transforms.clean.html import HtmlExtraction, extract_html
from transforms.clean.published import date_from_url, dateline, to_utc
from transforms.clean.published_choice import CONFIDENCE, Evidence, PublishedDate, as_evidence, choose_published
from transforms.clean.repair import repair_text
from transforms.clean.text import CleanText, clean_text, drop_repeated_title, normalize_lines
from transforms.errors import RejectedArticle
from transforms.models import CleanArticle, RawArticle

_WORD = re.compile(r"\w")
# Longer bodies are not news articles (logs, dumps, books): NER alone would take minutes on them.
MAX_BODY_CHARS = 2_000_000
MAX_QUOTED = 60  # characters of a value quoted in a note


def content_hash(body: str, title: str | None = None) -> str:
    """Exact-duplicate key: NFKC and collapsed whitespace, so layout differences vanish. Case is kept: an edit
    that only changes case ("Grand Slam" → "grand slam") is a new version, which near-duplicate detection links.

    The headline is part of the text: the same body under another headline is a re-publication (a near-duplicate,
    kept and linked), not a copy.
    """
    text = f"{title or ''}\n{body}"
    normalised = " ".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _repaired(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(repair_text(value).split())
    return text or None


def _clean_html(raw: RawArticle) -> tuple[CleanText, HtmlExtraction]:
    """Each extracted line is a paragraph already; only boilerplate and a repeated title go. The lines the
    extractors did not agree on were dropped before and count as removed too."""
    extraction = extract_html(raw.content, raw.url)
    title = _repaired(raw.title) or _repaired(extraction.meta.title)
    lines = [line for line in normalize_lines(repair_text(extraction.text)) if line]
    paragraphs, removed = drop_boilerplate(lines)
    removed += extraction.unconfirmed_lines
    return CleanText(title, drop_repeated_title(paragraphs, title), removed), extraction


def _published(raw: RawArticle, extraction: HtmlExtraction | None, body: str,
               notes: list[str]) -> PublishedDate | None:
    """Given metadata, then the page's own choice (``published_choice``), then the URL, then a dateline. A given
    date that does not parse is noted: the source said something, and the document says it was not understood."""
    given = as_evidence(raw.published_at, "published")
    if given:
        return PublishedDate(to_utc(given.written), given.day, "metadata", CONFIDENCE["declared"], given.value)
    if raw.published_at:
        notes.append(f"published_at: not a date, dropped ({raw.published_at[:MAX_QUOTED]!r})")
    if extraction is not None and extraction.published_date:
        return extraction.published_date
    return choose_published((), url=_url_evidence(raw.url), dateline=as_evidence(dateline(body), "dateline"))


def _url_evidence(url: str | None) -> Evidence | None:
    found = date_from_url(url)
    return Evidence(found, "url", found.date().isoformat()) if found else None


def clean_article(raw: RawArticle) -> CleanArticle:
    """Main text, metadata and publication date of one article; ``RejectedArticle`` when nothing is left."""
    extraction: HtmlExtraction | None = None
    if raw.format == "html":
        cleaned, extraction = _clean_html(raw)
    else:
        cleaned = clean_text(repair_text(raw.content), title=_repaired(raw.title))
    body = cleaned.body
    if len(body) > MAX_BODY_CHARS:
        raise RejectedArticle("clean", "too_long", f"{len(body):,} characters of text, over {MAX_BODY_CHARS:,}")
    if not _WORD.search(body):
        raise RejectedArticle("clean", "empty_body", f"no text left after cleaning {raw.origin.label()}")
    meta = extraction.meta if extraction is not None else None
    notes = [*raw.notes, *(extraction.notes if extraction is not None else ())]
    published = _published(raw, extraction, raw.content if extraction is None else body, notes)
    return CleanArticle(
        origin=raw.origin,
        format=raw.format,
        encoding=raw.encoding,
        url=raw.url or (meta.canonical_url if meta else None),
        source=_repaired(raw.source) or (meta.site_name if meta else None) or _repaired(raw.given_source),
        authors=raw.authors or (meta.authors if meta else []),
        declared_language=raw.language or (meta.language if meta else None),
        title=cleaned.title,
        body=body,
        published_at=published.at if published else None,
        published_at_source=published.source if published else None,
        published_on=published.day if published else None,
        published_at_confidence=published.confidence if published else None,
        removed_lines=cleaned.removed_lines,
        content_hash=content_hash(body, cleaned.title),
        notes=notes,
    )
