"""Cost of the dedup + story step per article, next to the NER budget that dominates a run (~7k words/s).

    .venv/bin/python benchmarks/dedup_cost.py                       # BBC raw texts: signatures + terms-only stories
    .venv/bin/python benchmarks/dedup_cost.py --enriched bbc.jsonl  # `newsindex enrich … --json` output: real
                                                                    # entities, and the story size distribution

Measures the pure work only (signature, story candidate, batch-internal matching against a pool of previously
seen articles) and prints the story size distribution. What near-duplicates and stories add to a real run, lookups
included, is measured by `python -m benchmarks.pipeline --dedup-ab PAIRS`.
"""

from __future__ import annotations

import argparse
import glob
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from transforms.dedup import near, stories

NER_WORDS_PER_SECOND = 7000
BATCH = 256
POOL_PER_ARTICLE = 10  # what the story lookup retrieves per article from the index
NOW = datetime(2024, 11, 1, tzinfo=UTC)


def raw_docs(pattern: str) -> Iterator[tuple[str, dict]]:
    for path in sorted(glob.glob(pattern)):
        text = Path(path).read_bytes().decode("utf-8", "replace")
        yield path, {"body": text, "entity_details": [], "ingested_at": NOW.isoformat()}


def enriched_docs(path: str) -> Iterator[tuple[str, dict]]:
    seen = set()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc["id"] not in seen:  # exact duplicates never reach this step
                seen.add(doc["id"])
                yield doc["id"], {**doc, "ingested_at": NOW.isoformat(), "story_id": None}


def candidate(doc_id: str, doc: dict) -> stories.StoryCandidate:
    text = f"{doc['title']}\n\n{doc['body']}" if doc.get("title") else doc["body"]
    entities = [(e["name"], e["type"], e["count"]) for e in doc.get("entity_details") or []]
    return stories.build_candidate(doc_id, NOW, text, entities, doc.get("language") or "en")


def run(docs: list[tuple[str, dict]]) -> tuple[dict[str, float], dict[str, str]]:
    seconds = Counter[str]()
    assigned: dict[str, str] = {}
    indexed: list[stories.StoryCandidate] = []
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        began = time.perf_counter()
        signatures = [(doc_id, near.signature(doc["body"])) for doc_id, doc in batch]
        seconds["signature"] += time.perf_counter() - began
        began = time.perf_counter()
        near.resolve_near_duplicates(signatures, [])
        seconds["near_match"] += time.perf_counter() - began
        began = time.perf_counter()
        candidates = [candidate(doc_id, doc) for doc_id, doc in batch]
        seconds["story_candidate"] += time.perf_counter() - began
        began = time.perf_counter()
        pool = indexed[-POOL_PER_ARTICLE * len(batch) :]
        found = stories.assign_batch(candidates, pool)
        seconds["story_match"] += time.perf_counter() - began
        assigned.update(found)
        indexed += [replace(c, story_id=found[c.doc_id]) for c in candidates]
    return dict(seconds), assigned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bbc = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news"
    parser.add_argument("--corpus", default=str(bbc / "*" / "*.txt"))
    parser.add_argument("--enriched", help="JSONL from `newsindex enrich PATHS --json`")
    args = parser.parse_args()
    docs = list(enriched_docs(args.enriched) if args.enriched else raw_docs(args.corpus))
    words = sum(len(doc["body"].split()) for _, doc in docs)
    stories.stop_words("en")  # imports spaCy's stop list once (~1 s); a real run has spaCy loaded for NER anyway
    seconds, assigned = run(docs)
    total = sum(seconds.values())
    print(f"{len(docs)} articles, {words / len(docs):.0f} words/article")
    for name, spent in seconds.items():
        print(f"  {name:16s} {spent / len(docs) * 1000:7.3f} ms/article")
    ner = words / NER_WORDS_PER_SECOND
    print(f"  {'total':16s} {total / len(docs) * 1000:7.3f} ms/article = {100 * total / ner:.2f} % of NER at "
          f"{NER_WORDS_PER_SECOND} words/s ({ner / len(docs) * 1000:.1f} ms/article)")
    sizes = Counter(Counter(assigned.values()).values())
    print("story sizes (size: stories):", ", ".join(f"{size}: {count}" for size, count in sorted(sizes.items())))


if __name__ == "__main__":
    main()
