"""Agreement between extractors: blocks of trafilatura's lines that neither readability nor the baseline find."""

from __future__ import annotations

import lxml.html
import pytest

from transforms.clean import html
from transforms.clean.html import _readability, extract_html, parse_page
from transforms.clean.html_agree import confirmed_share, gram_index, keep_confirmed

STORY = [
    "The city council approved the new budget on Tuesday after a long debate about transport and schools.",
    "Members voted 12 to 3 in favour, with the opposition saying the plan left rural bus routes without money.",
    "The leader of the council said the budget protected frontline services while keeping tax rises low.",
    "A review of transport spending is promised for the spring, when the new county bus timetable is due.",
]
HEADLINES = [
    "- Library opening hours extended over the winter months",
    "- Bridge repairs to close the ring road for a week",
    "- New mayor sworn in at a short ceremony",
]
OTHER = " ".join(STORY)  # another extractor's text: the story, as one run of words without line breaks


def test_a_block_no_other_extractor_finds_is_dropped_after_the_story() -> None:
    kept, dropped = keep_confirmed([*STORY, *HEADLINES], [OTHER])
    assert kept == STORY
    assert dropped == 3


def test_a_block_before_the_story_is_dropped_even_when_it_is_one_line() -> None:
    kept, dropped = keep_confirmed(["Most read: ring road closed for a week", *STORY], [OTHER])
    assert kept == STORY and dropped == 1


def test_one_unconfirmed_line_between_confirmed_ones_is_kept() -> None:
    lines = [STORY[0], STORY[1], "What the vote means", STORY[2], STORY[3]]  # a sub-heading the others skip
    assert keep_confirmed(lines, [OTHER]) == (lines, 0)


def test_a_run_of_unconfirmed_lines_inside_the_story_is_dropped() -> None:
    lines = [STORY[0], STORY[1], *HEADLINES[:2], STORY[2], STORY[3]]
    assert keep_confirmed(lines, [OTHER]) == (STORY, 2)


def test_one_confirming_extractor_is_enough() -> None:
    lines = [*STORY, *HEADLINES]
    assert keep_confirmed(lines, ["", " ".join(HEADLINES), OTHER]) == (lines, 0)


@pytest.mark.parametrize(
    "others",
    [
        [],  # no other extractor ran
        ["", "   "],  # they found nothing
        ["A cookie banner and a list of sections: home, news, sport, weather."],  # they confirm no line
    ],
)
def test_nothing_is_dropped_without_an_opinion_on_the_lines(others: list[str]) -> None:
    lines = [*STORY, *HEADLINES]
    assert keep_confirmed(lines, others) == (lines, 0)


def test_nothing_is_dropped_when_the_others_would_leave_less_than_half() -> None:
    """They then disagree about the whole page (another block taken for the article), not about some lines."""
    lines = [*STORY, *HEADLINES]
    assert keep_confirmed(lines, [" ".join([STORY[0], *HEADLINES])]) == (lines, 0)


def test_a_line_is_confirmed_by_its_words_whatever_the_case_and_punctuation() -> None:
    index = gram_index("THE CITY COUNCIL approved, the new budget; on Tuesday")
    assert confirmed_share("The city council approved the new budget on Tuesday.", index) == 1.0
    assert confirmed_share("The city council rejected the plan", index) == pytest.approx(1 / 4)


def test_a_short_line_is_confirmed_only_by_its_words_in_a_row() -> None:
    index = gram_index("a baby carrier and a camera")
    assert confirmed_share("- baby carrier", index) == 1.0
    assert confirmed_share("carrier baby", index) == 0.0
    assert confirmed_share("—", index) == 1.0  # no words: nothing to disagree about


PAGE = (
    "<html><head><title>Council approves budget</title><script>var x = 1;</script></head><body>"
    '<nav><a href="/">Home</a> <a href="/news">News</a></nav><div class="story"><h1>Council approves budget</h1>'
    + "".join(f"<p>{line}</p>" for line in STORY)
    + "</div></body></html>"
)


def test_the_page_loses_a_block_only_trafilatura_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """readability and the baseline vote on the real tree; trafilatura is made to keep a headline block."""
    extract = html._trafilatura

    def with_headlines(*args: object, **kwargs: bool) -> str:
        return "\n".join([extract(*args, **kwargs), *HEADLINES])  # type: ignore[arg-type]

    monkeypatch.setattr(html, "_trafilatura", with_headlines)
    extraction = extract_html(PAGE, "https://gazette.example/news/budget")
    assert extraction.method == "trafilatura_precision"
    assert extraction.unconfirmed_lines == 3
    assert all(line in extraction.text for line in STORY)
    assert "ring road" not in extraction.text


def test_an_agreed_page_is_left_as_trafilatura_found_it() -> None:
    extraction = extract_html(PAGE, "https://gazette.example/news/budget")
    assert extraction.unconfirmed_lines == 0
    assert all(line in extraction.text for line in STORY)


def test_readability_votes_on_a_copy_of_the_shared_tree() -> None:
    tree = parse_page(PAGE).tree
    before = lxml.html.tostring(tree)
    assert STORY[0] in _readability(tree)
    assert lxml.html.tostring(tree) == before  # readability drops scripts and more from the tree it is given
    assert _readability(None) == ""
