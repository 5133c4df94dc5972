"""Clues in the words around a name that it is not a person, whatever the model said.

People are not written with a definite article ("the Lib Dems say"), a name that qualifies a role
held by someone else is that person's organisation ("Lib Dem leader Charles Kennedy", "Everton
manager David Moyes"), and a name right after a common noun for an organisation is one ("oil giant
Yukos", "the band Franz Ferdinand"). Like the kind rules, one clue anywhere in the article relabels
every mention of that name there, and each clue is one counted rule with its own tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.enrich.entities_recognise import Mention
from transforms.enrich.entities_titles import is_title_word

# Nouns that stand right before an organisation's name in news prose; no person is introduced this way.
ORGANISATION_NOUNS = frozenset(
    {"firm", "firms", "company", "giant", "maker", "makers", "retailer", "carrier", "airline", "operator",
     "broadcaster", "network", "chain", "band", "club", "side", "label", "studio", "publisher", "developer",
     "agency", "watchdog", "regulator", "insurer", "supermarket", "manufacturer", "conglomerate", "lender",
     "group", "newspaper", "channel", "station", "outfit", "party", "brewer", "distributor"}
)  # fmt: skip
# Roles in a club, a band or a company that are no titles before a name of their own ("Bolton boss Sam
# Allardyce", "Franz Ferdinand frontman Alex Kapranos", "Microsoft founder Bill Gates").
MEMBER_NOUNS = frozenset(
    {"boss", "striker", "midfielder", "defender", "goalkeeper", "keeper", "winger", "owner", "founder",
     "frontman", "singer", "guitarist", "drummer", "bassist", "star"}
)  # fmt: skip
_ARTICLE_BEFORE = re.compile(r"(?:^|[\s(\"“‘])[Tt]he[ \t]+$")
_WORD_AFTER = re.compile(r"^[ \t]+([a-z]+)")
# Words that follow a name which is the head of its phrase: a verb or a function word, not a noun.
_HEAD_FOLLOWERS = frozenset(
    {"and", "or", "to", "for", "with", "in", "on", "at", "from", "that", "which", "who", "is", "are", "was",
     "were", "has", "have", "had", "will", "would", "could", "should", "can", "may", "might", "must", "do",
     "did", "does", "say", "said", "says", "also", "plan", "plans", "want", "wants", "won", "lost", "beat",
     "claim", "claimed", "insist", "insisted", "believe", "argue", "argued", "accused", "need", "needs", "of",
     "by", "as", "but", "if", "than", "be", "been", "now", "still", "already", "too", "hope", "hoped"}
)  # fmt: skip
_ARTICLE_START = re.compile(r"^[Tt]he\s+[A-Z]")
_WORD_BEFORE = re.compile(r"(?<![\w'’-])([a-z]+)[ \t]+$")
# Up to two lower-case words, a role noun, then a capitalised name: "home affairs spokesman Mark Oaten".
_ROLE_AFTER = re.compile(r"^[ \t]+((?:[a-z]+[ \t]+){0,2}?)([a-z]+)[ \t]+[A-Z][a-z]")
# Words that can stand between a person and someone else's role: "Blair told chancellor Gordon Brown".
_NOT_QUALIFIERS = frozenset(
    {"and", "or", "with", "as", "by", "to", "of", "for", "the", "a", "an", "his", "her", "their", "its", "told",
     "met", "said", "says", "tells", "meets", "is", "was", "has", "had", "named", "called", "asked", "urged",
     "replaced", "succeeded", "former", "ex", "new", "than", "like", "beat", "beats", "joined", "joins"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ContextEvidence:
    """Person-labelled names of the article with a clue, by clue."""

    with_article: frozenset[str]
    role_owner: frozenset[str]
    after_noun: frozenset[str]

    @classmethod
    def of(cls, text: str, mentions: Sequence[Mention]) -> ContextEvidence:
        persons = [m for m in mentions if m.label == "PERSON"]
        return cls(
            with_article=frozenset(m.text for m in persons if _has_article(text, m)),
            role_owner=frozenset(m.text for m in persons if _owns_a_role(text, m)),
            after_noun=frozenset(m.text for m in persons if _after_organisation_noun(text, m)),
        )


def context_label(mention: Mention, evidence: ContextEvidence) -> tuple[str, str] | None:
    """(rule name, "ORG") for the first clue that fires on a person mention's name, or None."""
    if mention.label != "PERSON":
        return None
    for name, names in (
        ("organisation_noun_before", evidence.after_noun),
        ("role_of_someone_else", evidence.role_owner),
        ("definite_article", evidence.with_article),
    ):
        if mention.text in names:
            return name, "ORG"
    return None


def _before(text: str, mention: Mention) -> str:
    return text[max(0, mention.start - 24) : mention.start]


def _has_article(text: str, mention: Mention) -> bool:
    """"the Lib Dems say", "the Anfield club", or the model's own span "The Lib Dems"; but not "the Oscar
    Wilde play", where a full name (several words, no plural) qualifies the noun after it and may well
    be a person's."""
    if not (_ARTICLE_BEFORE.search(_before(text, mention)) or _ARTICLE_START.match(mention.text)):
        return False
    words = mention.text.split()
    if len(words) == 1 or words[-1].endswith("s"):
        return True
    after = _WORD_AFTER.match(text[mention.end : mention.end + 20])
    return after is None or after.group(1) in _HEAD_FOLLOWERS


def _owns_a_role(text: str, mention: Mention) -> bool:
    found = _ROLE_AFTER.match(text[mention.end : mention.end + 60])
    if found is None:
        return False
    role = found.group(2)
    if role not in MEMBER_NOUNS and not is_title_word(role.capitalize()):
        return False
    return not any(word in _NOT_QUALIFIERS for word in found.group(1).split())


def _after_organisation_noun(text: str, mention: Mention) -> bool:
    found = _WORD_BEFORE.search(_before(text, mention))
    return found is not None and found.group(1) in ORGANISATION_NOUNS


__all__ = ["MEMBER_NOUNS", "ORGANISATION_NOUNS", "ContextEvidence", "context_label"]
