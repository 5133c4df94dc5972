"""The compiled regexes, one per expression class, built once per process from the word tables.

Every repetition is bounded (``\\d{1,4}``, ``\\s{1,3}``) and no repeated group contains another repetition, so
each pattern runs in linear time even on a megabyte of digits and month names. Matching is case-sensitive
on purpose for month and weekday names ("may" the verb, "march" the verb); the relational words around
them are matched case-insensitively with scoped ``(?i:...)`` groups.
"""

from __future__ import annotations

import re

from transforms.enrich.dates.vocab import DECADE_WORDS, MONTH_ABBREVIATIONS, MONTHS, NUMBER_WORDS, WEEKDAYS

S = r"\s{1,3}"  # bounded whitespace between words
HY = r"[\s-]{1,2}"  # a space or a hyphen ("third-quarter", "two-year")


def _names(words: list[str]) -> str:
    forms = [w.capitalize() for w in words] + [w.upper() for w in words]
    return "|".join(sorted(forms, key=len, reverse=True))


MONTH_FULL = rf"\b(?:{_names(list(MONTHS))})"
MONTH_ANY = rf"(?:{MONTH_FULL}|\b(?:{_names(list(MONTH_ABBREVIATIONS))})\.?)(?![a-z])"
WEEKDAY = rf"\b(?:{_names(list(WEEKDAYS))})"
_UNITS_SG = r"second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|century"
UNIT = (
    rf"(?i:{_UNITS_SG.replace('century', 'centur(?:y|ies)')}|seconds|minutes|hours|days|nights|weeks|"
    r"weekends|months|quarters|years|decades)"
)
_SMALL = "|".join(sorted((w for w in NUMBER_WORDS if " " not in w and w not in ("a", "an")), key=len, reverse=True))
NUMBER = (
    rf"(?:\b\d{{1,4}}(?:\.\d{{1,2}})?|\b(?i:(?:{_SMALL})(?:[\s-](?:one|two|three|four|five|six|seven|eight|"
    rf"nine))?|a{S}couple{S}of|a{S}dozen|a{S}hundred|an?|a{S}half))"
)
MOD = r"\b(?P<mod>(?i:early|mid|late|the\s(?:beginning|start|middle|end)\sof|end|earlier|later))"
YEAR = r"(?:1[6-9]|20)\d\d"
_NOT_NUMBER_BEFORE = r"(?<![\w$£€¥#.,/-])"
_NOT_NUMBER_AFTER = r"(?![\w%/-]|[.,]\d|['’]s\b)"
_AFTER_MOD_HYPHEN = r"(?<=(?i:mid)-)|(?<=(?i:late)-)|(?<=(?i:early)-)"  # "mid-1998": the hyphen binds the year to MOD
PART_WORDS = r"(?i:morning|afternoon|evening|night)"
PART = rf"(?P<part>{PART_WORDS})"
DAY_WORD = r"\b(?i:today|tonight|tomorrow|yesterday)"

