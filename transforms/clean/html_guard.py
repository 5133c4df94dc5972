"""Markup that is pathologically slow to parse is defused before any parser sees it.

libxml2 (under lxml, trafilatura and htmldate) spends time that grows faster than the square of the number of
attributes on one element: 20,000 take 0.7 s to parse, 50,000 take 5 s, 200,000 minutes, and trafilatura's and
htmldate's passes over the tree multiply that. No page needs more than a few dozen, so every tag keeps its first
``MAX_ATTRIBUTES`` attributes and loses the rest: the page's text still indexes.

Where a tag ends is decided as the HTML5 tokenizer decides it, which libxml2 2.14 follows: quoted attribute
values may hold ``>``; comments (``<!-- … -->``), bogus comments (``<!…>``, ``<?…>``) and the content of raw-text
elements (``<style>``, ``<title>`` …; ``<script>`` with its escaped states) hold no tags. Reading them any other
way would let a tag hide from the scan inside something the parser reads as markup. One regular expression passes
over text, comments and tags within the limit in C; Python only sees the tags over it and scripts holding "<!--".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ATTRIBUTES = 128
# Elements whose content is text up to their own end tag (libxml2 2.14 reads <noscript> as markup).
RAW_TEXT_ELEMENTS = ("style", "xmp", "iframe", "noembed", "noframes", "textarea", "title")

_WS = r"[\t\n\f\r ]"
_NAME_END = r"\t\n\f\r />"
_NAME_ENDS = rf"(?=[{_NAME_END}])"
# Between attributes: whitespace, or a "/" that does not close the tag ("<a/b=1>" is <a b=1>).
_SEP = rf"(?:{_WS}++|/(?!>))*+"
# An attribute: a name (quotes and "<" included, and a leading "="), then maybe "=" and a value. Possessive
# throughout: the tokenizer never reconsiders, and neither does the scan (no backtracking: linear time).
_ATTRIBUTE = (
    rf"[^{_NAME_END}][^{_NAME_END}=]*+"
    rf"(?:{_WS}*+={_WS}*+(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >]++)?+)?+"
)
_TAG_NAME = rf"[A-Za-z][^{_NAME_END}]*+"
_ATTRIBUTES = rf"(?:{_SEP}{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+"
_TAG_END = rf"{_SEP}/?>"


def _raw_text_content(name: str) -> str:
    """Up to ``</name`` + whitespace, "/" or ">" (any case), else to the end of the page."""
    return rf"(?s:.*?(?=</(?i:{name}){_NAME_ENDS})|.*)"


# One alternative per element, not a backreference: sre fails on a group captured inside a possessive repeat.
# libxml2 (unlike HTML5) gives a self-closed <style/> or <script/> no content.
_RAW_TEXT = " | ".join(
    rf"(?i:{name}){_NAME_ENDS}{_ATTRIBUTES}{_SEP}(?:/>|>{_raw_text_content(name)})" for name in RAW_TEXT_ELEMENTS
)
# A script without "<!--" before its end tag: the common case, read here; any other script is left to Python.
_SIMPLE_SCRIPT = (
    rf"(?i:script){_NAME_ENDS}{_ATTRIBUTES}{_SEP}"
    rf"(?:/>|>(?:[^<]++|<(?!/(?i:script){_NAME_ENDS}|!--))*+(?=</(?i:script){_NAME_ENDS}))"
)
_SPECIAL = rf"(?i:{'|'.join((*RAW_TEXT_ELEMENTS, 'script', 'plaintext'))}){_NAME_ENDS}"
_SAFE = rf"""
    [^<]++
    | <(?:
        !--(?:-?>|(?s:.*?)--!?>|(?s:.*))     # a comment, ended by -->, --!> or the end of the page
        | [!?][^>]*+>?                       # <!DOCTYPE …>, <![CDATA[ …>, <?xml …>: up to the first ">"
        | /(?:{_TAG_NAME}{_ATTRIBUTES}{_TAG_END} | (?![A-Za-z])[^>]*+>?)  # an end tag; "</>", "</ …>" dropped
        | (?!{_SPECIAL}){_TAG_NAME}{_ATTRIBUTES}{_TAG_END}  # most start tags
        | (?i:plaintext){_NAME_ENDS}{_ATTRIBUTES}{_SEP}(?:/>|>(?s:.*))  # everything after <plaintext> is text
        | {_RAW_TEXT}
        | {_SIMPLE_SCRIPT}
        | (?![A-Za-z!/?])                    # a "<" that opens nothing is text
    )
