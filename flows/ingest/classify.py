"""Before any NLP: which cleaned articles are unchanged, duplicates, or new/changed (and must be enriched).

The state is the index itself (ids, content hashes, pipeline versions, origins), so a new machine pointed at the
same cluster makes the same decisions; nothing lives in a local file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from elasticsearch import Elasticsearch

from flows.index.bulk import bulk_load
from flows.index.layout import get_docs
from transforms.dedup.identity import article_id
from transforms.models import CleanArticle

Verdict = Literal["enrich", "unchanged", "duplicate"]
# What a copy may have given the document (``writes.merged_fields``), kept when the same text is enriched again.
COPY_GIVEN = ["url", "source", "title", "authors", "published_at", "published_at_source"]
SOURCE_FIELDS = ["content_hash", "lineage.pipeline_version", "origin.key", "duplicates", "near_duplicates",
                 "source_hash", "first_seen_at", "ingested_at", *COPY_GIVEN]
# Recorded on a document by other inputs; kept when the document itself is written again.
CARRIED_FIELDS = ("duplicates", "near_duplicates")


@dataclass
class Decision:
    article: CleanArticle
    doc_id: str
    verdict: Verdict
    replaces: list[str] = field(default_factory=list)  # ids of this origin's outdated documents
    carried: dict[str, Any] = field(default_factory=dict)
    # duplicate: the kept document is being written by this run; the verdict stands only once it is written
    provisional: bool = False
    # enrich over another input's document with other text (the later text wins): that input, with the hash it had,
    # becomes a recorded copy, so it stays superseded while it does not change; the document's old copies lose it
    supersedes: tuple[str, str] | None = None
    orphans: list[str] = field(default_factory=list)
    # enrich over a document of the same id: when it was first indexed, kept so that an undated article's date
    # (its first-seen time) does not move each time it is written again
    first_seen_at: datetime | None = None


def first_seen(existing: dict[str, Any]) -> datetime | None:
    """Documents written before ``first_seen_at`` existed were first seen no later than their ``ingested_at``."""
    return stamp(existing.get("first_seen_at") or existing.get("ingested_at"))


def stamp(value: object) -> datetime | None:
    """A time a document holds (ISO 8601, maybe with "Z"); naive ones are UTC, as the pipeline writes them."""
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    return when if when is None or when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Copy:
    """What a copy adds to the kept document: its input, and the metadata the kept one may lack."""

    label: str
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    published_at_source: str | None = None
    authors: tuple[str, ...] = ()
    title: str | None = None

    @classmethod
    def of(cls, article: CleanArticle) -> Copy:
        return cls(article.origin.label(), article.url, article.source, article.published_at,
                   article.published_at_source, tuple(article.authors), article.title)


@dataclass
class RunMemory:
    """What this run has decided so far.

    A duplicate is only a duplicate of a document that was written: while the kept copy's write is pending, its
    copies wait in ``awaiting``; when the write fails they are decided again (the next copy becomes the kept one).
    One document per URL: when a later input gives the same URL other text, the later text wins (within a run in
    read order, across runs the later run), and the earlier input becomes a duplicate of it once it is written.
    """

    first_origin: dict[str, str] = field(default_factory=dict)  # doc id → label of the input that owns it
    kept_by_hash: dict[str, str] = field(default_factory=dict)  # content hash → doc id kept for it
    pending: set[str] = field(default_factory=set)  # doc ids decided 'enrich' whose write is not settled
    awaiting: dict[str, list[CleanArticle]] = field(default_factory=dict)  # pending doc id → its copies
    source_hashes: dict[str, str] = field(default_factory=dict)  # input label → hash of the input as read
    duplicates: dict[str, list[Copy]] = field(default_factory=dict)  # written doc id → its copies
    superseded: dict[str, list[str]] = field(default_factory=dict)  # later input → earlier owners of its URL
    read_order: dict[str, int] = field(default_factory=dict)  # input label → its place in the run's reading
    text_of: dict[str, str] = field(default_factory=dict)  # input label → content hash of its text this run

    def note_read(self, hashes: Mapping[str, str]) -> None:
        """Inputs as the run reads them, before any is skipped: a copy decided again at the end of the run (its
        kept text changed) keeps its place, earlier than the input that owns its URL."""
        self.source_hashes.update(hashes)
        for label in hashes:
            self.read_order.setdefault(label, len(self.read_order))

    def read_later(self, label: str, than: str) -> bool:
        return self.read_order.get(label, len(self.read_order)) > self.read_order.get(than, -1)

    def remember_duplicate(self, kept_id: str, article: CleanArticle | str) -> None:
        copy = Copy(article) if isinstance(article, str) else Copy.of(article)
        self.duplicates.setdefault(kept_id, []).append(copy)

    def await_write(self, kept_id: str, article: CleanArticle) -> None:
        self.awaiting.setdefault(kept_id, []).append(article)

    def written(self, doc_id: str, label: str) -> list[str]:
        """The kept copy (from input ``label``) is in the index: its waiting copies, and the earlier inputs whose
        URL it took over, are duplicates now."""
        self.pending.discard(doc_id)
        copies = [a.origin.label() for a in self.awaiting.get(doc_id, [])]
        for copy in self.awaiting.pop(doc_id, []):
            self.remember_duplicate(doc_id, copy)
        earlier = self.superseded.pop(label, [])
        for owner in earlier:
            self.remember_duplicate(doc_id, owner)
        return copies + earlier

    def forget(self, doc_id: str) -> list[str]:
        """A document this run deleted: nothing may stay a copy of it. Returns the inputs that were."""
        for text, kept in list(self.kept_by_hash.items()):
            if kept == doc_id:
                del self.kept_by_hash[text]
        self.first_origin.pop(doc_id, None)
        self.pending.discard(doc_id)
        copies = [copy.label for copy in self.duplicates.pop(doc_id, [])]
        return copies + [a.origin.label() for a in self.awaiting.pop(doc_id, [])]

    def not_written(self, doc_id: str, article: CleanArticle) -> list[CleanArticle]:
        """The kept copy failed: forget it kept anything, and hand back its copies to be decided again."""
        self.pending.discard(doc_id)
        if self.kept_by_hash.get(article.content_hash) == doc_id:
            del self.kept_by_hash[article.content_hash]
        if self.first_origin.get(doc_id) == article.origin.label():
            del self.first_origin[doc_id]
        return self.awaiting.pop(doc_id, [])


def fetch_existing(client: Elasticsearch, alias: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    return {doc["_id"]: doc["_source"] for doc in get_docs(client, alias, ids, SOURCE_FIELDS)}


def ids_by_origin(client: Elasticsearch, alias: str, articles: Sequence[CleanArticle]) -> dict[str, list[str]]:
    """Documents previously indexed from the same inputs: when an input's text changed, its id (a content hash)
    changed too, and the old document must go."""
    return ids_by_labels(client, alias, [a.origin.label() for a in articles])


def ids_by_labels(client: Elasticsearch, alias: str, labels: Sequence[str],
                  files: Sequence[str] = ()) -> dict[str, list[str]]:
    """Documents by the input that made them; ``files``: also every document of those files (all JSONL lines)."""
    keys = sorted(set(labels))
    query: dict[str, Any] = {"terms": {"origin.key": keys}}
    if files:
        query = {"bool": {"should": [query, {"terms": {"origin.path": sorted(set(files))}}]}}
    response = client.search(index=alias, size=10_000 if files else len(keys) * 4, source_includes=["origin.key"],
                             query=query)
    found: dict[str, list[str]] = {}
    for hit in response["hits"]["hits"]:
        found.setdefault(hit["_source"]["origin"]["key"], []).append(hit["_id"])
    return found


def ids_by_hash(client: Elasticsearch, alias: str, articles: Sequence[CleanArticle]) -> dict[str, tuple[str, str]]:
    """The same text under another id (another URL): an exact copy all the same. Hash → (id, owner label)."""
    hashes = sorted({a.content_hash for a in articles})
    response = client.search(index=alias, size=len(hashes) * 2, source_includes=["content_hash", "origin.key"],
                             query={"terms": {"content_hash": hashes}}, sort=[{"ingested_at": "asc"}])
    found: dict[str, tuple[str, str]] = {}
    for hit in response["hits"]["hits"]:
        found.setdefault(hit["_source"]["content_hash"], (hit["_id"], origin_label(hit["_source"])))
    return found


def input_key(label: str, source_hash: str) -> str:
    return f"{label}|{source_hash}"


def known_inputs(client: Elasticsearch, index: str, hashes: dict[str, str],
                 version: str) -> tuple[set[str], set[str]]:
    """Inputs seen before exactly as they are now, found before any cleaning: (unchanged: the input's own document
    was built from it by this pipeline version; duplicates: it is recorded as a copy on a kept document)."""
    if not hashes:
        return set(), set()
    keys = [input_key(label, h) for label, h in hashes.items()]
    query = {"bool": {"should": [{"terms": {"origin.key": sorted(hashes)}}, {"terms": {"duplicates.inputs": keys}}]}}
    hits = scan_hits(client, index, query)
    unchanged, copies, owners = set(), set(), set()
    for hit in hits:
        source = hit["_source"]
        key = source["origin"]["key"]
        owners.add(key)
        if current(source, hashes, version):
            unchanged.add(key)
        recorded = set(source.get("duplicates", {}).get("inputs", []))
        copies |= {label for label, h in hashes.items() if input_key(label, h) in recorded}
    # A leftover that holds recorded copies is their only text: it stays (deleting it would lose them).
    drop_leftovers(client, [hit for hit in hits if hit["_source"]["origin"]["key"] in unchanged
                            and not current(hit["_source"], hashes, version)
                            and not hit["_source"].get("duplicates", {}).get("inputs")])
    # a recorded copy that owns a document of its own (it said other text in between) must be decided again, so
    # that document is withdrawn
    return unchanged, copies - unchanged - owners


def current(source: dict[str, Any], hashes: Mapping[str, str], version: str) -> bool:
    """The input's document, built from the input as it is now by this pipeline version."""
    key = source["origin"]["key"]
    return source.get("source_hash") == hashes.get(key) and source["lineage"]["pipeline_version"] == version


