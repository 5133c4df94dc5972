"""Date mentions: TIMEX3-style temporal tagging and normalisation of article text (pure, no I/O)."""

from transforms.enrich.dates.tagger import find_date_mentions

__all__ = ["find_date_mentions"]