"""
_SAFE_RUN = re.compile(rf"(?:{_SAFE})*+", re.VERBOSE)
# Where the safe run stops (a <script> tag, or a tag over the limit or cut off by the end of the page): its name
# and first MAX_ATTRIBUTES attributes, then the rest of it.
_KEPT = re.compile(rf"</?({_TAG_NAME}){_ATTRIBUTES}")
_ONE_MORE = re.compile(rf"{_SEP}{_ATTRIBUTE}")
_REST = re.compile(rf"(?:{_SEP}{_ATTRIBUTE})*+{_SEP}(/?>)?")
_RAW_TEXT_CONTENT = {name: re.compile(_raw_text_content(name)) for name in RAW_TEXT_ELEMENTS}
# Script data and its escaped states ("<!--" … "-->", and "<script>" inside that): what ends each one.
_SCRIPT_END = rf"</(?i:script){_NAME_ENDS}"
_SCRIPT_DATA = re.compile(rf"{_SCRIPT_END}|<!--")
_SCRIPT_ESCAPED = re.compile(rf"{_SCRIPT_END}|-->|<(?i:script){_NAME_ENDS}")
_SCRIPT_DOUBLE_ESCAPED = re.compile(rf"{_SCRIPT_END}|-->")


@dataclass(frozen=True)
class DefusedMarkup:
    html: str
    trimmed_tags: int = 0  # tags that lost the attributes over MAX_ATTRIBUTES


def defuse_markup(html: str) -> DefusedMarkup:
    """The page with no tag holding more than ``MAX_ATTRIBUTES`` attributes; the very same string when none does."""
    pieces: list[str] = []
    copied = trimmed = 0
    position = _skip(_SAFE_RUN, html, 0)
    while position < len(html):
        kept = _KEPT.match(html, position)
        rest = _REST.match(html, kept.end()) if kept is not None else None
        if kept is None or rest is None:  # cannot happen: the safe run stops only at "<" + letter
            break
        over = _ONE_MORE.match(html, kept.end()) is not None
        if over:
            pieces.append(html[copied:position])
            copied, trimmed = rest.end(), trimmed + 1
            if rest.group(1) is None:  # cut off by the end of the page: the parser drops it, and so do we
                break
            pieces.append(kept.group(0) + rest.group(1))
        position = rest.end()
        if rest.group(1) == ">" and not kept.group(0).startswith("</"):
            position = _skip_content(kept.group(1).lower(), html, position)
        position = _skip(_SAFE_RUN, html, position)
    if not trimmed:
        return DefusedMarkup(html)
    pieces.append(html[copied:])
    return DefusedMarkup("".join(pieces), trimmed)


def _skip(pattern: re.Pattern[str], html: str, position: int) -> int:
    match = pattern.match(html, position)
    return position if match is None else match.end()


def _skip_content(element: str, html: str, position: int) -> int:
    """Past the text content of an element whose start tag (not self-closed) ends at ``position``; most have none."""
    if element == "script":
        return _script_end(html, position)
    if element == "plaintext":
        return len(html)
    content = _RAW_TEXT_CONTENT.get(element)
    return position if content is None else _skip(content, html, position)


def _script_end(html: str, position: int) -> int:
    """Where the script's end tag starts. Inside "<!--", a "<script>" means a later "</script>" only leaves that
    inner script (the tokenizer's double-escaped state): the content then runs on to the next one."""
    state = _SCRIPT_DATA
    while (found := state.search(html, position)) is not None:
        token = found.group(0)
        if token.startswith("</") and state is not _SCRIPT_DOUBLE_ESCAPED:
            return found.start()
        if token == "<!--":
            state, position = _SCRIPT_ESCAPED, found.start() + 2  # its "--" may close it at once: "<!-->"
            continue
        if token == "-->":
            state = _SCRIPT_DATA
        elif state is _SCRIPT_ESCAPED:
            state = _SCRIPT_DOUBLE_ESCAPED  # "<script"
        else:
            state = _SCRIPT_ESCAPED  # "</script" in the double-escaped state
        position = found.end()
    return len(html)
