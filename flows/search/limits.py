"""Bounds on what a user may ask of the node: page sizes, dates, and how much work one query text can cause.

A simple_query_string term is a clause on each of the template's fields, and a prefix (`word*`) expands to every
indexed term it starts; a query of thousands of them kept the node busy for tens of seconds. So the text is cut
to a few hundred characters and 64 terms, only a few long-enough prefixes are expanded, fuzzy and slop operators
are dropped (and turned off in the templates' `flags`, for applications that send text straight to them), and
every template gives the node a `timeout`. Each cut is reported as a note, never made silently.
"""

from __future__ import annotations

import re
from datetime import datetime

MAX_QUERY_CHARS = 512
MAX_QUERY_TERMS = 64
MAX_PREFIX_TERMS = 8
MIN_PREFIX_CHARS = 3
MAX_FILTER_CHARS = 256
MAX_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # the node's index.max_result_window: from + size beyond it is refused
MAX_PASSAGES_PER_ARTICLE = 20
DATE_FILTERS = ("published_from", "published_to", "date_from", "date_to", "mentioned_from", "mentioned_to")
BROWSE = "*"  # a query of every article, as people type it: the same as an empty one

# What the node's tokenizers make a term of, counted generously: each Han or kana character, each run of other
# word characters, each other non-ASCII symbol (an emoji is a term of its own).
_IDEOGRAPH = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
TERM = re.compile(rf"[{_IDEOGRAPH}]|[^\W{_IDEOGRAPH}]+|[^\w\s\x00-\x7f]")
_TILDE = re.compile(r"(?<=[^\s|+()~])~[\d.]*")  # fuzzy `word~2` and slop `"a phrase"~5`
_BETWEEN_TERMS = re.compile(r'([\s|+()"]+)')  # where simple_query_string ends a term (whitespace, operators)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?", re.ASCII)
_DATE_MATH = re.compile(r"now([+-]\d{1,6}[yMwdhHms])*(/[yMwdhHms])?", re.ASCII)


class BadValue(ValueError):
    """A value the search cannot take: out of bounds, not a date, not text. One line for the user."""


class BadFilter(BadValue):
    """A --filter that is not FIELD=VALUE with a known FIELD and a usable value."""


def check_text(text: str, what: str) -> str:
    """Refuses lone surrogates (undecodable bytes in argv arrive so): JSON and the node take only UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue(f"{what} is not valid UTF-8 text (check the terminal's encoding)") from None
    return text


def check_date(field: str, value: str) -> str:
    """ISO dates as the mapping's strict_date_optional_time reads them, or `now` date math. Nothing else: the node
    would read a bare number as epoch milliseconds and answer other text with a 400."""
    if _DATE_MATH.fullmatch(value):
        return value
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadFilter(
            f"--filter {field}={value!r}: expected an ISO date such as 2024-05-31 (optionally with a "
            f"time, 2024-05-31T12:00:00Z) or date math such as now-7d"
        ) from None
    return value


def check_filter_value(field: str, value: str, option: str = "--filter") -> str:
    if len(value) > MAX_FILTER_CHARS:
        label = f"{option} {field}=…" if option == "--filter" else option
        raise BadFilter(f"{label}: {len(value)} characters, at most {MAX_FILTER_CHARS} are taken")
    return check_date(field, value) if field in DATE_FILTERS else value


def check_window(size: int, offset: int = 0) -> None:
    """The project's page size, and the node's own bound on paging (from + size within the result window)."""
    if not 1 <= size <= MAX_SIZE:
        raise BadValue(f"--size {size}: expected 1 to {MAX_SIZE} hits")
    if offset < 0:
        raise BadValue(f"--offset {offset}: expected 0 or more")
    if offset + size > MAX_RESULT_WINDOW:
        raise BadValue(
            f"--offset {offset} with --size {size}: only the first {MAX_RESULT_WINDOW} hits can be paged "
            f"through (offset + size <= {MAX_RESULT_WINDOW}); narrow the query or the filters"
        )


def check_per_article(per_article: int) -> None:
    if not 1 <= per_article <= MAX_PASSAGES_PER_ARTICLE:
        raise BadValue(f"--per-article {per_article}: expected 1 to {MAX_PASSAGES_PER_ARTICLE} passages")


def bound_query(query: str) -> tuple[str, list[str]]:
    """User text as the templates take it, and a note for each cut that kept the request bounded.

    Its syntax is otherwise left to simple_query_string, which never raises on malformed input and only searches
    the fields the template names.
    """
    text, notes = check_text(query, "the query").strip(), list[str]()
    if text == BROWSE:
        return "", notes
    for step in (cut_chars, drop_tildes, cut_terms, limit_prefixes):
        text, note = step(text)
        if note:
            notes.append(note)
    return text, notes


def cut_chars(text: str) -> tuple[str, str | None]:
    if len(text) <= MAX_QUERY_CHARS:
        return text, None
    cut = text[:MAX_QUERY_CHARS]
    text = cut.rsplit(None, 1)[0] if " " in cut else cut
    return text, f"the query was cut to its first {len(text)} characters (at most {MAX_QUERY_CHARS} are read)"


def drop_tildes(text: str) -> tuple[str, str | None]:
    text, count = _TILDE.subn(" ", text)
    if not count:
        return text, None
    return " ".join(text.split()), f"'~' (fuzzy and slop) is not supported: dropped from {count} term(s)"


def cut_terms(text: str) -> tuple[str, str | None]:
    terms = list(TERM.finditer(text))
    if len(terms) <= MAX_QUERY_TERMS:
        return text, None
    return text[: terms[MAX_QUERY_TERMS - 1].end()], (
        f"the query was cut to its first {MAX_QUERY_TERMS} terms (it had {len(terms)})"
    )


def limit_prefixes(text: str) -> tuple[str, str | None]:
    """Plain terms for the prefixes that would expand too far (short ones, and all after the first few)."""
    parts, kept, dropped = _BETWEEN_TERMS.split(text), 0, 0
    for i in range(0, len(parts), 2):  # odd items are the separators split() keeps
        if not parts[i].endswith("*"):
            continue
        stem = parts[i].rstrip("*").lstrip("-")
        if kept < MAX_PREFIX_TERMS and len(stem) >= MIN_PREFIX_CHARS and TERM.search(stem):
            kept += 1
        else:
            parts[i], dropped = parts[i].rstrip("*"), dropped + 1
    note = (
        (
            f"'*' was dropped from {dropped} term(s): at most {MAX_PREFIX_TERMS} prefixes of at least "
            f"{MIN_PREFIX_CHARS} characters each are expanded"
        )
        if dropped
        else None
    )
    return "".join(parts).strip(), note
