"""Plain-text cleaning: paragraph shapes, headline detection, boilerplate classes."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.clean.boilerplate import drop_boilerplate, is_boilerplate, strip_obfuscated_emails
from transforms.clean.repair import repair_text
from transforms.clean.text import clean_text, looks_like_headline, split_paragraphs, take_title

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(prefix: str) -> str:
    return repair_text(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8"))


# --- paragraphs ---------------------------------------------------------------------------------


def test_blank_line_paragraphs_are_kept() -> None:
    assert split_paragraphs("First one.\n\n\nSecond   one.\n \nThird.") == ["First one.", "Second one.", "Third."]


def test_one_paragraph_per_line_is_kept() -> None:
    long_a = "The minister said the plan would cut waiting times for patients in the north. " * 2
    long_b = "Opposition members called the proposal unfunded and said hospitals lacked staff. " * 2
    assert split_paragraphs(f"{long_a}\n{long_b}") == [long_a.strip(), long_b.strip()]


def test_hard_wrapped_text_is_rejoined_and_paragraph_ends_kept() -> None:
    wrapped = (
        "Officials said on Tuesday that the bridge would reopen next month\n"
        "after repairs costing more than two million pounds, according to a\n"
        "statement from the council.\n"
        "Work begins in March and is expected to last six weeks while the\n"
        "engineers replace the deck.\n"
    )
    assert split_paragraphs(wrapped) == [
        "Officials said on Tuesday that the bridge would reopen next month after repairs costing more "
        "than two million pounds, according to a statement from the council.",
        "Work begins in March and is expected to last six weeks while the engineers replace the deck.",
    ]


def test_list_items_are_not_joined() -> None:
    assert split_paragraphs("Key points:\n- rates held\n- growth slowed") == [
        "Key points:",
        "- rates held",
        "- growth slowed",
    ]


# --- title --------------------------------------------------------------------------------------


def test_seed_002_first_line_is_its_title() -> None:
    cleaned = clean_text(_seed("002"))
    assert cleaned.title == "North Korean Troops in Russia: Unprecedented Internet Access Sparks Controversy"
    assert not cleaned.paragraphs[0].startswith("North Korean Troops in Russia")


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_seeds_starting_with_a_body_sentence_get_no_title(prefix: str) -> None:
    text = _seed(prefix)
    cleaned = clean_text(text)
    assert cleaned.title is None
    assert cleaned.paragraphs[0] == split_paragraphs(text)[0]


def test_bbc_style_headline_is_taken() -> None:
    title, rest = take_title("Ad sales boost Time Warner profit\n\nQuarterly profits at US media giant jumped 76%.")
    assert title == "Ad sales boost Time Warner profit"
    assert rest.strip() == "Quarterly profits at US media giant jumped 76%."


def test_first_line_of_hard_wrapped_body_is_not_a_title() -> None:
    text = "North Korean soldiers who have been deployed to Russia are getting\nunfettered access to the internet."
    assert take_title(text) == (None, text)


def test_single_line_is_never_a_title() -> None:
    assert take_title("Markets rally on rate hopes")[0] is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Markets rally as inflation cools", True),
        ("iTunes now selling Band Aid song", True),
        ("'My memories of Marley...'", True),
        ("The council met on Tuesday to approve the budget.", False),
        ("however the vote was delayed", False),
        ("Follow us on Twitter", False),
    ],
)
def test_looks_like_headline(line: str, expected: bool) -> None:
    assert looks_like_headline(line) is expected


def test_given_title_wins_and_a_repeated_title_is_dropped() -> None:
    cleaned = clean_text("Storm hits coast\n\nThe storm hit the coast overnight.", title="Storm Hits Coast")
    assert cleaned.title == "Storm Hits Coast"
    assert cleaned.paragraphs == ["The storm hit the coast overnight."]


# --- boilerplate classes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        # republishing, licensing and copyright notices
        "All content created by the Daily Caller News Foundation, an independent and nonpartisan newswire "
        "service, is available without charge to any legitimate news publisher that can provide a large audience.",
        "This article was originally published on The Conversation. Read the original article.",
        "This story first appeared in the Riverside Gazette.",
        "Originally published by Example Weekly.",
        "© 2024 Example Media Group. All rights reserved.",
        "Copyright 2023 The Associated Press. All rights reserved. This material may not be published, "
        "broadcast, rewritten or redistributed.",
        "Republished with permission from Northern Ledger.",
        "This work is licensed under a Creative Commons Attribution 4.0 International License.",
        # calls to action
        "Read the original article here",
        "Read the full story at the Valley Times",
        "Read more: Why rents keep rising",
        "READ MORE: Floods close main road",
        "Click here to download our app",
        "Follow us on Twitter and Facebook",
        "Follow her on Instagram @janedoe.",
        "Sign up for our free daily newsletter",
        "Subscribe to our channel for more videos",
        "Share this article",
        "Facebook Twitter Email Print",
        "Advertisement",
        "Story continues below advertisement",
        "We use cookies to improve your experience on our site.",
        "Contact us at [email protected]",
    ],
)
def test_boilerplate_classes_are_caught(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The platform removed the content after regulators complained about misinformation.",
        "Article 5 of the NATO treaty commits members to collective defence, officials said.",
        "Copyright lawsuits against AI companies have surged this year, lawyers say.",
        "Subscribers to the streaming service will pay $2 more from January.",
        "Share prices fell 4% after the announcement.",
        "Fans who follow the team on Instagram saw the post before it was deleted.",
        "He said he had read the full report and found no evidence of wrongdoing.",
        "The newspaper said it would republish the original investigation in full next week after a court ruling.",
        "All rights to the land were transferred to the tribe in 1998, the court found, ending a decades-long "
        "dispute that had divided the county and its residents for more than a generation.",
    ],
)
def test_news_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_seed_footers_are_removed_and_counted() -> None:
    cleaned_004 = clean_text(_seed("004"))
    assert cleaned_004.removed_lines == 1
    assert not any("Daily Caller News Foundation" in p or "[email" in p for p in cleaned_004.paragraphs)
    cleaned_003 = clean_text(_seed("003"))
    assert cleaned_003.removed_lines == 1
    assert "Read the original article here" not in cleaned_003.paragraphs


def test_obfuscated_email_inside_a_sentence_is_dropped_not_the_sentence() -> None:
    line = "Tips can be sent to [email protected] or by post to the newsroom."
    assert not is_boilerplate(line)
    assert strip_obfuscated_emails(line) == "Tips can be sent to or by post to the newsroom."


def test_drop_boilerplate_counts_lines() -> None:
    kept, removed = drop_boilerplate(["Body sentence one.", "Share this article", "Advertisement", "More body."])
    assert kept == ["Body sentence one.", "More body."]
    assert removed == 2


def test_a_footer_line_is_not_glued_onto_a_short_paragraph() -> None:
    cleaned = clean_text("The vote passed.\nRead the original article here\n")
    assert cleaned.paragraphs == ["The vote passed."]
    assert cleaned.removed_lines == 1
