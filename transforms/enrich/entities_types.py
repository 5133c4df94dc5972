"""Type corrections for trimmed mentions, each rule counted so a run can show what the rules did.

The model's worst facet errors are type errors with a visible cause: a city it has never seen called a
person, a nationality adjective called a person, a subheading called an organisation, a time zone
called an organisation. Each rule reads one mention, its line and the other mentions of the article,
and returns a new label or None; the first rule that fires wins. Labels stay OntoNotes labels, so the
rest of the pipeline (and ``LABEL_TO_TYPE``) is unchanged; ``DROPPED`` maps to no type at all.

Award, competition, product and work words are the small rule set in ``entities_kinds``; places and
nationalities come from data (``entities_places``); nothing here names a particular entity.
"""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from transforms.enrich.entities_context import ContextEvidence, context_label
from transforms.enrich.entities_kinds import KindEvidence, kind_label
from transforms.enrich.entities_places import country_names, is_nationality, is_place
from transforms.enrich.entities_recognise import Mention
from transforms.enrich.entities_titles import is_title_word

DROPPED = "DROPPED"  # a label no type maps to: the span is not an entity at all
_HEADING_MAX_WORDS = 12
_HEADING_COVER = 0.6  # share of a heading line's letters a span must cover to be taken for the heading itself
_SENTENCE_END = re.compile(r"[.!?:;,\"”’)]\s*$")
_CLOCK_BEFORE = re.compile(r"(?:\d{1,2}[:.]?\d{2}|\d{1,2}\s?[ap]\.?m\.?)\s*\(?$", re.IGNORECASE)
_TITLE_BEFORE = re.compile(r"(\S+)[ \t]+$")
_WORD = re.compile(r"\w+")
_CAPITALISED_AFTER = re.compile(r"^[ \t]+[A-Z][a-z]")


@dataclass(frozen=True)
class Article:
    """What the rules may look at besides the mention: the text and all the article's mentions."""

    text: str
    mentions: Sequence[Mention]

    @cached_property
    def person_words(self) -> frozenset[str]:
        """Words of multi-word person names: "Paris" is a person here when "Paris Hilton" is."""
        names = (m.text.split() for m in self.mentions if m.label == "PERSON")
        return frozenset(word for words in names if len(words) > 1 for word in words)

    @cached_property
    def kinds(self) -> KindEvidence:
        return KindEvidence.of(self.text, self.mentions)

    @cached_property
    def context(self) -> ContextEvidence:
        return ContextEvidence.of(self.text, self.mentions)

    @cached_property
    def body_names(self) -> frozenset[str]:
        """Names found outside heading lines: a heading's name that is also here is a real entity."""
        return frozenset(m.text.casefold() for m in self.mentions if heading_of(self.text, m) is None)

    @cached_property
    def _words(self) -> Counter[str]:
        return Counter(_WORD.findall(self.text))

    def word_counts(self, word: str) -> int:
        return self._words[word]

    def line_of(self, mention: Mention) -> str:
        start = self.text.rfind("\n", 0, mention.start) + 1
        end = self.text.find("\n", mention.end)
        return self.text[start : end if end >= 0 else len(self.text)]


# A rule returns the new label, or (its own counter name, label) when it is a family of rules, or None.
Rule = Callable[[Mention, Article], str | tuple[str, str] | None]


def correct_types(
    mentions: Sequence[Mention], text: str, only: frozenset[str] | None = None
) -> tuple[list[Mention], Counter[str]]:
    """The mentions relabelled by the first rule that fires on each, and how often each rule fired. ``only``: the
    names of the rules that run (a language's, ``entities_languages``); None runs them all."""
    article = Article(text, mentions)
    fired: Counter[str] = Counter()
    result: list[Mention] = []
    rules = [(name, rule) for name, rule in RULES if only is None or name in only]
    for mention in mentions:
        for name, rule in rules:
            found = rule(mention, article)
            if found is None:
                continue
            name, label = found if isinstance(found, tuple) else (name, found)
            if label != mention.label:
                fired[name] += 1
                mention = Mention(mention.text, label, mention.start, mention.end)
                break
        result.append(mention)
    return result, fired


