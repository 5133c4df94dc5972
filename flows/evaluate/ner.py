"""``newsindex eval ner FILE``: score the entity recogniser on CoNLL-2003 English (conlleval-style).

Each document's text is rebuilt from its tokens (tokens joined by a space, sentences by a newline) so
that every token keeps known character offsets; the recogniser runs on that text exactly as it runs on
articles, its OntoNotes labels go through our type mapping and then to the four CoNLL types. A
predicted span counts only if it starts and ends on token boundaries and has the gold type
(conlleval's exact match). The data is Reuters text under a research-only licence: read it from
/work/shared/data, never copy it into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flows.evaluate.folds import DEFAULT_FOLDS, fold_of, format_folds
from flows.evaluate.folds import summary as fold_summary
from transforms.enrich.entities import LABEL_TO_TYPE, Mention, load_ner_model, model_label, recognise
from transforms.enrich.entities_canon import entity_mentions

CONLL_TYPES = ("PER", "ORG", "LOC", "MISC")
TYPE_TO_CONLL = {"person": "PER", "organization": "ORG", "location": "LOC"}  # everything else: MISC
PUBLISHED_ANCHORS = {
    "Flair ner-english (CoNLL-trained)": 92.98,
    "dslim/bert-base-NER (CoNLL-trained)": 92.59,
    "en_core_web_sm, naive mapping (earlier run here)": 59.5,
}
DOCSTART = "-DOCSTART-"

Span = tuple[int, int, str]  # first token, last token + 1, CoNLL type


@dataclass
class Document:
    """One CoNLL document: its tokens, the sentence each starts, and gold spans in token indices."""

    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sentence_starts: set[int] = field(default_factory=set)

    def text_and_offsets(self) -> tuple[str, list[int]]:
        """Rebuilt text and each token's start offset: tokens joined by a space, sentences by a newline."""
        parts: list[str] = []
        starts: list[int] = []
        position = 0
        for index, token in enumerate(self.tokens):
            if index:
                separator = "\n" if index in self.sentence_starts else " "
                parts.append(separator)
                position += 1
            starts.append(position)
            parts.append(token)
            position += len(token)
        return "".join(parts), starts


def read_conll(lines: Iterable[str]) -> list[Document]:
    """Documents of a CoNLL-2003 file. The start of the file starts a document even without a
    -DOCSTART- line (eng.testb in this mirror lacks its first one)."""
    documents = [Document()]
    sentence_open = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.startswith(DOCSTART):
            documents.append(Document())
            sentence_open = False
        elif not line.strip():
            sentence_open = False
        else:
            columns = line.split(" ")
            doc = documents[-1]
            if not sentence_open:
                doc.sentence_starts.add(len(doc.tokens))
                sentence_open = True
            doc.tokens.append(columns[0])
            doc.tags.append(columns[-1])
    return [doc for doc in documents if doc.tokens]


def iob1_spans(tags: Sequence[str], sentence_starts: Iterable[int] = ()) -> list[Span]:
    """Entity spans of an IOB1 tag sequence: I-X continues an X entity, B-X starts a new adjacent one,
    and no entity runs over a sentence start (as in conlleval, which resets at blank lines)."""
    breaks = set(sentence_starts)
    spans: list[Span] = []
    start, current = 0, None
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == current and index not in breaks
        if current is not None and not continues:
            spans.append((start, index, current))
            current = None
        if prefix in ("I", "B") and not continues:
            start, current = index, kind
    return spans


def conll_type(label: str) -> str | None:
    """OntoNotes label → our entity type → CoNLL type; None for labels we drop (dates, numbers...)."""
    etype = LABEL_TO_TYPE.get(label)
    return None if etype is None else TYPE_TO_CONLL.get(etype, "MISC")


def predicted_spans(mentions: Sequence[Mention], starts: Sequence[int], tokens: Sequence[str]) -> list[Span]:
    """Mentions in token indices; one that cuts inside a token gets index -1 so it can never match."""
    by_start = {offset: index for index, offset in enumerate(starts)}
    by_end = {offset + len(token): index + 1 for index, (offset, token) in enumerate(zip(starts, tokens, strict=True))}
    spans: list[Span] = []
    for mention in mentions:
        kind = conll_type(mention.label)
        if kind is not None:
            spans.append((by_start.get(mention.start, -1), by_end.get(mention.end, -1), kind))
    return spans


