"""Which files of a folder are articles (--include/--exclude, the default exclusions) and whose they are (--source,
--source-per-folder): issue #18, point 5."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flows.read import InputRules, ReadFailure, Skipped, read_articles, scan
from transforms.clean.article import clean_article
from transforms.dedup.identity import source_hash
from transforms.models import RawArticle

TEXT = "The council met on Tuesday and agreed to build a new bridge over the river before winter."


def corpus(root: Path) -> Path:
    for name in ["README.TXT", "README.md", "duplicate-groups.tsv", "LICENSE", "business/001.txt",
                 "business/notes.md", "tech/002.txt", "tech/drafts/003.txt"]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEXT)
    return root


def outcome(items: list[object]) -> dict[str, str]:
    """name under the corpus → 'read', 'failed: reason' or 'skipped: rule'."""
    result = {}
    for item in items:
        if isinstance(item, Path):
            result[item.name] = "read"
        elif isinstance(item, Skipped):
            result[Path(item.origin.path).name] = f"skipped: {item.rule}"
        elif isinstance(item, ReadFailure):
            result[Path(item.origin.path).name] = f"failed: {item.reason}"
    return result


def test_documentation_and_tables_are_skipped_not_read_nor_dead_letters(tmp_path: Path) -> None:
    seen = outcome(list(scan([corpus(tmp_path)], rules=InputRules())))
    assert seen == {"README.TXT": "skipped: default exclude README*", "README.md": "skipped: default exclude README*",
                    "duplicate-groups.tsv": "skipped: default exclude *.tsv", "LICENSE": "skipped: default exclude "
                    "LICENSE*", "001.txt": "read", "notes.md": "skipped: default exclude *.md", "002.txt": "read",
                    "003.txt": "read"}


def test_without_rules_a_folder_is_read_as_it_is(tmp_path: Path) -> None:
    seen = outcome(list(scan([corpus(tmp_path)])))
    assert seen["README.TXT"] == "read" and seen["README.md"] == "failed: unsupported_format"


def test_exclude_matches_the_path_under_the_folder_and_include_replaces_the_defaults(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    excluded = outcome(list(scan([root], rules=InputRules(exclude=("tech/drafts/*",)))))
    assert excluded["003.txt"] == "skipped: exclude tech/drafts/*" and excluded["002.txt"] == "read"
    included = outcome(list(scan([root], rules=InputRules(include=("business/*", "readme.txt")))))
    assert included == {"README.TXT": "read", "README.md": "skipped: not included",
                        "duplicate-groups.tsv": "skipped: not included", "LICENSE": "skipped: not included",
                        "001.txt": "read", "notes.md": "failed: unsupported_format",  # included: asked for
                        "002.txt": "skipped: not included", "003.txt": "skipped: not included"}
    both = outcome(list(scan([root], rules=InputRules(include=("*.txt",), exclude=("README*",)))))
    assert both["README.TXT"] == "skipped: exclude README*"  # an exclude wins over an include


def test_a_file_named_on_the_command_line_is_read_whatever_the_rules(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    assert outcome(list(scan([root / "README.TXT"], rules=InputRules()))) == {"README.TXT": "read"}


def test_a_skipped_file_has_the_label_it_would_have_if_read(tmp_path: Path) -> None:
    """The same label: an old document or dead letter of it is found by it."""
    root = corpus(tmp_path)
    [article] = [i for i in read_articles([root / "README.TXT"]) if isinstance(i, RawArticle)]
    [skipped] = [i for i in scan([root], rules=InputRules()) if isinstance(i, Skipped) and "TXT" in i.origin.path]
    assert skipped.origin.label() == article.origin.label()


def test_source_is_given_to_articles_that_name_none(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    (root / "feed.jsonl").write_text(json.dumps({"body": TEXT, "source": "Own Source"}) + "\n"
                                     + json.dumps({"body": TEXT + " Again."}) + "\n")
    rules = InputRules(source="Example News", roots=(str(root.resolve()),))
    articles = [i for i in read_articles([root], rules=rules) if isinstance(i, RawArticle)]
    sources = {i.origin.label().removeprefix(str(root.resolve()) + "/"): clean_article(i).source for i in articles}
    assert sources == {"business/001.txt": "Example News", "feed.jsonl:1": "Own Source",
                       "feed.jsonl:2": "Example News", "tech/002.txt": "Example News",
                       "tech/drafts/003.txt": "Example News"}


def test_source_per_folder_names_the_top_folder_and_falls_back_to_source(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    (root / "top.txt").write_text(TEXT)
    rules = InputRules(source="Fallback", source_per_folder=True, roots=(str(root.resolve()),))
    articles = [i for i in read_articles([root], rules=rules) if isinstance(i, RawArticle)]
    assert {Path(a.origin.path).name: clean_article(a).source for a in articles} == {
        "001.txt": "business", "002.txt": "tech", "003.txt": "tech", "top.txt": "Fallback"}


def test_a_page_that_names_its_site_keeps_it(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(f'<html><head><meta property="og:site_name" content="The Page Times"></head>'
                    f"<body><article><p>{TEXT}</p><p>{TEXT}</p></article></body></html>")
    [raw] = list(read_articles([tmp_path], rules=InputRules(source="Example News")))
    assert isinstance(raw, RawArticle) and clean_article(raw).source == "The Page Times"


def test_the_input_hash_changes_with_a_given_source_and_only_then(tmp_path: Path) -> None:
    """Adding --source to a run re-reads the inputs it names (else they would be skipped as unchanged, without
    it); an input without one hashes as it did before the option existed."""
    (tmp_path / "a.txt").write_text(TEXT)
    [plain] = list(read_articles([tmp_path]))
    [given] = list(read_articles([tmp_path], rules=InputRules(source="Example News")))
    assert isinstance(plain, RawArticle) and isinstance(given, RawArticle)
    assert source_hash(plain) != source_hash(given)
    before = hashlib.sha256()  # source_hash as it was before --source existed
    for part in (plain.format, plain.url, plain.title, plain.source, plain.published_at, plain.language):
        before.update((part or "").encode() + b"\x1f")
    before.update(plain.content.encode())
    assert source_hash(plain) == before.hexdigest()
