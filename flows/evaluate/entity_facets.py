"""``newsindex eval entity_facets [DIR]``: how clean the entity facets are on the BBC corpus.

Facets are what people click, so the measure is the facet itself: for each entity type, the top-N values
by number of articles, checked against a type list written once for the top values
(``data/bbc_facet_types.tsv``: value, facet, the type the value really is), plus the number of split
pairs (two buckets among the top values that are one entity: "Blair" and "Tony Blair", "EU" and
"European Union"). The enrichment transforms run directly, no index: one pass per article as the
enrich stage does, then the corpus-wide step the index's entity registry does (short forms linked to
the dominant known full name, one display name per key), so both "article" and "corpus" figures show.
The BBC text is research-only: read from /work/shared/data, never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transforms.enrich.entities_canon import analyse
from transforms.enrich.entities_keys import entity_key
from transforms.enrich.entities_links import acronym_of, initials
from transforms.enrich.entities_recognise import Mention
from transforms.enrich.entities_registry import corpus_entities
from transforms.models import Entity, EntityType

FACETS: tuple[EntityType, ...] = ("person", "organization", "location")
TYPE_LIST = Path(__file__).with_name("data") / "bbc_facet_types.tsv"
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news"
Facets = dict[EntityType, Counter[str]]


@dataclass(frozen=True)
class Outcome:
    """The facets of a corpus at both levels and the per-rule correction counts of the run."""

    article: Facets
    corpus: Facets
    corrections: Counter[str]


def read_bodies(root: Path) -> list[tuple[str, str]]:
    """(relative path, cleaned body) of each distinct article, as the clean stage makes them."""
    from transforms.clean.article import clean_article
    from transforms.models import Origin, RawArticle

    seen: set[str] = set()
    bodies: list[tuple[str, str]] = []
    for path in sorted(root.glob("*/*.txt")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # sport/199.txt
        article = clean_article(RawArticle(origin=Origin(path=str(path)), format="text", content=text))
        if article.content_hash not in seen:  # facets count deduplicated documents, as the index does
            seen.add(article.content_hash)
            bodies.append((str(path.relative_to(root)), article.body))
    return bodies


def facets_of(bodies: Sequence[str], mentions: Iterable[list[Mention]]) -> Outcome:
    per_article: list[list[Entity]] = []
    corrections: Counter[str] = Counter()
    for body, found in zip(bodies, mentions, strict=True):
        result = analyse(found, body)
        per_article.append(result.entities)
        corrections.update(result.corrections)
    return Outcome(_count(per_article), _count(corpus_level(per_article)), corrections)


def corpus_level(per_article: Sequence[list[Entity]]) -> list[list[Entity]]:
    """What the index's entity registry does (``transforms.enrich.entities_registry``)."""
    return corpus_entities(per_article).articles


def _count(per_article: Iterable[list[Entity]]) -> Facets:
    facets: Facets = {t: Counter() for t in FACETS}
    for entities in per_article:
        for etype, name in {(e.type, e.name) for e in entities if e.type in facets}:
            facets[etype][name] += 1
    return facets


