"""One JSON object → one RawArticle: field aliases, type coercion, and a note for every value dropped.

Dumps from crawlers, APIs (NewsAPI's ``{"source": {"name": …}}``) and datasets name the same things
differently, so keys are matched case-insensitively against a few aliases; the first alias present wins.
Scalars are coerced to strings (an epoch ``published_at`` stays for the clean stage to parse, and so does a
date it cannot parse: the reader keeps what the source said). A structure where a string is expected is
rejected with ``invalid_field`` rather than stringified into noise. A value that is well-formed but unusable
is dropped and the article kept, with a note saying so: a number too large for a float (``1e999`` would
become "inf"), or a URL that is not http(s) (``javascript:``, ``data:``, ``file:``…), which no reader of
the index should ever be handed as a link.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlsplit

from transforms.errors import RejectedArticle
from transforms.models import InputFormat, Origin, RawArticle, encodable

TEXT_KEYS = ("body", "text", "content", "html")
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "canonical_url"),
    "title": ("title", "headline"),
    "source": ("source", "publisher", "site_name"),
    "published_at": ("published_at", "date", "published", "pubdate", "publishedat", "date_published"),
    "authors": ("authors", "author", "byline"),
    "language": ("language", "lang"),
}
WEB_SCHEMES = frozenset({"http", "https"})
_KNOWN_KEYS = frozenset(TEXT_KEYS).union(*FIELD_ALIASES.values())
_STARTS_WITH_TAG = re.compile(r"\s*<(?:!--|!doctype\b|/?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_SCHEME_IN_NOTE = 20


def record_to_article(record: Any, origin: Origin, encoding: str, notes: list[str] | None = None) -> RawArticle:
    """Map a parsed JSON value; raises ``RejectedArticle`` (not_an_object, missing_text, invalid_field)."""
    if not isinstance(record, dict):
        raise RejectedArticle("read", "not_an_object", f"expected a JSON object, got {_json_type(record)}")
    fields = _lowercase_keys(record)
    notes = list(notes or [])
    content = _text(fields)
    url = _url(fields, notes)
    title, source = _string(fields, "title", notes), _string(fields, "source", notes)
    published_at, language = _string(fields, "published_at", notes), _string(fields, "language", notes)
    authors = _authors(fields, notes)
    return RawArticle(
        origin=origin,
        format=_content_format(content),
        content=content,
        encoding=encoding,
        url=url,
        title=title,
        source=source,
        published_at=published_at,
        authors=authors,
        language=language,
        ignored_fields=sum(1 for key in fields if key not in _KNOWN_KEYS),
        notes=notes,
    )


def url_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute http(s) URL with a host (None: it is one), said without quoting it."""
    if _CONTROL.search(text):
        return "control characters"  # browsers strip them: "java\tscript:" runs as "javascript:"
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return "malformed"
    scheme = parts.scheme.lower()
    if not scheme:
        return "relative, no scheme"
    if scheme not in WEB_SCHEMES:
        return f"scheme '{scheme[:_MAX_SCHEME_IN_NOTE]}:'"
    return None if host else "no host"


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
        return encodable(text)
    raise RejectedArticle("read", "missing_text", f"none of the fields {', '.join(TEXT_KEYS)}")


def _content_format(content: str) -> InputFormat:
    return "html" if _STARTS_WITH_TAG.match(content) else "json"


def _string(fields: dict[str, Any], name: str, notes: list[str]) -> str | None:
    for key in FIELD_ALIASES[name]:
        if fields.get(key) is not None:
            return _coerce(fields[key], key, notes)
    return None


def _url(fields: dict[str, Any], notes: list[str]) -> str | None:
    """The first alias that holds a web URL; each one that holds something else is noted and passed over."""
    for key in FIELD_ALIASES["url"]:
        if fields.get(key) is None:
            continue  # absent, not dropped: nothing to note
        text = _coerce(fields[key], key, notes)
        if text is None:
            continue
        problem = url_problem(text)
        if problem is None:
            return text
        notes.append(f"{key}: URL dropped ({problem})")
    return None


def _coerce(value: Any, key: str, notes: list[str]) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        value = value["name"]  # {"source": {"id": …, "name": "BBC News"}}
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RejectedArticle("read", "invalid_field", f"'{key}' is {_json_type(value)}, not a string")
    if isinstance(value, float) and not math.isfinite(value):
        notes.append(f"{key}: number out of range dropped")
        return None
    text = encodable(str(value)).strip()
    return text or None


def _authors(fields: dict[str, Any], notes: list[str]) -> list[str]:
    for key in FIELD_ALIASES["authors"]:
        value = fields.get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        authors = [_coerce(author, key, notes) for author in values]
        return list(dict.fromkeys(author for author in authors if author))
    return []


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
