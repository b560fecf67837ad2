"""Synthetic scanned dossiers of land and environment procedures, with exact truth.

Text level (fast, no images): `iter_documents`, `iter_dossiers`, `make_dossier`.
Images and files: see `sohoa.samples.generate` (`generate`, `generate_pages`, `sample_page`).
"""

from sohoa.samples.content import (
    DOC_TYPES,
    VARIANTS,
    DossierSpec,
    allowed_variants,
    iter_documents,
    iter_dossiers,
    make_dossier,
    split_variants,
)
from sohoa.samples.docs_common import DocumentSpec
from sohoa.samples.layout import PageSpec
from sohoa.samples.truth import DocumentTruth, DossierTruth, PageTruth, load_truth

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
    "iter_documents",
    "iter_dossiers",
    "load_truth",
    "make_dossier",
    "split_variants",
]