def read_type_list(path: Path = TYPE_LIST) -> dict[tuple[str, str], str]:
    """(facet, value) → the type the value really is ('none' for no entity at all)."""
    labels: dict[tuple[str, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            facet, value, truth = line.split("\t")
            labels[(facet, value)] = truth
    return labels


def split_pairs(values: Sequence[str], etype: EntityType) -> list[tuple[str, str]]:
    """Pairs of values that name one entity: same key, a person's trailing names, an acronym."""
    pairs = []
    for i, short in enumerate(values):
        for full in [*values[:i], *values[i + 1 :]]:
            if short != full and _same_entity(short, full, etype):
                pairs.append((short, full))
    return pairs


def _same_entity(short: str, full: str, etype: EntityType) -> bool:
    if entity_key(short, etype) == entity_key(full, etype):
        return short < full  # count the pair once
    small, big = short.split(), full.split()
    if etype == "person":
        return len(small) < len(big) and big[-len(small) :] == small
    return len(big) > 1 and acronym_of(short) is not None and initials(full) == acronym_of(short)


@dataclass(frozen=True)
class FacetScore:
    """One facet's top values against the type list: what is wrong, what the list does not cover, splits."""

    top: int
    wrong_values: list[str]
    unlabelled: list[str]
    splits: list[tuple[str, str]]
    ambiguous: list[tuple[str, str]]

    @property
    def precision(self) -> float:
        labelled = self.top - len(self.unlabelled)
        return round(100.0 * (labelled - len(self.wrong_values)) / labelled, 2) if labelled else 0.0

    def as_json(self) -> dict[str, object]:
        return {"top": self.top, "wrong": len(self.wrong_values), "precision": self.precision,
                "wrong_values": self.wrong_values, "unlabelled": self.unlabelled,
                "split_pairs": len(self.splits), "split_examples": self.splits[:10],
                "ambiguous_pairs": len(self.ambiguous), "ambiguous_examples": self.ambiguous[:10]}  # fmt: skip


def _full_names_by_tail(values: Iterable[str], etype: EntityType) -> dict[str, set[str]]:
    """For a person facet, every full name of the whole facet (not only its top) that each trailing run
    of names belongs to: "Williams" → Serena, Shane, Robbie... Williams. A short form with more than one
    owner is an ambiguous bucket, not one entity split in two, and is counted apart."""
    owners: dict[str, set[str]] = {}
    if etype != "person":
        return owners
    for value in values:
        words = value.split()
        for cut in range(1, len(words)):
            owners.setdefault(" ".join(words[cut:]), set()).add(value)
    return owners


def score(facets: Facets, labels: dict[tuple[str, str], str], top: int, split_top: int) -> dict[str, FacetScore]:
    report: dict[str, FacetScore] = {}
    for etype in FACETS:
        values = [name for name, _ in facets[etype].most_common(top)]
        truth = [labels.get((etype, v)) for v in values]
        wrong = [v for v, t in zip(values, truth, strict=True) if t is not None and t != etype]
        unlabelled = [v for v, t in zip(values, truth, strict=True) if t is None]
        pairs = split_pairs([n for n, _ in facets[etype].most_common(split_top)], etype)
        owners = _full_names_by_tail(facets[etype], etype)
        ambiguous = [(short, full) for short, full in pairs if len(owners.get(short, ())) > 1]
        splits = [pair for pair in pairs if pair not in ambiguous]
        report[etype] = FacetScore(len(values), wrong, unlabelled, splits, ambiguous)
    return report


def recognise_bodies(bodies: Sequence[str], n_process: int) -> Iterator[list[Mention]]:
    from transforms.enrich.entities import load_ner_model, recognise

    return recognise(bodies, load_ner_model(), n_process=n_process)


def render(name: str, report: dict[str, FacetScore]) -> str:
    rows = [f"{name}: {'facet':13} {'top':>4} {'wrong':>6} {'prec%':>7} {'splits':>7} {'ambig':>6}  "
            "wrong values / unlabelled"]
    for etype, r in report.items():
        rows.append(f"{'':{len(name) + 2}}{etype:13} {r.top:>4} {len(r.wrong_values):>6} {r.precision:>7} "
                    f"{len(r.splits):>7} {len(r.ambiguous):>6}  {r.wrong_values} / {len(r.unlabelled)}: "
                    f"{r.unlabelled[:8]}")  # fmt: skip
        if r.splits:
            rows.append(f"{'':{len(name) + 2}}  split pairs: {r.splits[:10]}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsindex eval entity_facets", description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=DEFAULT_CORPUS, help="BBC corpus folder")
    parser.add_argument("--top", type=int, default=80, help="facet values checked against the type list")
    parser.add_argument("--split-top", type=int, default=200, help="facet values searched for split pairs")
    parser.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    parser.add_argument("--index", metavar="ALIAS", help=(
        "score the facets an index shows instead (e.g. after `NEWSINDEX_INDEX=bbc newsindex run CORPUS`): what "
        "Kibana and search see, with the entity registry's names"))
    args = parser.parse_args(argv)
    if args.index:
        return score_index(args.index, args.top, args.split_top)
    if not args.corpus.is_dir():
        print(f"error: {args.corpus} is not a folder", file=sys.stderr)
        return 2
    began = time.perf_counter()
    articles = read_bodies(args.corpus)
    bodies = [body for _, body in articles]
    outcome = facets_of(bodies, recognise_bodies(bodies, args.n_process))
    labels = read_type_list()
    reports = {level: score(f, labels, args.top, args.split_top)
               for level, f in (("article", outcome.article), ("corpus", outcome.corpus))}  # fmt: skip
    print(f"entity facets on {args.corpus.name}: {len(bodies)} articles, top {args.top} checked, "
          f"splits in top {args.split_top}, {time.perf_counter() - began:.0f}s")  # fmt: skip
    for level, report in reports.items():
        print(render(level, report))
    print(f"type corrections: {dict(outcome.corrections.most_common())}")
    scores = {level: {t: r.as_json() for t, r in rep.items()} for level, rep in reports.items()}
    summary = {"articles": len(bodies), "top": args.top, "split_top": args.split_top,
               "corrections": dict(outcome.corrections), **scores}  # fmt: skip
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def index_facets(alias: str, size: int) -> Facets:
    """The facets as a terms aggregation over the index returns them: documents per value."""
    from flows.es.client import connect_checked
    from flows.settings import Settings

    client = connect_checked(Settings())
    aggs: dict[str, Any] = {etype: {"terms": {"field": f"entities.{etype}", "size": size}} for etype in FACETS}
    response = client.search(index=alias, size=0, aggs=aggs)["aggregations"]
    return {etype: Counter({b["key"]: b["doc_count"] for b in response[etype]["buckets"]}) for etype in FACETS}


def registry_agreement(alias: str) -> dict[str, int]:
    """Whether the documents and the entity registry agree: every key shown under one name, the registry's, and
    counted as many times as documents show it."""
    from elasticsearch.helpers import scan

    from flows.es.client import connect_checked
    from flows.index.entity_registry import registry_entries, registry_index
    from flows.settings import Settings

    client = connect_checked(Settings())
    client.indices.refresh(index=[alias, registry_index(alias)])
    names: dict[tuple[str, str], set[str]] = {}
    documents: Counter[tuple[str, str]] = Counter()
    for hit in scan(client, index=alias, query={"query": {"match_all": {}}}, _source_includes=["entity_details"]):
        for detail in hit["_source"].get("entity_details") or []:
            eid = (detail["type"], detail["key"])
            names.setdefault(eid, set()).add(detail["name"])
            documents[eid] += 1
    registry = {(e.type, e.key): e for e in registry_entries(client, alias)}
    return {"keys": len(names), "keys_with_two_names": sum(len(n) > 1 for n in names.values()),
            "not_the_registry_name": sum(eid in registry and n != {registry[eid].name} for eid, n in names.items()),
            "not_registered": sum(eid not in registry for eid in names),
            "count_differs": sum(eid in registry and registry[eid].articles != documents[eid] for eid in names)}


def score_index(alias: str, top: int, split_top: int) -> int:
    report = score(index_facets(alias, max(top, split_top)), read_type_list(), top, split_top)
    agreement = registry_agreement(alias)
    print(f"entity facets of the index {alias}: top {top} checked, splits in top {split_top}")
    print(render("index", report))
    print("documents and entity registry: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in agreement.items()))
    print(json.dumps({"index": alias, "top": top, "split_top": split_top, "registry": agreement,
                      "scores": {t: r.as_json() for t, r in report.items()}}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
