"""Honorifics and job titles in front of person names ("Mr. Putin", "Defense Secretary Lloyd Austin").

Titles are folded away so that every way of addressing a person lands on the same entity, and a title
right before a span is taken as evidence that the span is a person whatever label the model gave it.
"""

from __future__ import annotations

import re

# Short forms that only ever stand before a person's name. The first group is also written without a
# period in British English; the rest count only with their period ("Gen." but not "General Motors").
_HONORIFICS_BARE = frozenset({"mr", "mrs", "ms", "mx", "dr"})
_HONORIFICS_DOTTED = frozenset(
    {"prof", "sen", "rep", "gov", "lt", "col", "gen", "sgt", "capt", "adm", "maj", "cmdr", "cpl", "pvt",
     "rev", "pres", "supt", "insp", "det", "hon", "amb"}
)  # fmt: skip
# Words that name a role and precede a name: "President Putin", "spokesperson Charlie Dietz".
_TITLES = frozenset(
    {"president", "minister", "secretary", "chancellor", "premier", "governor", "senator", "congressman",
     "congresswoman", "representative", "mayor", "king", "queen", "prince", "princess", "pope", "sheikh",
     "emir", "sultan", "general", "lieutenant", "colonel", "major", "captain", "sergeant", "admiral",
     "commander", "corporal", "ambassador", "spokesman", "spokeswoman", "spokesperson", "chairman",
     "chairwoman", "ceo", "judge", "sir", "dame", "lord", "lady", "rabbi", "imam", "bishop", "cardinal",
     "archbishop", "professor", "leader", "journalist", "reporter", "columnist", "correspondent", "coach",
     "manager", "attorney", "envoy", "director", "chief", "officer", "economist", "analyst", "emperor",
     "empress", "tsar", "czar", "shah", "ayatollah", "sheik", "duke", "duchess", "earl", "baron",
     "marshal", "brigadier", "inspector", "superintendent", "detective", "chairperson", "rapper", "singer",
     "actor", "actress", "striker", "midfielder", "defender", "winger", "goalkeeper", "skipper", "comedian",
     "presenter", "novelist"}
)  # fmt: skip
# Titles that are ordinary adjectives or verbs in lower case ("a major company", "judge the risk").
_CAPITALISED_ONLY = frozenset(
    {"major", "general", "chief", "lady", "lord", "king", "queen", "prince", "judge", "dame", "sir",
     "cardinal", "marshal", "officer", "director", "leader", "manager", "coach", "count", "earl", "duke"}
)  # fmt: skip
# Words that qualify a title but are not one on their own: "Defense" in "Defense Secretary".
QUALIFIERS = frozenset(
    {"vice", "deputy", "acting", "former", "interim", "foreign", "defense", "defence", "state", "home",
     "interior", "finance", "health", "justice", "trade", "energy", "economy", "education", "treasury",
     "army", "navy", "air", "force", "marine", "first", "executive", "senior", "prime", "supreme", "crown",
     "of", "the", "for", "and", "u.s.", "us", "uk", "eu", "un", "lt.", "col.", "gen.", "elect"}
)  # fmt: skip
_WORD = re.compile(r"\S+")


def is_abbreviated_honorific(word: str) -> bool:
    """True for Mr., Mrs, Lt. as written before names; not MX or mr, which are usually something else."""
    stem = word.rstrip(".")
    if not ((stem[:1].isupper() and stem[1:].islower()) or len(stem) == 1):
        return False
    base = stem.lower()
    return base in _HONORIFICS_BARE or (word.endswith(".") and base in _HONORIFICS_DOTTED)


def is_title_word(word: str) -> bool:
    """True for an honorific or a role noun ("Mr.", "spokesman", "Major-General", "President-elect");
    words that are also plain adjectives count only when capitalised."""
    word = word.strip(",")
    if is_abbreviated_honorific(word):
        return True
    parts = [part.strip(".").lower() for part in word.split("-")]
    if not any(part in _TITLES for part in parts) or not all(p in _TITLES or p in QUALIFIERS for p in parts):
        return False
    return word[:1].isupper() or not any(part in _CAPITALISED_ONLY for part in parts)


def _title_ahead(words: list[re.Match[str]], index: int) -> bool:
    """A title word comes after the qualifiers from ``index`` on ("Vice" in "Mr Vice President")."""
    for match in words[index:-1]:
        if is_title_word(match.group()):
            return True
        if match.group().lower() not in QUALIFIERS:
            return False
    return False


def strip_title_run(surface: str, *, abbreviations_only: bool) -> int:
    """Character offset where the name starts after a leading run of titles, or 0 when there is no such
    run or nothing capitalised would be left. ``abbreviations_only`` accepts only "Mr."-style
    honorifics, for spans the model did not call a person, where "General" may start "General Motors"."""
    words = list(_WORD.finditer(surface))
    index, saw_title, after_honorific = 0, False, False
    while index < len(words) - 1:
        word = words[index].group()
        if abbreviations_only and not is_abbreviated_honorific(word):
            break
        if is_title_word(word):
            saw_title, after_honorific = True, is_abbreviated_honorific(word)
        elif word.lower() not in QUALIFIERS or (after_honorific and not _title_ahead(words, index)):
            break  # a name follows an honorific ("Mr Eu Aa") unless a role does ("Mr Vice President"); a role
            # takes qualifiers after it ("Secretary of State")
        index += 1
    if not saw_title or not words[index].group()[:1].isupper():
        return 0
    return words[index].start()
