"""Raw named-entity recognition with a spaCy pipeline (NER only): the English model's constants live here, the
other languages' in ``entities_languages``.

This is the only place that loads and runs a model. It returns raw mentions with offsets into the text it
was given; turning them into one entity per real-world thing is ``entities_canon``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from threading import Lock

from spacy.language import Language

from transforms.enrich.entities_languages import ENGLISH

MODEL_PACKAGE = ENGLISH.package
MODEL_MODULE = ENGLISH.module  # what spaCy imports to load MODEL_PACKAGE
MODEL_NAME = ENGLISH.name
MODEL_VERSION = ENGLISH.version
UNUSED_PIPES = ENGLISH.exclude  # parts of the pipeline we never use (see ``entities_languages``)
# spaCy needs roughly 1 GB per 100,000 characters in the worst case (E088), so texts are fed in
# chunks of at most this size; raising max_length above it only lets direct nlp() calls through.
CHUNK_CHARS = 100_000
MAX_LENGTH = 2_000_000
# Preferred cut points for a long text, best first: paragraph, line, sentence, word.
_CUT_POINTS = ("\n\n", "\n", ". ", " ")
# "The Financial Times’ Gideon Rachman": an owner and a name glued into one span by an inner possessive.
_INNER_POSSESSIVE = re.compile(r"(?:\s?['’ʼ][sS]|(?<=[sS])['’ʼ])\s+(?=[A-Z])")
# A neutral sentence frame in which the model re-labels the two halves of such a span.
_PROBE_FRAME = "{} said."


@dataclass(frozen=True, slots=True)
class Mention:
    """One raw model mention: ``text == source[start:end]`` for the text it was found in."""

    text: str
    label: str
    start: int
    end: int


_LOADING = Lock()  # threads of one Dask worker share the pipelines: one load per model, not one per thread
_PIPELINES: dict[tuple[str, tuple[str, ...]], Language] = {}


def load_ner_model() -> Language:
    """The English model, loaded once per process; every later call returns the same pipeline."""
    return load_pipeline(MODEL_MODULE, UNUSED_PIPES)


def load_pipeline(module: str, exclude: tuple[str, ...]) -> Language:
    """The spaCy pipeline of an installed model package, loaded on first use, then the same one for the process."""
    with _LOADING:
        if (module, exclude) not in _PIPELINES:
            import spacy

            nlp = spacy.load(module, exclude=list(exclude))  # typed, unlike the package's own load()
            nlp.max_length = max(nlp.max_length, MAX_LENGTH)
            _PIPELINES[(module, exclude)] = nlp
        return _PIPELINES[(module, exclude)]


def loaded_modules() -> set[str]:
    """The model packages this process has loaded so far: a language's model is loaded only when it is needed."""
    with _LOADING:
        return {module for module, _ in _PIPELINES}


def split_chunks(text: str, bound: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into (offset, chunk) pieces of at most ``bound`` characters, at paragraph breaks
    when possible, so that an entity is (almost) never cut in two."""
    chunks: list[tuple[int, str]] = []
    pos = 0
    while len(text) - pos > bound:
        end = pos + _cut_position(text[pos : pos + bound])
        chunks.append((pos, text[pos:end]))
        pos = end
    chunks.append((pos, text[pos:]))
    return chunks


def _cut_position(window: str) -> int:
    """Length of the first chunk taken from ``window``: after the last good separator in its back half."""
    floor = len(window) // 2
    for separator in _CUT_POINTS:
        found = window.rfind(separator, floor)
        if found >= 0:
            return found + len(separator)
    return len(window)


def recognise(
    texts: Iterable[str], nlp: Language, *, n_process: int = 1, batch_size: int = 64, split_possessives: bool = True
) -> Iterator[list[Mention]]:
    """Yield one list of raw mentions per input text, in input order, offsets into that text. ``split_possessives``
    is English: "Owner's Name" spans (``split_inner_possessives``)."""
    pieces = _chunk_stream(texts)
    docs = nlp.pipe(pieces, as_tuples=True, n_process=n_process, batch_size=batch_size)
    found: list[Mention] = []
    for doc, (offset, is_last) in docs:
        found.extend(Mention(ent.text, ent.label_, ent.start_char + offset, ent.end_char + offset) for ent in doc.ents)
        if is_last:
            yield split_inner_possessives(found, nlp) if split_possessives else found
            found = []


def _chunk_stream(texts: Iterable[str]) -> Iterator[tuple[str, tuple[int, bool]]]:
    """Lazily flatten texts into chunks tagged with (offset in their text, last chunk of that text)."""
    for text in texts:
        chunks = split_chunks(text, CHUNK_CHARS)  # read at call time, so tests can shrink it
        for index, (offset, chunk) in enumerate(chunks):
            yield chunk, (offset, index == len(chunks) - 1)


def split_inner_possessives(mentions: list[Mention], nlp: Language) -> list[Mention]:
    """Split "Owner's Name" spans in two when the model, asked about each half alone, sees an entity in
    each; the halves then take the labels it gives them. Otherwise the span is kept as it was."""
    result: list[Mention] = []
    for mention in mentions:
        result.extend(_split_one(mention, nlp) or [mention])
    return result


def _split_one(mention: Mention, nlp: Language) -> list[Mention] | None:
    match = _INNER_POSSESSIVE.search(mention.text)
    if match is None or match.start() == 0:
        return None
    head = mention.text[: match.start()]
    tail = mention.text[match.end() :]
    labels = [_probe_label(part, nlp) for part in (head, tail)]
    if None in labels:
        return None
    tail_start = mention.start + match.end()
    return [
        Mention(head, labels[0] or "", mention.start, mention.start + len(head)),
        Mention(tail, labels[1] or "", tail_start, mention.end),
    ]


def _probe_label(fragment: str, nlp: Language) -> str | None:
    """The label the model gives ``fragment`` in a neutral frame, if it sees exactly that span."""
    doc = nlp(_PROBE_FRAME.format(fragment))
    whole = [ent for ent in doc.ents if ent.start_char == 0 and ent.end_char == len(fragment)]
    return whole[0].label_ if whole else None


def model_label() -> str:
    """Human name of the English model, as the English evaluations print it."""
    return ENGLISH.label()


__all__ = ["Mention", "load_ner_model", "load_pipeline", "loaded_modules", "model_label", "recognise", "split_chunks"]
