"""EnrichedArticle → the JSON document the mapping in index_mappings/ describes."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from transforms.models import EnrichedArticle

# The shape of the document built here: bump it in review when a field is added, removed or computed otherwise, so
# that documents built the old way are built again (``flows/version.py``).
DOCUMENT_VERSION = 2  # 2: notes

# Bodies in these languages also go to a field analysed for that language (English is the body's own analysis).
LANGUAGE_FIELDS = frozenset({"de", "fr", "es", "it", "nl", "pt", "ru"})


def entities_by_type(article: EnrichedArticle) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for entity in article.entities:
        grouped[entity.type].append(entity.name)
    return dict(grouped)


def date_fields(article: EnrichedArticle) -> dict[str, Any]:
    mentions = [m.model_dump(mode="json") for m in article.date_mentions]
    days = sorted({m.range_start.isoformat() for m in article.date_mentions if m.resolved and m.range_start})
    values = sorted({m.value for m in article.date_mentions if m.value})
    return {"date_mentions": mentions, "mentioned_dates": days, "mentioned_values": values}


def passages(article: EnrichedArticle) -> list[dict[str, Any]]:
    return [{"index": p.index, "start": p.start, "end": p.end, "text": article.body[p.start : p.end]}
            for p in article.passages]


def to_document(article: EnrichedArticle, doc_id: str, ingested_at: datetime | None = None) -> dict[str, Any]:
    language = article.language.code
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
        "ingested_at": (ingested_at or datetime.now(UTC)).isoformat(),
        "entities": entities_by_type(article),
        "entity_names": [e.name for e in article.entities],
        "entities_status": article.entities_status,
        "entity_details": [e.model_dump() for e in article.entities],
        **date_fields(article),
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
