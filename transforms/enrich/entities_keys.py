"""The normalised key of an entity name, and the one display name a key is shown under.

Facets count values, so two ways of writing one name ("Kim Jong-un", "Kim Jong Un", "the Lib Dems",
"Lib Dems") must reach the index as one value. The key is what a registry groups on; the display name
is chosen from the counts of the surface forms seen under a key, by a rule that depends on those counts
alone, so that every article, every run and every machine that sees the same counts shows the same name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from transforms.enrich.entities_titles import strip_title_run
from transforms.models import EntityType

_POSSESSIVE = re.compile(r"['’ʼ]s?$")
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|el|los|las)\s+|l['’])", re.IGNORECASE)
# Hyphens, dashes, dots and underscores join or abbreviate words but do not change which name is meant:
# "Kim Jong-un", "U.S." and "U S" all key on their letters.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/]+")
# "Labour Party" is Labour and "Vodafone Group plc" is Vodafone: the legal or party word adds nothing to a facet.
_DESIGNATOR = re.compile(r"(?:\s(?:party|plc|inc|ltd|limited|corp|corporation|co|group|llc|ag|sa|nv|fc))+$")
# "Lib Dem" and "Lib Dems", "Tory" and "Tories", "Oscar" and "Oscars": a party, group or prize is named in
# the singular and the plural alike; persons and places are not ("Williams", "Philippines").
_PLURAL_TYPES = frozenset({"organization", "group", "event"})
_PLURAL = re.compile(r"(?<=[a-z]{2})(?:(?<!s)s|(?<=[a-z])(ie)s)$")
_DROPPED = re.compile(r"[.'’ʼ\"“”‘«»()\[\]]")


def entity_key(name: str, etype: EntityType | None = None) -> str:
    """The key two surface forms share when they name the same thing: case, diacritics, hyphens and
    spacing, a possessive, leading honorifics or titles and a leading article are all ignored.

    Job titles are ignored only for a person ("President Putin"); elsewhere only "Mr."-style honorifics
    are, so that "General Motors" keeps its first word. The key carries no type: "Jordan" the country
    and "Jordan" the player share it, and a registry that keeps one display name per entity keys on
    (type, key)."""
    words = " ".join(_without_format_characters(name).split())
    words = words[strip_title_run(words, abbreviations_only=etype != "person") :]
    words = _LEADING_ARTICLE.sub("", words) or words
    words = _POSSESSIVE.sub("", words) or words
    folded = _strip_diacritics(words).casefold()
    key = " ".join(_SEPARATORS.sub(" ", _DROPPED.sub("", folded)).split())
    if etype == "organization":
        key = _DESIGNATOR.sub("", key) or key
    if etype in _PLURAL_TYPES:
        key = _PLURAL.sub(lambda m: "y" if m.group(1) else "", key)
    return key


def _without_format_characters(text: str) -> str:
    """Bidirectional marks, zero-width joiners and the like (Unicode category Cf) are invisible: a name pasted
    from a right-to-left page looks like the one typed here, so it must key like it."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def display_name(counts: Mapping[str, int]) -> str:
    """The name a key is shown under, from how often each surface form was seen.

    The most frequent form wins, except that a form written in mixed case beats one in capitals or in
    lower case (a headline's "KIM JONG UN" names him, but is not how he is written); ties go to the
    form with diacritics (an English feed often drops them: "Muller" for "Müller"), then to the
    lexicographically first, so the choice never depends on the order the counts arrived in."""
    if not counts:
        raise ValueError("display_name needs at least one surface form")
    return min(counts, key=lambda form: (not _mixed_case(form), -counts[form], _strip_diacritics(form) == form, form))


def _mixed_case(form: str) -> bool:
    letters = [ch for ch in form if ch.isalpha()]
    return any(ch.isupper() for ch in letters) and any(ch.islower() for ch in letters)


__all__ = ["display_name", "entity_key"]
