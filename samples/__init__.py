"""Synthetic scanned dossiers of land and environment procedures, with exact truth.

Text level (fast, no images): `iter_documents`, `iter_dossiers`, `make_dossier`.
Images and files: see `samples.generate` (`generate`, `generate_pages`, `sample_page`).
"""

import importlib

from samples.content import (
    DOC_TYPES,
    VARIANTS,
    DossierSpec,
    allowed_variants,
    iter_documents,
    iter_dossiers,
    make_dossier,
    split_variants,
)
from samples.docs_common import DocumentSpec
from samples.layout import PageSpec
from samples.truth import DocumentTruth, DossierTruth, PageTruth, load_truth

_RENDERING = {"generate_pages", "sample_page", "read_register"}


def __getattr__(name: str):
    """Rendering helpers load on first use, so text-only users never import OpenCV or PIL.

    (`generate` itself is `samples.generate.generate`: the submodule owns that name.)"""
    if name in _RENDERING:
        module = importlib.import_module("samples.generate")
        return getattr(module, name)
    raise AttributeError(name)


__all__ = [
    "DOC_TYPES",
    "VARIANTS",
    "DocumentSpec",
    "DocumentTruth",
    "DossierSpec",
    "DossierTruth",
    "PageSpec",
    "PageTruth",
    "allowed_variants",
    "generate_pages",
    "read_register",
    "sample_page",
    "iter_documents",
    "iter_dossiers",
    "load_truth",
    "make_dossier",
    "split_variants",
]
