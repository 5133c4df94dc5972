"""EnrichedArticle → the JSON document the mapping in index_mappings/ describes."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from datetime import date as date_type
from typing import Any

from transforms.models import EnrichedArticle, Entity

# The shape of the document built here: bump it in review when a field is added, removed or computed otherwise, so
# that documents built the old way are built again (``flows/version.py``).
DOCUMENT_VERSION = 4  # 2: notes; 3: date, date_source, first_seen_at, mentioned_dates_in_range; 4: entity_keys

# Bodies in these languages also go to a field analysed for that language (English is the body's own analysis).
LANGUAGE_FIELDS = frozenset({"de", "fr", "es", "it", "nl", "pt", "ru"})
EARLIEST_MENTION = date_type(1900, 1, 1)


def entities_by_type(entities: list[Entity]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        grouped[entity.type].append(entity.name)
    return dict(grouped)


def entity_fields(entities: list[Entity]) -> dict[str, Any]:
    """Every field built from the entities: the registry's renames rewrite exactly these."""
    return {"entities": entities_by_type(entities), "entity_names": [e.name for e in entities],
            "entity_keys": sorted({f"{e.type}|{e.key}" for e in entities}),
            "entity_details": [e.model_dump() for e in entities]}


def date_fields(article: EnrichedArticle, article_date: datetime) -> dict[str, Any]:
    mentions = [m.model_dump(mode="json") for m in article.date_mentions]
    resolved = sorted({m.range_start for m in article.date_mentions if m.resolved and m.range_start})
    values = sorted({m.value for m in article.date_mentions if m.value})
    return {"date_mentions": mentions, "mentioned_dates": [day.isoformat() for day in resolved],
            "mentioned_dates_in_range": [day.isoformat() for day in resolved if plausible_mention(day, article_date)],
            "mentioned_values": values}


def plausible_mention(day: date_type, article_date: datetime) -> bool:
    """A chart of mentions spans year 1 to 2050 on news text ("the year 1", a misread "2050 troops"); the range a
    chart can show is from 1900 to the end of the tenth year after the article."""
    return EARLIEST_MENTION <= day <= date_type(min(article_date.year + 10, 9999), 12, 31)


def dated(article: EnrichedArticle, first_seen_at: datetime) -> dict[str, Any]:
    """A date every document has, to sort and filter on (Kibana's time field): most inputs (bare text files) carry
    no publication date, and a time field they lack hides them from every time-filtered view."""
    if article.published_at:
        return {"date": article.published_at.isoformat(), "date_source": "published"}
    return {"date": first_seen_at.isoformat(), "date_source": "first_seen"}


def passages(article: EnrichedArticle) -> list[dict[str, Any]]:
    return [{"index": p.index, "start": p.start, "end": p.end, "text": article.body[p.start : p.end]}
            for p in article.passages]


def to_document(article: EnrichedArticle, doc_id: str, ingested_at: datetime | None = None,
                first_seen_at: datetime | None = None) -> dict[str, Any]:
    """``first_seen_at``: when an earlier version of this document was indexed, so that rewriting it (a new
    pipeline version, changed text under the same URL) does not move an undated article to today."""
    language = article.language.code
    ingested_at = ingested_at or datetime.now(UTC)
    first_seen_at = first_seen_at or ingested_at
    article_date = article.published_at or first_seen_at
    return {
        "id": doc_id,
        "url": article.url,
        "source": article.source,
        "authors": article.authors,
        "title": article.title,
        "body": article.body,
        "lang_body": {language: article.body} if language in LANGUAGE_FIELDS else {},
        "language": language,
        "language_probability": article.language.probability,
        "language_method": article.language.method,
        "paragraph_languages": sorted({p.code for p in article.paragraph_languages}),
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "published_at_source": article.published_at_source,
        "ingested_at": ingested_at.isoformat(),
        "first_seen_at": first_seen_at.isoformat(),
        **dated(article, first_seen_at),
        **entity_fields(article.entities),
        "entities_status": article.entities_status,
        **date_fields(article, article_date),
        "passages": passages(article),
        "paragraphs": [[p.start, p.end] for p in article.paragraphs],
        "sentences": [[s.start, s.end] for s in article.sentences],
        "word_count": len(article.body.split()),
        "content_hash": article.content_hash,
        "origin": {"key": article.origin.label(), "path": article.origin.path, "line": article.origin.line,
                   "format": article.format, "encoding": article.encoding},
        "lineage": article.lineage.model_dump(),
        "removed_lines": article.removed_lines,
        "notes": article.notes,
    }
