"""The records that flow between stages: RawArticle → CleanArticle → SegmentedArticle → EnrichedArticle.

Each stage's model extends the previous one, so a later stage adds fields and never rewrites what an
earlier stage produced. All character offsets point into ``CleanArticle.body`` (end exclusive), so a
highlight, a passage or an entity can always be cut out of the stored body with ``body[start:end]``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

InputFormat = Literal["text", "html", "json"]
EntityType = Literal["person", "organization", "location", "group", "event", "product", "work", "law"]
DateMentionType = Literal["date", "time", "duration", "set"]
Granularity = Literal["time", "day", "week", "month", "season", "quarter", "half", "year", "decade", "century"]


def encodable(text: str) -> str:
    """Text that UTF-8, JSON, hashes and logs all accept: a surrogate pair written as two escapes becomes its
    character, a lone surrogate (half an emoji cut by a scraper, a file name's undecodable byte) becomes U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


ATOMS = (int, float, bool, type(None))


def encodable_value(value: Any) -> Any:
    """Called for every field of every record: plain values and built models (already checked) pass at once."""
    kind = type(value)
    if kind is str:
        return value if value.isascii() else encodable(value)
    if kind in ATOMS or isinstance(value, BaseModel):
        return value
    if kind is list or kind is tuple:
        return kind(encodable_value(v) for v in value)
    if kind is dict:
        return {encodable_value(k): encodable_value(v) for k, v in value.items()}
    return value


class Record(BaseModel):
    """Frozen, so a stage cannot mutate what it was given; it builds the next model instead.

    Every string a record holds is encodable: the guarantee is made here, once, for every stage's model, so no
    later step (a hash, a query to the index, a log line) can fail on a string a source handed in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _encodable(cls, value: Any) -> Any:
        return encodable_value(value)


class Origin(Record):
    """Where an input came from: enough to find it again, to dead-letter it and to detect it vanished."""

    path: str = Field(description="Path of the source file as given on the command line, resolved.")
    line: int | None = Field(default=None, description="1-based line of a JSONL file, or record of a WARC file.")

    def label(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


class RawArticle(Record):
    """One article as read from disk: decoded, not yet cleaned. Metadata is as the source gave it."""

    origin: Origin
    format: InputFormat
    content: str = Field(description="Decoded text; the HTML source for format 'html'.")
    encoding: str = Field(default="utf-8", description="Encoding the bytes were decoded from.")
    url: str | None = None
    title: str | None = None
    source: str | None = Field(default=None, description="Publisher name or site.")
    given_source: str | None = Field(default=None, description=(
        "The user's name for the publisher (`--source`), used when neither the input nor its page names one."))
    published_at: str | None = Field(default=None, description="Publication date as given, unparsed.")
    crawled_at: str | None = Field(default=None, description=(
        "When a crawler fetched the page (a WARC record's WARC-Date), as given: never the publication date."))
    authors: list[str] = Field(default_factory=list)
    language: str | None = Field(default=None, description="Language as declared by the source.")
    ignored_fields: int = Field(default=0, description="Unknown JSON keys that were dropped.")
    notes: list[str] = Field(default_factory=list, description=(
        "What the reader dropped or repaired, e.g. 'url: javascript: scheme dropped'; carried to the document."))


class CleanArticle(Record):
    """Main text only: boilerplate, markup and syndication footers removed, unicode repaired."""

    origin: Origin
    format: InputFormat
    encoding: str
    url: str | None = Field(default=None, description="Canonical URL when known.")
    source: str | None = None
    authors: list[str] = Field(default_factory=list)
    declared_language: str | None = None
    title: str | None = None
    body: str = Field(description="Cleaned text; paragraphs separated by a blank line.")
    published_at: datetime | None = None
    published_at_source: str | None = Field(
        default=None, description="Where the date came from: metadata, html, url or text."
    )
    published_on: date | None = Field(default=None, description=(
        "Day of publication as the source wrote it, in the publisher's time zone (published_at is UTC)."))
    published_at_confidence: float | None = Field(default=None, ge=0.0, le=1.0, description=(
        "How far to trust published_at: the share of pages dated right by the same rule on the evaluation set."))
    removed_lines: int = Field(default=0, description="Boilerplate lines dropped by the cleaner.")
    content_hash: str = Field(description="sha256 of the normalised title and body: the exact-duplicate key.")
    notes: list[str] = Field(default_factory=list, description="What reading and cleaning dropped or repaired.")


class Span(Record):
    start: int = Field(ge=0, description="Offset of the first character in the body.")
    end: int = Field(ge=0, description="Offset one past the last character in the body.")


class Paragraph(Span):
    index: int


class Sentence(Span):
    paragraph: int = Field(description="Index of the paragraph the sentence belongs to.")


class Passage(Span):
    """A few consecutive sentences of one paragraph or more: the unit of passage search."""

    index: int
    first_sentence: int
    last_sentence: int


class SegmentedArticle(CleanArticle):
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    passages: list[Passage]


class LanguageGuess(Record):
    code: str = Field(description="ISO 639-1 code, or 'und' when undecidable.")
    probability: float = Field(ge=0.0, le=1.0)
    method: str = Field(description="Which detector decided, e.g. 'langdetect', 'lingua', 'declared'.")


class Entity(Record):
    """One entity of an article after canonicalisation: all its mentions folded under one name."""

    name: str = Field(description="Canonical name: the longest full form seen in the article.")
    type: EntityType
    count: int = Field(ge=1)
    first_offset: int = Field(ge=0)
    key: str = Field(description=(
        "Normalised name (case, diacritics, hyphens, titles, articles folded): with the type, what a corpus-wide "
        "registry groups on to give every document the same display name."))
    mentions: list[str] = Field(description="Distinct surface forms, in order of appearance.")
    spans: list[Span] = Field(
        description="Where each mention is in the body, in order: body[start:end] is its surface."
    )


class DateMention(Record):
    """A temporal expression, TIMEX3-style, normalised against the publication date when there is one."""

    text: str
    start: int
    end: int
    type: DateMentionType
    value: str | None = Field(
        default=None, description="TIMEX3 value: 2024-10-29, 2024-W44, 2024-10, 2024-Q4, P3D, XXXX-WXX-2 …"
    )
    granularity: Granularity | None = None
    resolved: bool = Field(description="False when the value could not be anchored to a calendar date.")
    range_start: date | None = Field(default=None, description="First calendar day the mention covers.")
    range_end: date | None = Field(default=None, description="Last calendar day the mention covers.")


class Lineage(Record):
    pipeline_version: str
    models: dict[str, str] = Field(description="Package name → version of every model that shaped the document.")


class EnrichedArticle(SegmentedArticle):
    language: LanguageGuess
    paragraph_languages: list[LanguageGuess]
    entities: list[Entity]
    entities_status: str = Field(description="'ok', or why no entities were extracted.")
    entity_corrections: dict[str, int] = Field(default_factory=dict, description=(
        "How many spans each type-correction rule changed or dropped (transforms/enrich/entities_types.py)."))
    date_mentions: list[DateMention]
    lineage: Lineage
