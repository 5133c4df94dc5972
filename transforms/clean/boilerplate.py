"""Line-level boilerplate rules: which lines of an article are not part of the article.

The rules describe CLASSES of lines that news sites and syndication feeds append to a story
(republishing and copyright notices, calls to action, share and cookie prompts, obfuscated-email
artefacts), not strings of one publisher. Each rule is bounded by line length: a notice or a button
label is short, a reported sentence that merely mentions "content" or "subscribers" is not touched
because the patterns are anchored on the imperative or notice form, not on single words.
"""

from __future__ import annotations

import re

# Cloudflare replaces e-mail addresses with this text when JavaScript is off; it carries nothing.
OBFUSCATED_EMAIL = re.compile(r"\[\s*email(?:\s|&#160;|&nbsp;)*protected\s*\]", re.IGNORECASE)

_SOCIAL = r"(?:twitter|x|facebook|instagram|linkedin|tiktok|youtube|threads|bluesky|telegram|whatsapp|reddit)"

# Notices about rights and republication: they can be long, so they are matched at any length up
# to a paragraph, but only on phrases that do not occur in reporting.
_NOTICE_PATTERNS = [
    r"^\s*(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*(?:\d{4}|by\b))",
    r"\ball rights reserved\b",
    r"\b(?:may|must|shall) not be (?:re)?(?:published|broadcast|rewritten|redistributed|reproduced)\b",
    r"\brepublish(?:ed|ing)? (?:articles?|stories|content|this|our|it)\b.{0,80}\b(?:must|may|should|free)\b",
    r"\bavailable without charge to any\b",
    r"^\s*(?:this|the) (?:article|story|post|piece|column|report|interview|essay) (?:was|is|has been|first)"
    r" (?:originally |first )?(?:published|appeared|posted|republished)\b",
    r"^\s*(?:originally|first) (?:published|appeared|posted) (?:on|in|at|by)\b",
    r"\b(?:is |was )?republished (?:here )?(?:with permission|from|under|courtesy)\b",
    r"\blicensed under (?:a |the )?creative commons\b",
    r"\bunder a creative commons (?:license|licence)\b",
]

# Calls to action, share and cookie prompts: short lines, usually imperative.
_PROMPT_PATTERNS = [
    r"^\s*(?:read|see|view|watch|listen to) (?:the )?(?:original|full|complete|entire|whole) (?:article|story"
    r"|report|post|interview|piece|text|transcript)\b",
    r"^\s*(?:read|see|find out|learn) more\b",
    r"^\s*(?:read more|see more|more|related|also read|also see|watch|listen|recommended|trending"
    r"|don'?t miss|you may also like|most read|popular|up next|top stories|more from [\w .'-]{1,40})\s*[:|>»]",
    r"^\s*(?:click|tap) here\b",
    r"^\s*(?:read more|related stories|related articles|related|don'?t miss|advertisement|advertising"
    r"|sponsored|share|comments?|\d+ comments?|show comments|tell us what you think\W*|leave a comment)"
    r"\s*\W*\s*$",
    rf"\bfollow (?:us|me|him|her|them|@\w+) (?:on|at) {_SOCIAL}\b",
    rf"^\s*follow (?:us|me|him|her|them)\b.{{0,40}}\b(?:{_SOCIAL}|@\w+)",
    r"^\s*(?:subscribe|sign up|join (?:us|our))\b.{0,60}\b(?:newsletter|updates|alerts|today|now|free|our"
    r"|channel|podcast|here)\b",
    r"\b(?:sign up|subscribe) (?:to|for) (?:our|the|my)\b.{0,40}\bnewsletter\b",
    r"^\s*(?:get|download) (?:our|the)\b.{0,40}\b(?:app|newsletter)\b",
    r"^\s*share (?:this|on|via|the)\b",
    r"^\s*(?:share|tweet|email|print|facebook|twitter|whatsapp|linkedin|pinterest|reddit|copy link"
    r"|messenger|\W)(?:\s+(?:share|tweet|email|print|facebook|twitter|whatsapp|linkedin|pinterest"
    r"|reddit|copy link|messenger|\W))+\s*$",
    r"\b(?:we|this (?:site|website)) uses? cookies\b",
    r"^\s*(?:accept|reject|manage) (?:all )?cookies\b",
    r"\bstory continues below\b",
    r"^\s*(?:please )?(?:send|email) (?:us )?(?:your )?(?:news )?tips?\b",
    r"^\s*(?:contact|e-?mail)(?: us| the author| the reporter)?(?: at)?:?\s*\S*@\S*\s*\.?\s*$",
]

_NOTICES = [re.compile(p, re.IGNORECASE) for p in _NOTICE_PATTERNS]
_PROMPTS = [re.compile(p, re.IGNORECASE) for p in _PROMPT_PATTERNS]

NOTICE_MAX_CHARS = 700
PROMPT_MAX_CHARS = 220


def strip_obfuscated_emails(line: str) -> str:
    """The artefact inside a sentence is dropped; the sentence around it is kept."""
    if not OBFUSCATED_EMAIL.search(line):
        return line
    return re.sub(r"\s{2,}", " ", OBFUSCATED_EMAIL.sub("", line)).strip()


def is_notice(line: str) -> bool:
    return len(line) <= NOTICE_MAX_CHARS and any(p.search(line) for p in _NOTICES)


def is_prompt(line: str) -> bool:
    text = OBFUSCATED_EMAIL.sub("x@x", line)
    return len(text) <= PROMPT_MAX_CHARS and any(p.search(text) for p in _PROMPTS)


def is_boilerplate(line: str) -> bool:
    """True for a republishing/copyright notice, a call to action, a share or cookie prompt."""
    stripped = line.strip()
    return bool(stripped) and (is_notice(stripped) or is_prompt(stripped))


def drop_boilerplate(paragraphs: list[str]) -> tuple[list[str], int]:
    """Paragraphs without boilerplate lines, and how many were dropped (the run report counts them)."""
    kept: list[str] = []
    removed = 0
    for paragraph in paragraphs:
        if is_boilerplate(paragraph):
            removed += 1
            continue
        cleaned = strip_obfuscated_emails(paragraph)
        if cleaned:
            kept.append(cleaned)
    return kept, removed