@dataclass
class Tally:
    gold: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Sequence[Span], predicted: Sequence[Span]) -> None:
        self.gold.update(kind for *_, kind in gold)
        self.predicted.update(kind for *_, kind in predicted)
        self.correct.update(kind for *_, kind in set(gold) & set(predicted))

    def scores(self, kind: str | None = None) -> dict[str, float | int]:
        """Micro precision/recall/F1 in percent, for one type or (kind None) overall."""

        def pick(counts: Counter[str]) -> int:
            return counts[kind] if kind else sum(counts.values())

        gold, predicted, correct = pick(self.gold), pick(self.predicted), pick(self.correct)
        precision = 100.0 * correct / predicted if predicted else 0.0
        recall = 100.0 * correct / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 2), "recall": round(recall, 2), "f1": round(f1, 2),
                "gold": gold, "predicted": predicted, "correct": correct}  # fmt: skip


def evaluate(
    documents: Sequence[Document], *, n_process: int = 1, k: int = DEFAULT_FOLDS
) -> tuple[Tally, Tally, list[Tally]]:
    """The model over every document, then ``score_documents``."""
    rebuilt = (doc.text_and_offsets()[0] for doc in documents)
    return score_documents(documents, recognise(rebuilt, load_ner_model(), n_process=n_process), k=k)


def score_documents(
    documents: Sequence[Document], mentions_per_doc: Iterable[Sequence[Mention]], *, k: int = DEFAULT_FOLDS
) -> tuple[Tally, Tally, list[Tally]]:
    """Scores of the raw model spans, of the spans of the full entity pipeline (``entity_mentions``: the
    enrich stage's own ``analyse``, each span typed as the entity it ends up in), and of those pipeline
    spans per fold of documents (a document's fold comes from its position in the file).
    The rules were chosen on eng.testa; eng.testb is only reported."""
    raw, refined, folds = Tally(), Tally(), [Tally() for _ in range(k)]
    for index, (doc, mentions) in enumerate(zip(documents, mentions_per_doc, strict=True)):
        text, starts = doc.text_and_offsets()
        gold = iob1_spans(doc.tags, doc.sentence_starts)
        raw.add(gold, predicted_spans(mentions, starts, doc.tokens))
        spans = predicted_spans(entity_mentions(mentions, text), starts, doc.tokens)
        refined.add(gold, spans)
        folds[fold_of(f"document {index}", k)].add(gold, spans)
    return raw, refined, folds


def render(raw: Tally, refined: Tally) -> str:
    rows = [f"{'type':8} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6} {'pred':>6} {'correct':>7}   {'F1 refined':>10}"]
    for kind in (*CONLL_TYPES, None):
        s, refined_f1 = raw.scores(kind), refined.scores(kind)["f1"]
        rows.append(f"{kind or 'overall':8} {s['precision']:7.2f} {s['recall']:7.2f} {s['f1']:7.2f} "
                    f"{s['gold']:6d} {s['predicted']:6d} {s['correct']:7d}   {refined_f1:10.2f}")  # fmt: skip
    rows.append("F1 refined: the full pipeline (spans, type corrections, repeats, linking; chosen on eng.testa)")
    rows.append("")
    rows.append(f"{'published anchors (eng.testb, F1)':50}")
    rows.extend(f"  {name:48} {f1:6.2f}" for name, f1 in PUBLISHED_ANCHORS.items())
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsindex eval ner", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="CoNLL-2003 file (IOB1), e.g. eng.testa or eng.testb")
    parser.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="k for the k-fold figures")
    args = parser.parse_args(argv)
    if not args.file.is_file() or args.folds < 1:
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    with args.file.open(encoding="utf-8", newline="") as handle:
        documents = read_conll(handle)
    began = time.perf_counter()
    raw, refined, folds = evaluate(documents, n_process=args.n_process, k=args.folds)
    seconds = time.perf_counter() - began
    print(f"NER on {args.file.name}: {len(documents)} documents, "
          f"{sum(len(d.tokens) for d in documents)} tokens, model {model_label()}, {seconds:.1f}s")  # fmt: skip
    print("mapping: PERSON→PER; ORG→ORG; GPE/LOC/FAC→LOC; NORP/EVENT/PRODUCT/WORK_OF_ART/LAW→MISC; others dropped")
    print(render(raw, refined))
    fold_f1s = [float(tally.scores()["f1"]) for tally in folds if sum(tally.gold.values())]
    print(format_folds(f"F1 refined per fold ({args.folds} folds of documents)", float(refined.scores()["f1"]),
                       fold_f1s, precision=2))  # fmt: skip
    summary = {"file": args.file.name, "documents": len(documents), "model": model_label(),
               "overall": raw.scores(), "per_type": {k: raw.scores(k) for k in CONLL_TYPES},
               "refined": {"overall": refined.scores(), "per_type": {k: refined.scores(k) for k in CONLL_TYPES}},
               "anchors": PUBLISHED_ANCHORS, "seconds": round(seconds, 1),
               "folds": fold_summary(fold_f1s, args.folds, digits=2)}  # fmt: skip
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
