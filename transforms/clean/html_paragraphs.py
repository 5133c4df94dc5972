"""Last-resort main text: prose-like blocks collected while streaming the markup.

lxml stops building the tree at 256 levels of nesting and tree-based extractors then see nothing;
a streaming parser keeps no tree, so depth, broken markup and unclosed tags cannot defeat it, and
it runs in linear time on any input.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption",
    "div", "article", "section", "main", "br", "tr", "ul", "ol", "table", "header", "footer", "body",
}  # fmt: skip
_SKIPPED = {
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select", "svg", "iframe",
    "head", "title",
}  # fmt: skip
_WORD = re.compile(r"\w+")

MIN_WORDS = 8


class _BlockCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._buffer: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skip_depth = 0  # an unclosed <head> or <title> must not hide the whole page
        elif tag in _SKIPPED:
            self._skip_depth += 1
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skip_depth:
            self._skip_depth -= 1
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._buffer.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer.clear()
        if text:
            self.blocks.append(text)

    def close(self) -> None:
        """A tag, comment or declaration the end of the page cuts off takes the rest of the page with it, as in
        browsers and in Python 3.13.5+ (CVE-2025-6069). Older html.parser re-reads the rest as text from every "<"
        in it, and every "<" starts another scan to the end: 90 KB of "<!--" or "<a " took seconds to a minute."""
        if len(self.rawdata) > 1 and self.rawdata.startswith("<") and not self.cdata_elem:
            self.rawdata = ""  # ``feed`` stops at the first construct it cannot complete: all of the rest
        super().close()
        self._flush()


def prose_blocks(html: str, min_words: int = MIN_WORDS) -> list[str]:
    """Text blocks long enough to be prose; navigation and button labels are shorter."""
    collector = _BlockCollector()
    try:
        collector.feed(html)
        collector.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed declarations
        collector._flush()
    return [block for block in collector.blocks if len(_WORD.findall(block)) >= min_words]
