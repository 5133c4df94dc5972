"""The small rule set for awards, competitions, products, works and sports clubs.

These kinds have no maintained list (every film festival invents a prize, every console has a name),
so each is decided by one visible clue, documented here and tested on invented sentences:

- award: the name is followed by an award noun ("Oscar nomination", "Bafta-winning"), follows "best
  <noun>" ("best actress Oscar"), is counted and given for something ("an Oscar for", "his second
  Oscar for") or ends in Award(s)/Prize; every mention of that name or its plural in the article
  follows ("the Oscars");
- competition: the name ends in a competition word (World Cup, Grand Slam, Australian Open, the
  Premiership); "League" is left out because leagues are also organisations (Arab League);
- product: some mention of the name follows an indefinite article or a possessive ("an Xbox", "his
  iPod", "Apple's iPod") and is the head of its phrase (not "a Reuters survey"); organisations are not
  owned or counted that way;
- work: the name follows a work noun ("the film Vera Drake") or stands between "the" and a plural one
  ("the Harry Potter films"): a person's name before "film" is usually its director, so not that;
- club: a place followed by a club word (Manchester United, Leicester City), or a place followed by a
  score in a line that has two scores ("Lincoln 2 Wigan 1"): clubs named after their town.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from transforms.enrich.entities_places import is_place
from transforms.enrich.entities_recognise import Mention

_AWARD_NOUNS = frozenset(
    {"nomination", "nominations", "nominee", "nominees", "nod", "nods", "ceremony", "statuette", "winner",
     "winners", "hopeful", "hopefuls", "race", "glory", "award", "awards", "night", "favourite", "favourites",
     "voters", "contender", "contenders"}
)  # fmt: skip
_AWARD_SUFFIX = re.compile(r"^-(?:winning|winner|nominated|nominee)")
# "the best actress Oscar", "an Oscar for best screenplay", "his second Oscar for": a prize, not a person.
_AWARD_BEFORE = re.compile(r"\bbest [a-z]+[ \t]+$")
_COUNTED_BEFORE = re.compile(r"\b(?:an?|first|second|third|fourth|fifth)[ \t]+$")
_FOR_AFTER = re.compile(r"^[ \t]+for\b")
_AWARD_LAST_WORDS = frozenset({"Award", "Awards", "Prize", "Prizes"})
_COMPETITION_LAST_WORDS = frozenset(
    {"Cup", "Championship", "Championships", "Open", "Games", "Olympics", "Slam", "Trophy", "Tournament",
     "Premiership", "Prix", "Masters", "Series", "Marathon"}
)  # fmt: skip
_WORK_NOUNS_BEFORE = frozenset({"film", "movie", "novel", "book", "album", "musical", "play", "opera", "song"})
_WORK_NOUNS_PLURAL = frozenset({"films", "movies", "novels", "books", "albums"})
_CLUB_WORDS = frozenset(
    {"United", "City", "Rovers", "Athletic", "Wanderers", "Albion", "County", "Town", "Villa", "Hotspur",
     "Rangers", "Celtic", "Argyle", "Forest", "Wednesday", "FC", "Orient", "Vale", "Alexandra"}
)  # fmt: skip
_OWNER_BEFORE = re.compile(r"\b(?:an?|his|her|their|its|my|your|our)[ \t]+$")
_FUNCTION_WORDS_AFTER = frozenset(
    {"and", "or", "to", "for", "with", "in", "on", "at", "from", "that", "which", "is", "was", "has", "had",
     "will", "can"}
)  # fmt: skip
_POSSESSIVE_BEFORE = re.compile(r"['’]s[ \t]+$")
_WORD_AFTER = re.compile(r"^[ \t]+([a-z]+)")
_WORD_BEFORE = re.compile(r"\b([a-z]+)[ \t]+$")
_SCORE_AFTER = re.compile(r"^[ \t]+\d{1,3}\b(?![.,:]\d)")
_SCORE_PAIR = re.compile(r"[A-Z][\w.'-]*[ \t]+\d{1,3}\b(?![.,:]\d)")
_RELABEL = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "NORP"})


@dataclass(frozen=True, slots=True)
class KindEvidence:
    """Names the article uses somewhere as an award, a product or a work: one clue relabels every mention."""

    awards: frozenset[str]
    products: frozenset[str]
    works: frozenset[str]

    @classmethod
    def of(cls, text: str, mentions: Sequence[Mention]) -> KindEvidence:
        return cls(
            awards=frozenset(_singular(m.text) for m in mentions if _award_context(m, text)),
            products=_owned_names(text, mentions),
            works=frozenset(m.text for m in mentions if _work_context(m, text)),
        )


def kind_label(mention: Mention, text: str, evidence: KindEvidence) -> tuple[str, str] | None:
    """(rule name, new label) for the first kind rule that fires on ``mention``, or None."""
    if mention.label not in _RELABEL:
        return None
    last_word = mention.text.split()[-1]
    checks: tuple[tuple[str, str, Callable[[], bool]], ...] = (
        ("award", "EVENT", lambda: last_word in _AWARD_LAST_WORDS or _singular(mention.text) in evidence.awards),
        ("competition", "EVENT", lambda: last_word in _COMPETITION_LAST_WORDS),
        ("club", "ORG", lambda: _is_club(mention, text)),
        ("product", "PRODUCT", lambda: mention.label in ("ORG", "GPE") and mention.text in evidence.products),
        ("work", "WORK_OF_ART", lambda: mention.text in evidence.works),
    )
    for name, label, fires in checks:
        if label != mention.label and fires():
            return name, label
    return None


def _award_context(mention: Mention, text: str) -> bool:
    after = text[mention.end : mention.end + 30]
    word = _WORD_AFTER.match(after)
    if _AWARD_SUFFIX.match(after) or (word is not None and word.group(1) in _AWARD_NOUNS):
        return True
    before = text[max(0, mention.start - 24) : mention.start]
    return bool(_AWARD_BEFORE.search(before) or (_COUNTED_BEFORE.search(before) and _FOR_AFTER.match(after)))


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _is_club(mention: Mention, text: str) -> bool:
    if mention.label == "ORG":
        return False
    words = mention.text.split()
    if len(words) > 1 and words[-1] in _CLUB_WORDS and is_place(" ".join(words[:-1])):
        return not is_place(mention.text)  # Mexico City is a place
    if mention.label not in ("GPE", "LOC") or not _SCORE_AFTER.match(text[mention.end : mention.end + 6]):
        return False
    start = text.rfind("\n", 0, mention.start) + 1
    end = text.find("\n", mention.end)
    return len(_SCORE_PAIR.findall(text[start : end if end >= 0 else len(text)])) >= 2


def _owned_names(text: str, mentions: Sequence[Mention]) -> frozenset[str]:
    """Names after "an", "his"... or after an organisation's possessive ("Apple's iPod", not "Blair's Labour")."""
    org_ends = {m.end for m in mentions if m.label == "ORG"}
    names = set()
    for m in mentions:
        before = text[max(0, m.start - 8) : m.start]
        if m.label == "PERSON" or _modifies_a_noun(m, text):
            continue
        owned = _POSSESSIVE_BEFORE.search(before)
        if _OWNER_BEFORE.search(before) or (owned and m.start - (len(before) - owned.start()) in org_ends):
            names.add(m.text)
    return frozenset(names)


def _modifies_a_noun(mention: Mention, text: str) -> bool:
    """"a Reuters survey", "an IBM spokesman": the name qualifies the noun the determiner belongs to."""
    after = _WORD_AFTER.match(text[mention.end : mention.end + 16])
    return after is not None and after.group(1) not in _FUNCTION_WORDS_AFTER


def _work_context(mention: Mention, text: str) -> bool:
    before = _WORD_BEFORE.search(text[max(0, mention.start - 16) : mention.start])
    if before is None:
        return False
    if before.group(1) in _WORK_NOUNS_BEFORE:
        return True
    after = _WORD_AFTER.match(text[mention.end : mention.end + 16])
    return before.group(1) == "the" and after is not None and after.group(1) in _WORK_NOUNS_PLURAL


__all__ = ["KindEvidence", "kind_label"]
