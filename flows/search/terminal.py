"""Article text for a terminal: one line that cannot drive it, highlight marks shown as «…»."""

from __future__ import annotations

import html
import re

# Control characters (ESC sequences included) in an article would drive the terminal that shows it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKS = re.compile(r"</?em>")


def for_terminal(text: str) -> str:
    """One line of text that cannot move the cursor, retitle the window or clear the screen."""
    return " ".join(_CONTROL.sub("\ufffd", text).split())


def plain_highlight(fragment: str) -> str:
    """An html-encoded highlight (the templates' encoder) for a terminal: one line, «marked» terms, raw text."""
    marked = _MARKS.sub(lambda m: "«" if m.group(0) == "<em>" else "»", fragment)
    return for_terminal(html.unescape(marked))