def drop_leftovers(client: Elasticsearch, leftovers: Sequence[dict[str, Any]]) -> None:
    """Other documents of an input beside its current one: a write that did not finish (the process died between
    writing a moved document to its new month and deleting the old copy, or between writing a new text and
    deleting the old one). The input says only what its current document holds, so the others go, and any
    later run repairs what a crash left."""
    actions = [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]} for hit in leftovers]
    for item in bulk_load(client, actions):
        if not item.ok:  # a read-only month: the next run tries again
            logging.getLogger(__name__).warning("could not delete %s, left by a write that did not finish: %s",
                                                item.doc_id, item.error)
    if actions:  # searches must not find them while the run (or no run: all unchanged) goes on
        client.indices.refresh(index=sorted({hit["_index"] for hit in leftovers}))


def scan_hits(client: Elasticsearch, index: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    fields = ["origin.key", "source_hash", "lineage.pipeline_version", "duplicates.inputs"]
    response = client.search(index=index, size=10_000, source_includes=fields, query=query)
    return list(response["hits"]["hits"])


def origin_label(source: dict[str, Any]) -> str:
    return str(source.get("origin", {}).get("key", ""))


def decide(article: CleanArticle, doc_id: str, existing: dict[str, Any] | None, version: str,
           memory: RunMemory, same_text_as: str | None = None) -> Decision:
    label = article.origin.label()
    kept = memory.kept_by_hash.setdefault(article.content_hash, same_text_as or doc_id)
    if kept != doc_id:
        return duplicate_of(kept, article, memory)
    first = memory.first_origin.setdefault(doc_id, label)
    if first != label:  # the same URL again, with the same text (other text has another hash: a later version)
        return duplicate_of(doc_id, article, memory)
    if existing is None:
        return enrich(article, doc_id, memory)
    owner = origin_label(existing)
    if owner != label and existing.get("content_hash") == article.content_hash:
        if memory.text_of.get(owner, article.content_hash) == article.content_hash:
            memory.first_origin[doc_id] = owner  # its owner (not read yet, or saying it still) keeps it
            return duplicate_of(doc_id, article, memory)
        # Its owner says other text now (a line moved down a feed): this input is the text's owner.
        return rewrite(article, doc_id, memory, existing)
    same_text = existing.get("content_hash") == article.content_hash
    same_version = existing.get("lineage", {}).get("pipeline_version") == version
    if same_text and same_version and same_input(existing, memory.source_hashes.get(label)):
        return Decision(article, doc_id, "unchanged")
    if same_text:
        if same_input(existing, memory.source_hashes.get(label)):  # what the document holds beyond the input's
            article = given_by_copies(article, existing)  # own is then what its copies gave
        return rewrite(article, doc_id, memory, existing)
    decision = enrich(article, doc_id, memory)  # other text: the document's copies are copies of it no more
    decision.first_seen_at = first_seen(existing)
    decision.orphans = list(existing.get("duplicates", {}).get("paths", []))
    if owner and owner != label and existing.get("source_hash"):
        decision.supersedes = (owner, str(existing["source_hash"]))
    return decision


def rewrite(article: CleanArticle, doc_id: str, memory: RunMemory, existing: dict[str, Any]) -> Decision:
    """The same document written again: what other inputs recorded on it, and when it was first seen, stay."""
    decision = enrich(article, doc_id, memory, carried={k: existing[k] for k in CARRIED_FIELDS if k in existing})
    decision.first_seen_at = first_seen(existing)
    return decision


def given_by_copies(article: CleanArticle, existing: dict[str, Any]) -> CleanArticle:
    """The same input enriched again (a new pipeline version) keeps what its recorded copies gave the document
    where the input says nothing: the copies are unchanged, so no later run would give it back, and a publication
    date lost would change the document's date (and, by month, its index). Only for an input whose bytes did not
    change: one that dropped a value of its own must not get it back. The date is the article's before
    enrichment, so its date mentions are resolved against it."""
    if not existing.get("duplicates", {}).get("paths"):
        return article
    update: dict[str, Any] = {name: existing[name] for name in ("url", "source", "title")
                              if not getattr(article, name) and isinstance(existing.get(name), str) and existing[name]}
    if not article.authors and isinstance(existing.get("authors"), list) and existing["authors"]:
        update["authors"] = [str(author) for author in existing["authors"]]
    when = stamp(existing.get("published_at")) if article.published_at is None else None
    if when is not None:
        update.update(published_at=when, published_on=when.date(),
                      published_at_source=existing.get("published_at_source"))
    return article.model_copy(update=update) if update else article


def same_input(existing: dict[str, Any], read_hash: str | None) -> bool:
    """The same text may come with other metadata (another source, authors, date, a new ``--source``): that input
    is written again, or the document would keep metadata its input no longer says. Documents written before
    ``source_hash`` existed, and inputs whose hash is not known, are judged by their text alone."""
    recorded = existing.get("source_hash")
    return recorded is None or read_hash is None or recorded == read_hash


def enrich(article: CleanArticle, doc_id: str, memory: RunMemory, carried: dict[str, Any] | None = None) -> Decision:
    memory.pending.add(doc_id)
    return Decision(article, doc_id, "enrich", carried=carried or {})


def duplicate_of(kept: str, article: CleanArticle, memory: RunMemory) -> Decision:
    if kept in memory.pending:
        memory.await_write(kept, article)
        return Decision(article, kept, "duplicate", provisional=True)
    memory.remember_duplicate(kept, article)
    return Decision(article, kept, "duplicate")


def other_version(article: CleanArticle, doc_id: str, memory: RunMemory) -> str | None:
    """Another input of this run owns ``doc_id`` (the same URL) with other text: 'later' when this one comes
    after it in read order (it wins), 'earlier' when before (a copy decided again at the end of the run)."""
    owner = memory.first_origin.get(doc_id)
    label = article.origin.label()
    if owner is None or owner == label or memory.kept_by_hash.get(article.content_hash) is not None:
        return None
    return "later" if memory.read_later(label, owner) else "earlier"


def classify(client: Elasticsearch, alias: str, articles: Sequence[CleanArticle], version: str,
             memory: RunMemory, history: str | None = None) -> list[Decision]:
    """``history``: during a rebuild, the alias still serving the old version, where a document's first-seen time
    is kept (the new version starts empty, and an undated article's date and month are its first-seen time)."""
    ids = [article_id(a) for a in articles]
    existing = fetch_existing(client, alias, ids)
    previous = ids_by_origin(client, alias, articles)
    same_text = ids_by_hash(client, alias, articles)
    decisions: list[Decision] = []
    for article in articles:
        memory.text_of[article.origin.label()] = article.content_hash
    for article, doc_id in zip(articles, ids, strict=True):
        version_of_url = other_version(article, doc_id, memory)
        if version_of_url == "later":
            supersede(decisions, doc_id, article, memory)
        kept_text = same_text.get(article.content_hash)
        if kept_text and kept_text[1] == article.origin.label():
            kept_text = None  # the input's own earlier document (it moved to another URL): replaced, not copied
        if version_of_url == "earlier":  # the URL's text is the later input's: this one is a copy of it
            decision = duplicate_of(doc_id, article, memory)
        else:
            decision = decide(article, doc_id, existing.get(doc_id), version, memory,
                              kept_text[0] if kept_text else None)
        if decision.verdict != "unchanged":  # what this input produced before is outdated: it says other text now
            decision.replaces = [old for old in previous.get(article.origin.label(), []) if old != decision.doc_id]
        decisions.append(decision)
    rewritten = {d.doc_id for d in decisions if d.verdict == "enrich"}
    for decision in decisions:  # a document another input of the batch now writes (texts swapped) is not outdated
        decision.replaces = [old for old in decision.replaces if old not in rewritten]
    if history is not None:
        carry_first_seen(client, history, decisions)
    return decisions


def carry_first_seen(client: Elasticsearch, history: str, decisions: Sequence[Decision]) -> None:
    new = {d.doc_id: d for d in decisions if d.verdict == "enrich" and d.first_seen_at is None}
    if not new or not client.indices.exists_alias(name=history):
        return
    for doc in get_docs(client, history, list(new), ["first_seen_at", "ingested_at"]):
        new[doc["_id"]].first_seen_at = first_seen(doc["_source"])


def supersede(decisions: list[Decision], doc_id: str, article: CleanArticle, memory: RunMemory) -> None:
    """Hands ``doc_id`` to ``article``. The earlier owner, if decided in this batch, is not enriched at all and
    waits as a copy; if its write is already under way, it is counted a copy once the later text is written."""
    owner = memory.first_origin.pop(doc_id)
    for i, earlier in enumerate(decisions):
        if earlier.doc_id == doc_id and earlier.verdict == "enrich":
            decisions[i] = Decision(earlier.article, doc_id, "duplicate", provisional=True)
            memory.kept_by_hash.pop(earlier.article.content_hash, None)
            memory.pending.discard(doc_id)
            memory.await_write(doc_id, earlier.article)
            return
    memory.superseded.setdefault(article.origin.label(), []).append(owner)
