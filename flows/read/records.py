"""One JSON object → one RawArticle: field aliases, type coercion, and a count of what was dropped.

Dumps from crawlers, APIs (NewsAPI's ``{"source": {"name": …}}``) and datasets name the same things
differently, so keys are matched case-insensitively against a few aliases; the first alias present wins.
Scalars are coerced to strings (an epoch ``published_at`` stays for the clean stage to parse); a
structure where a string is expected is rejected with ``invalid_field`` rather than stringified into noise.
"""

from __future__ import annotations

import re
from typing import Any

from transforms.errors import RejectedArticle
from transforms.models import InputFormat, Origin, RawArticle

TEXT_KEYS = ("body", "text", "content", "html")
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "canonical_url"),
    "title": ("title", "headline"),
    "source": ("source", "publisher", "site_name"),
    "published_at": ("published_at", "date", "published", "pubdate", "publishedat", "date_published"),
    "authors": ("authors", "author", "byline"),
    "language": ("language", "lang"),
}
_KNOWN_KEYS = frozenset(TEXT_KEYS).union(*FIELD_ALIASES.values())
_STARTS_WITH_TAG = re.compile(r"\s*<(?:!--|!doctype\b|/?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>)", re.IGNORECASE)


def record_to_article(record: Any, origin: Origin, encoding: str) -> RawArticle:
    """Map a parsed JSON value; raises ``RejectedArticle`` (not_an_object, missing_text, invalid_field)."""
    if not isinstance(record, dict):
        raise RejectedArticle("read", "not_an_object", f"expected a JSON object, got {_json_type(record)}")
    fields = _lowercase_keys(record)
    content = _text(fields)
    return RawArticle(
        origin=origin,
        format=_content_format(content),
        content=content,
        encoding=encoding,
        url=_string(fields, "url"),
        title=_string(fields, "title"),
        source=_string(fields, "source"),
        published_at=_string(fields, "published_at"),
        authors=_authors(fields),
        language=_string(fields, "language"),
        ignored_fields=sum(1 for key in fields if key not in _KNOWN_KEYS),
    )


def _lowercase_keys(record: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in record.items():
        fields.setdefault(key.lower(), value)
    return fields


def _text(fields: dict[str, Any]) -> str:
    for key in TEXT_KEYS:
        value = fields.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            text = value
        elif isinstance(value, list) and all(isinstance(part, str) for part in value):
            text = "\n\n".join(value)  # a list of paragraphs
        else:
            raise RejectedArticle("read", "invalid_field", f"'{key}' is {_json_type(value)}, not text")
        if not text.strip():
            raise RejectedArticle("read", "empty_input", f"'{key}' is empty")
        return text
    raise RejectedArticle("read", "missing_text", f"none of the fields {', '.join(TEXT_KEYS)}")


def _content_format(content: str) -> InputFormat:
    return "html" if _STARTS_WITH_TAG.match(content) else "json"


def _string(fields: dict[str, Any], name: str) -> str | None:
    for key in FIELD_ALIASES[name]:
        if fields.get(key) is not None:
            return _coerce(fields[key], key)
    return None


def _coerce(value: Any, key: str) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        value = value["name"]  # {"source": {"id": …, "name": "BBC News"}}
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RejectedArticle("read", "invalid_field", f"'{key}' is {_json_type(value)}, not a string")
    text = str(value).strip()
    return text or None


def _authors(fields: dict[str, Any]) -> list[str]:
    for key in FIELD_ALIASES["authors"]:
        value = fields.get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        authors = [_coerce(author, key) for author in values]
        return list(dict.fromkeys(author for author in authors if author))
    return []


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