ISO = re.compile(
    r"(?<![\w-])(?P<y>[12]\d{3})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d)(?::[0-5]\d)?)?"
    r"(?![\w-])"
)
NUMERIC = re.compile(r"(?<![\w/.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w/]|\.\d)")
MONTH_DAY = re.compile(
    rf"(?:(?P<wd>{WEEKDAY}),?{S})?(?P<mon>{MONTH_ANY}){S}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?!\d|:\d|[.,]\d|{S}(?i:percent|million|billion|per|points?)\b)(?:,?{S}(?P<y>{YEAR})(?!\d))?"
)
DAY_MONTH = re.compile(
    rf"(?:(?P<wd>{WEEKDAY}),?{S})?(?<![\d,.$])(?:(?i:the){S})?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{S}"
    rf"(?:of{S})?(?P<mon>{MONTH_ANY})(?:,?{S}(?P<y>{YEAR})(?!\d))?"
)
MONTH_YEAR = re.compile(rf"(?:{MOD}[\s-]{{1,2}})?(?P<mon>{MONTH_ANY}),?{S}(?:of{S})?(?P<y>{YEAR})(?!\d)")
MONTH = re.compile(
    rf"(?:{MOD}[\s-]{{1,2}})?(?:\b(?P<rel>(?i:last|next|this(?:{S}past|{S}coming)?|past|coming)){S})?"
    rf"(?P<mon>{MONTH_FULL})(?![\w-])"
)
YEAR_ONLY = re.compile(
    rf"(?:{MOD}[\s-]{{1,2}})?(?:\b(?P<fiscal>(?i:fiscal|calendar)(?:{S}(?i:year))?){S})?"
    rf"(?:{_NOT_NUMBER_BEFORE}|{_AFTER_MOD_HYPHEN})(?P<y>{YEAR}){_NOT_NUMBER_AFTER}"
)
_RANGE_END = r"(?![\w%/-]|[.,]\d)"
YEAR_RANGE_START = re.compile(rf"{_NOT_NUMBER_BEFORE}(?P<y>{YEAR})(?=-(?:{YEAR}|\d\d){_RANGE_END})")
YEAR_RANGE_END = re.compile(rf"(?<=(?P<first>(?:1[6-9]|20)\d\d)-)(?P<y>{YEAR}|\d\d){_RANGE_END}")
SPELLED_YEAR = re.compile(
    r"(?i:\bnineteen[\s-](?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-](?P<ones>one|two|three|four|five|six|seven|eight|nine))?\b)"
)
DECADE = re.compile(
    rf"(?:{MOD}[\s-]{{1,2}})?(?:\b(?P<the>(?i:the)){S})?(?:(?P<y>(?:1[0-9]|20)\d)0['’]?s\b|['’](?P<yy>\d)0['’]?s\b|"
    rf"\b(?P<word>(?i:{'|'.join(DECADE_WORDS)})\b))"
)
CENTURY = re.compile(
    r"(?:(?i:the)\s)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-](?i:century)\b|"
    r"(?:(?i:the)\s)?\b(?P<w>(?i:twenty-first|twentieth|nineteenth|eighteenth))[\s-](?i:century)\b"
)
CLOCK = re.compile(
    rf"(?:(?P<day0>{WEEKDAY}|{DAY_WORD})(?:{S}{PART})?{S}(?:(?i:at|around|about){S})?)?"
    rf"(?:(?P<h>\d{{1,2}})(?::(?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.m\.?|[ap]m\b|[AP]\.M\.?|[AP]M\b)|"
    rf"(?P<h2>\d{{1,2}}):(?P<mi2>[0-5]\d)(?=\s?(?:[ECMP][SD]T|GMT|UTC|(?i:local|hours?))\b)|"
    rf"(?P<h3>\d{{1,2}}){S}(?i:o['’]clock)|(?P<noon>(?i:noon|midnight|midday)))"
    rf"(?:{S}(?P<tz>[ECMP][SD]T|GMT|UTC))?(?:,?{S}(?:(?i:on){S})?(?:(?P<day>{WEEKDAY}|{DAY_WORD})|"
    rf"(?P<mon>{MONTH_ANY}){S}(?P<d>\d{{1,2}})(?!\d)))?"
)
REL_DAY = re.compile(
    rf"(?:(?P<mod>(?i:early|late|later|earlier)){S})?(?P<w>{DAY_WORD}|(?i:the{S}day{S}(?:before{S}yesterday|"
    rf"after{S}tomorrow)))(?:{S}{PART})?\b|\b(?P<rel>(?i:this|last)){S}(?P<part2>{PART_WORDS})\b"
)
WEEKDAY_REL = re.compile(
    rf"(?:\b(?P<rel>(?i:last|next|this(?:{S}past|{S}coming)?|coming|past)){S})?"
    rf"(?P<wd>{WEEKDAY})(?![\w-])(?:{S}{PART}\b)?"
)
REL_UNIT = re.compile(
    rf"(?:{MOD}{S})?\b(?P<rel>(?i:last|next|this(?:{S}past|{S}coming)?|past|coming|previous|following|current|"
    rf"the{S}(?:past|last|next|coming|previous|following|current|latest)|the))(?:{S}\b(?P<fiscal>(?i:fiscal)))?"
    rf"{S}(?P<unit>(?i:week|weekend|month|year|quarter|decade|century))(?![\w-])"
)
AGO = re.compile(
    rf"(?:\b(?P<approx>(?i:about|nearly|almost|some|roughly|approximately|more{S}than|just|only)){S})?"
    rf"(?<![\d,.$])(?P<num>{NUMBER}|\b(?i:several|a{S}few|few|many)){HY}(?P<unit>{UNIT}){S}"
    rf"(?P<dir>(?i:ago|earlier|from{S}now|hence))\b|(?P<adj>(?i:year[\s-](?:earlier|ago)))\b"
)
QUARTER = re.compile(
    rf"(?:(?P<pre>{YEAR}|(?i:last|this|next){S}(?i:year)['’]s|(?i:the{S})?(?i:year-ago|year-earlier|prior-year)){S})?"
    rf"(?:\b(?P<the>(?i:the|its|their)){S}(?![A-Za-z]+-))?"
    rf"(?:(?i:fiscal|calendar)[\s-]{{1,2}})?\b(?P<ord>(?i:first|second|third|fourth|1st|2nd|3rd|4th)){HY}"
    rf"(?:(?i:fiscal)[\s-]{{1,2}})?(?P<unit>(?i:quarter|half))(?![\w-])"
    rf"(?:{S}(?i:of){S}(?:(?i:fiscal){S})?(?P<post>{YEAR}|(?i:this|last|next){S}(?i:year)))?|"
    rf"\b(?P<q>Q[1-4])(?:{S}(?P<qy>{YEAR}))?\b"
)
REL_QUARTER = re.compile(
    rf"\b(?P<rel>(?i:the{S}(?:latest|current|year-ago|year-earlier|previous|prior|preceding)|"
    rf"this|last|the))(?:{S}(?i:fiscal))?{S}(?i:quarter)(?![\w-])"
)
REPORT_PERIOD = re.compile(
    rf"\b(?i:the|its|their){S}(?P<which>(?i:latest|most{S}recent|year-ago|year-earlier|prior-year|"
    rf"comparable|corresponding|same)|{YEAR}){S}(?i:period|quarter)(?![\w-])(?:{S}(?P<last>(?i:last|a){S}year"
    rf"(?:{S}(?i:ago|earlier))?)\b)?|"
    rf"\b(?i:last|the{S}previous|the{S}prior){S}(?i:year)['’]s{S}(?i:period|quarter)(?![\w-])|"
    rf"\b(?i:the){S}(?i:period|quarter){S}(?i:a{S}year{S}(?:ago|earlier))\b"
)
THAT_YEAR = re.compile(
    rf"(?:\b(?i:earlier|later){S})?\b(?i:that){S}(?i:year)(?![\w'’-])|\b(?P<in>(?i:earlier|later){S}(?i:in){S}"
    rf"(?i:the){S}(?i:year))(?![\w'’-])"
)
SEASON = re.compile(
    rf"(?:{MOD}[\s-]{{1,2}})?(?:\b(?P<rel>(?i:last|next|this(?:{S}past|{S}coming)?|the|early|late)){S})?"
    rf"\b(?P<s>(?i:spring|summer|fall|autumn|winter))(?:{S}(?:(?i:of){S})?(?P<y>{YEAR}))?(?![\w-])"
)
_OF_PERIOD = (  # "the first six months of 1989 / of the year" name a part of a calendar period, not a span
    rf"(?i:this|last|next|fiscal|calendar|its|their|the{S}(?:year|month|week|decade|century|quarter|fiscal|"
    rf"current|previous|season))\b"
)
DURATION = re.compile(
    rf"(?:\b(?P<approx>(?i:more{S}than|less{S}than|at{S}least|at{S}most|up{S}to|nearly|almost|no{S}more{S}than|"
    rf"fewer{S}than)){S})?"
    rf"(?:\b(?P<det>(?i:the{S}(?:past|last|next|first|coming|previous|following|latest|final|remaining)|"
    rf"another|past|last|next|first|the)){S})?(?<![\d,.$])"
    rf"(?:(?P<num>{NUMBER})(?:{S}(?i:more))?{HY}(?P<unit>{UNIT})|"
    rf"\b(?P<vague>(?i:several|a{S}few|few|many|recent|coming)){S}(?P<vunit>{UNIT}))(?P<old>(?i:-old|{S}old))?"
    rf"(?![\w-])(?!{S}of{S}(?:\d|{MONTH_ANY}|{_OF_PERIOD}))(?:{S}(?P<half>(?i:and{S}a{S}half)))?"
)
VAGUE_SPAN = re.compile(
    rf"(?:\b(?P<the>(?i:the)){S})?\b(?P<unit>(?i:days|weeks|months|years|decades|centuries))(?![\w'’-])"
)
SET = re.compile(
    rf"\b(?P<q>(?i:every|each|per))(?:{S}(?P<other>(?i:other)))?{S}(?:(?P<unit>(?i:{_UNITS_SG}|morning|afternoon|"
    rf"evening|season))|(?P<wd>{WEEKDAY})|(?P<mon>{MONTH_FULL}))(?![\w-])|"
    r"\b(?P<adv>(?i:daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly|semiannually))\b|"
    rf"\b(?P<freq>(?i:once|twice|three{S}times|\d{{1,3}}{S}times)){S}(?i:an?|per){S}(?P<funit>(?i:{_UNITS_SG}))\b|"
    rf"(?P<wds>{WEEKDAY})s\b|\b\b(?P<rate>(?i:a|per)){S}(?P<runit>(?i:year|month|week|day|hour))\b"
)
REFS = re.compile(
    rf"\b(?P<present>(?i:nowadays|currently|these{S}days|at{S}present|now))\b|"
    rf"\b(?P<past>(?i:recently|the{S}past|formerly))\b(?!{S}(?i:few|several|\d))|"
    rf"\b(?P<future>(?i:the{S}(?:near{S}|distant{S})?future))\b|"
    rf"(?<!(?i:as)\s)(?<!(?i:how)\s)(?<!(?i:too)\s)\b(?P<soon>(?i:soon))\b"
    rf"(?!{S}(?i:as|after|afterwards?|thereafter|enough|to{S}be)\b)"
)
PERIOD_END = re.compile(
    rf"\b(?P<w>(?i:year[\s-]end|year['’]s{S}end|the{S}full{S}year|the{S}weekend|the{S}end{S}of{S}the{S}"
    rf"(?:year|month|week|quarter)))\b"
)
HOLIDAY = re.compile(
    rf"\b(?P<h>Christmas(?:{S}(?:Day|Eve))?|New{S}Year['’]s(?:{S}(?:Day|Eve))|Thanksgiving(?:{S}Day)?|"
    rf"Election{S}Day|Independence{S}Day|Halloween|Valentine['’]s{S}Day|Memorial{S}Day|Labor{S}Day|"
    rf"Veterans{S}Day)\b"
)
