"""Deterministic document ids: the same article always gets the same ``_id``, so every retry is idempotent."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from transforms.models import CleanArticle, RawArticle

TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ref", "cmpid", "ocid")


def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, fragment and tracking parameters dropped, trailing slash normalised."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PREFIXES)]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(query)), ""))


def article_id(article: CleanArticle) -> str:
    """The canonical URL when there is one, else the content hash: a re-published copy under another URL is a
    different document (and a duplicate for dedup), the same URL fetched twice is the same document."""
    if article.url and urlsplit(article.url).netloc:
        return "u-" + hashlib.sha256(canonical_url(article.url).encode()).hexdigest()[:32]
    return "h-" + article.content_hash[:32]


def source_hash(raw: RawArticle) -> str:
    """The input exactly as read (text and metadata): equal on a re-run means nothing upstream of the index changed,
    so the input can be skipped before it is even cleaned."""
    digest = hashlib.sha256()
    for part in (raw.format, raw.url, raw.title, raw.source, raw.published_at, raw.language, *raw.authors):
        digest.update((part or "").encode() + b"\x1f")
    digest.update(raw.content.encode("utf-8", "surrogatepass"))
    if raw.given_source:  # only when given, so the hashes of inputs without one stay what they were
        digest.update(b"\x1egiven_source\x1f" + raw.given_source.encode())
    return digest.hexdigest()