def heading_of(text: str, mention: Mention) -> str | None:
    """The line of ``mention`` if it is a title-case heading that the span covers most of, else None."""
    start = text.rfind("\n", 0, mention.start) + 1
    end = text.find("\n", mention.end)
    line = text[start : end if end >= 0 else len(text)].strip()
    words = line.split()
    if not 2 <= len(words) <= _HEADING_MAX_WORDS or _SENTENCE_END.search(line) or len(mention.text.split()) < 2:
        return None
    long_words = [w for w in words if len(w) > 3]
    if not any(ch.islower() for ch in line) or not all(w[:1].isupper() for w in long_words):
        return None
    letters = sum(ch.isalnum() for ch in line)
    return line if sum(ch.isalnum() for ch in mention.text) >= _HEADING_COVER * letters else None


def heading_rule(mention: Mention, article: Article) -> str | None:
    """A subheading ("North Korean Soldiers Access Unrestricted") is no entity unless the body names it too."""
    if heading_of(article.text, mention) is None or mention.text.casefold() in article.body_names:
        return None
    return DROPPED


@lru_cache(maxsize=1)
def _zone_abbreviations() -> frozenset[str]:
    return frozenset(z for z in zoneinfo.available_timezones() if z.isalpha() and z.isupper())


def time_zone_rule(mention: Mention, article: Article) -> str | None:
    """"1400 GMT": a time zone written after a clock time is no organisation (zone names from the IANA database)."""
    if mention.text not in _zone_abbreviations():
        return None
    return DROPPED if _CLOCK_BEFORE.search(article.text[max(0, mention.start - 12) : mention.start]) else None


def place_rule(mention: Mention, article: Article) -> str | None:
    """A person or product label on a known place becomes a place, unless the context says person: a title
    before it, a capitalised word after it, or a longer person name in the article that contains it."""
    if mention.label not in ("PERSON", "PRODUCT") or not is_place(mention.text) or is_nationality(mention.text):
        return None
    words = mention.text.split()
    if len(words) == 1 and words[0] in article.person_words:
        return None
    before = _TITLE_BEFORE.search(article.text[max(0, mention.start - 40) : mention.start])
    if before is not None and is_title_word(before.group(1)):
        return None
    if _CAPITALISED_AFTER.match(article.text[mention.end : mention.end + 3]):
        return None
    return "GPE"


def country_rule(mention: Mention, article: Article) -> str | None:
    """"Wales beat England": a country called an organisation is the country (or its national team, which
    news and CoNLL alike name as the place); clubs named after a city stay organisations."""
    if mention.label == "ORG" and mention.text.casefold() in country_names():
        return "GPE"
    return None


def nationality_rule(mention: Mention, article: Article) -> str | None:
    """"Welsh", "Russians": a nationality or language word named by the model as a person or organisation."""
    if mention.label in ("PERSON", "ORG", "GPE") and is_nationality(mention.text):
        return "NORP"
    return None


def common_word_rule(mention: Mention, article: Article) -> str | None:
    """"Budget", "House", "Digital" called an organisation in an article that also writes the word in lower
    case more often than capitalised: a common noun at the head of a phrase, not a name."""
    if mention.label != "ORG" or " " in mention.text or not mention.text[1:].islower():
        return None
    lower, capital = article.word_counts(mention.text.lower()), article.word_counts(mention.text)
    return DROPPED if lower > capital else None


def kind_rule(mention: Mention, article: Article) -> tuple[str, str] | None:
    """Awards, competitions, clubs, products and works, decided by the rule set of ``entities_kinds``."""
    return kind_label(mention, article.text, article.kinds)


def context_rule(mention: Mention, article: Article) -> tuple[str, str] | None:
    """A person name the words around it say is an organisation (``entities_context``)."""
    return context_label(mention, article.context)


RULES: tuple[tuple[str, Rule], ...] = (
    ("heading_dropped", heading_rule),
    ("time_zone_dropped", time_zone_rule),
    ("nationality_not_person", nationality_rule),
    ("place_not_person", place_rule),
    ("country_not_organisation", country_rule),
    ("kind", kind_rule),
    ("context", context_rule),
    ("common_word_dropped", common_word_rule),
)

__all__ = ["DROPPED", "RULES", "correct_types", "heading_of"]
