"""Text-level dossiers and documents: deterministic by seed, no rendering (fast for training).

    >>> from samples.content import iter_documents, make_dossier
    >>> doc = next(iter_documents(seed=1, n=1))
    >>> doc.doc_type, doc.variant, doc.pages[0].text.splitlines()[0]

Variants are layout families per type (different title wording, field order, table or not); they
are recorded in the truth so a classifier can be trained with one variant held out
(`split_variants`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from ocr.taxonomy import DOC_TYPES
from samples import docs_civil, docs_env, docs_land
from samples.docs_common import Ctx, DocumentSpec, make_parcel, make_project, new_rng
from samples.formats import add_working_days, next_working_day, random_date
from samples.layout import PageSpec
from samples.offices import (
    OFFICES,
    PROCEDURES,
    Office,
    Procedure,
    dossier_code,
    office_issuer,
    office_locality,
    procedures_for,
)
from samples.vocab import make_person

VARIANTS: dict[str, tuple[str, ...]] = {
    "phieu_tiep_nhan": ("a", "b", "c"),  # c: no QR code, components before the applicant
    "don_dang_ky_dat_dai": ("a", "b", "c"),  # forms 04a/ĐK, 04/ĐK (table), 15/ĐK
    "don_dang_ky_bien_dong": ("a", "b", "c"),  # forms 09/ĐK, 11/ĐK (table), 18/ĐK
    "giay_chung_nhan_qsdd": ("a", "b"),  # pre-2024 book (1-2 pages), 2024 form with table
    "hop_dong_chuyen_nhuong": ("a", "b", "c"),  # notarised, commune-certified, gift
    "trich_luc_ban_do": ("a", "b", "c"),  # extract, measured extract, no coordinate table
    "to_khai_thue": ("a", "b", "c"),  # 01/LPTB table, 03/BĐS-TNCN, 01/LPTB without table
    "quyet_dinh": ("a", "b", "c"),  # paragraphs, article headings, with table
    "bao_cao_dtm": ("a", "b"),  # cover page, or header + title on page 1
    "giay_phep_moi_truong": ("a", "b", "c"),  # permit with table, application, permit w/o table
    "dang_ky_moi_truong": ("a", "b"),  # company letter, household form with table
    "can_cuoc": ("a", "b", "c"),  # CCCD, Căn cước (2024), CMND
    "giay_uy_quyen": ("a", "b"),  # simple power of attorney, notarised contract
    "khac": ("a", "b", "c", "d"),  # electricity bill, budget payment slip, marital status, letter
}

PERMIT_VARIANTS = ("a", "c")  # the variants of giay_phep_moi_truong that are permits (results)

Builder = Callable[..., DocumentSpec]
BUILDERS: dict[str, Builder] = {
    "phieu_tiep_nhan": docs_civil.phieu_tiep_nhan,
    "don_dang_ky_dat_dai": docs_land.don_dang_ky_dat_dai,
    "don_dang_ky_bien_dong": docs_land.don_dang_ky_bien_dong,
    "giay_chung_nhan_qsdd": docs_land.giay_chung_nhan_qsdd,
    "hop_dong_chuyen_nhuong": docs_land.hop_dong_chuyen_nhuong,
    "trich_luc_ban_do": docs_land.trich_luc_ban_do,
    "to_khai_thue": docs_land.to_khai_thue,
    "quyet_dinh": docs_env.quyet_dinh,
    "bao_cao_dtm": docs_env.bao_cao_dtm,
    "giay_phep_moi_truong": docs_env.giay_phep_moi_truong,
    "dang_ky_moi_truong": docs_env.dang_ky_moi_truong,
    "can_cuoc": docs_civil.can_cuoc,
    "giay_uy_quyen": docs_civil.giay_uy_quyen,
    "khac": docs_civil.khac,
}
FONTS = ("serif",) * 6 + ("dejavu-serif", "noto-serif", "sans", "noto-sans")
FIRST_DAY, LAST_DAY = date(2022, 1, 4), date(2025, 6, 27)
BLANK_BACK = 0.07  # chance that a document is followed by the blank back of its last sheet

VariantFilter = Mapping[str, Collection[str]] | None


@dataclass
class DossierSpec:
    dossier_code: str
    office_code: str
    procedure_code: str
    procedure_name: str
    received: date
    appointment: date
    channel: str  # counter | online | post
    result_kind: str  # paper | electronic | none
    resolved: date | None
    documents: list[DocumentSpec] = field(default_factory=list)

    @property
    def pages(self) -> list[PageSpec]:
        return [p for d in self.documents for p in d.pages]


def allowed_variants(doc_type: str, variants: VariantFilter = None) -> tuple[str, ...]:
    """The variants of a type the caller allows (all when `variants` does not name the type)."""
    every = VARIANTS[doc_type]
    if variants is None or doc_type not in variants:
        return every
    return tuple(v for v in every if v in variants[doc_type])


def split_variants(
    held_out: int = -1,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(train, test) variant maps holding out one layout per type (by default the last one).

    Receipts keep at least one variant in train; pass the maps as `variants=` to the generators."""
    train, test = {}, {}
    for doc_type, every in VARIANTS.items():
        out = every[held_out]
        train[doc_type] = tuple(v for v in every if v != out)
        test[doc_type] = (out,)
    return train, test


def _choose(
    rng: random.Random, doc_type: str, variants: VariantFilter, among: tuple[str, ...] | None = None
) -> str | None:
    options = [v for v in allowed_variants(doc_type, variants) if among is None or v in among]
    return rng.choice(options) if options else None


def make_context(
    rng: random.Random,
    *,
    office: Office | None = None,
    procedure: Procedure | None = None,
    received: date | None = None,
    sequence: int | None = None,
) -> Ctx:
    """Shared facts of one dossier: office, procedure, dates, people, parcel, project."""
    office = office or rng.choice(OFFICES)
    procedure = procedure or rng.choice(procedures_for(office))
    received = received or next_working_day(random_date(rng, FIRST_DAY, LAST_DAY))
    sequence = (
        sequence
        if sequence is not None
        else rng.randint(1, 180 if office.style == "official" else 95000)
    )
    place = office_locality(office, rng)
    applicant = make_person(rng, place.province, on=received)
    counterpart = make_person(rng, place.province, on=received)
    agent = make_person(rng, place.province, on=received)
    project = make_project(rng, place, applicant)
    code = dossier_code(office, received, sequence)
    return Ctx(
        rng=rng,
        office=office,
        procedure=procedure,
        received=received,
        dossier_code=code,
        place=place,
        issuer=office_issuer(office, received, rng),
        applicant=applicant,
        counterpart=counterpart,
        agent=agent,
        parcel=make_parcel(rng, place, received),
        project=project,
        appointment=add_working_days(received, procedure.days),
    )


def _components(rng: random.Random, procedure: Procedure, variants: VariantFilter) -> list[str]:
    """2-6 documents after the receipt: the required ones, then optional ones by chance."""
    required = [t for t, p in procedure.components if p >= 1.0]
    optional = [t for t, p in procedure.components if p < 1.0 and rng.random() < p]
    docs = [t for t in required + optional if allowed_variants(t, variants)]
    while len(docs) < 2:
        docs.append(rng.choice(["khac", "can_cuoc"]))
    docs = docs[:6]
    if len(docs) > 3 and rng.random() < 0.3:  # stacks are not always in the listed order
        i = rng.randrange(1, len(docs) - 1)
        docs[i], docs[i + 1] = docs[i + 1], docs[i]
    return docs


def build_document(
    ctx: Ctx, doc_type: str, variant: str, *, result: bool = False, font: str = "serif"
) -> DocumentSpec:
    builder = BUILDERS[doc_type]
    if result:
        doc = builder(ctx, variant, result=True)
    elif doc_type == "giay_phep_moi_truong" and ctx.procedure.key == "env_permit":
        doc = builder(ctx, variant)
    else:
        doc = builder(ctx, variant)
    for page in doc.pages:
        page.font = font
    return doc


def _blank_back(doc: DocumentSpec) -> PageSpec:
    return PageSpec(doc.doc_type, doc.variant, [], blank=True, font=doc.pages[-1].font)


def make_dossier(
    rng: random.Random,
    *,
    office: Office | None = None,
    procedure: Procedure | None = None,
    received: date | None = None,
    sequence: int | None = None,
    variants: VariantFilter = None,
    result_rate: float = 0.35,
    blank_rate: float = BLANK_BACK,
) -> DossierSpec:
    """One dossier as a counter scans it: receipt, 2-6 components, sometimes the result."""
    ctx = make_context(
        rng, office=office, procedure=procedure, received=received, sequence=sequence
    )
    procedure = ctx.procedure
    if procedure.domain == "env":
        ctx.applicant = ctx.project.representative
    ctx.components = _components(rng, procedure, variants)
    plan: list[tuple[str, bool]] = [("phieu_tiep_nhan", False)]
    plan += [(t, False) for t in ctx.components]
    result_type = procedure.results[0] if procedure.results else None
    with_result = result_type is not None and rng.random() < result_rate
    if with_result:
        plan.append((result_type, True))
    documents: list[DocumentSpec] = []
    for doc_type, is_result in plan:
        among = PERMIT_VARIANTS if doc_type == "giay_phep_moi_truong" and is_result else None
        if doc_type == "giay_phep_moi_truong" and not is_result and procedure.key == "env_permit":
            among = ("b",) if "b" in allowed_variants(doc_type, variants) else None
        variant = _choose(rng, doc_type, variants, among)
        if variant is None:
            if doc_type == "phieu_tiep_nhan":
                raise ValueError("variants allow no receipt layout")
            continue
        doc_ctx = replace(ctx, rng=new_rng(rng))
        doc = build_document(doc_ctx, doc_type, variant, result=is_result, font=rng.choice(FONTS))
        if rng.random() < blank_rate and doc_type != "phieu_tiep_nhan":
            doc.pages.append(_blank_back(doc))
        documents.append(doc)
    if with_result and documents[-1].doc_type == result_type:
        resolved: date | None = documents[-1].fields.get("issue_date")
        resolved = date.fromisoformat(resolved) if resolved else ctx.appointment
        result_kind = "paper"
    elif result_type and rng.random() < 0.55:
        resolved = ctx.appointment - timedelta(days=rng.randint(0, 4))
        result_kind = rng.choice(["paper", "electronic", "electronic"])
    else:
        resolved, result_kind = None, "none"
    channel = rng.choices(["counter", "online", "post"], weights=[6, 3, 1])[0]
    return DossierSpec(
        ctx.dossier_code,
        ctx.office.code,
        procedure.code,
        procedure.name,
        ctx.received,
        ctx.appointment,
        channel,
        result_kind,
        resolved,
        documents,
    )


def iter_documents(
    seed: int, n: int, variants: VariantFilter = None, doc_types: Collection[str] | None = None
) -> Iterator[DocumentSpec]:
    """`n` single documents with types drawn evenly (for classifier training), each in a fresh
    random dossier context of a procedure where the type occurs."""
    rng = random.Random(seed)
    types = [t for t in (doc_types or DOC_TYPES) if allowed_variants(t, variants)]
    if not types:
        raise ValueError("no document type is allowed by the variant filter")
    for _ in range(n):
        doc_type = rng.choice(types)
        procedure = rng.choice(_procedures_with(doc_type))
        office = rng.choice([o for o in OFFICES if procedure.domain in o.domains])
        ctx = make_context(new_rng(rng), office=office, procedure=procedure)
        if procedure.domain == "env":
            ctx.applicant = ctx.project.representative
        ctx.components = _components(ctx.rng, procedure, variants)
        is_result = doc_type in procedure.results and rng.random() < 0.5
        among = PERMIT_VARIANTS if doc_type == "giay_phep_moi_truong" and is_result else None
        variant = _choose(rng, doc_type, variants, among)
        if variant is None:  # a result type whose permit layouts are all excluded
            is_result = False
            variant = _choose(rng, doc_type, variants)
        yield build_document(
            ctx,
            doc_type,
            variant or VARIANTS[doc_type][0],
            result=is_result,
            font=rng.choice(FONTS),
        )


def _procedures_with(doc_type: str) -> list[Procedure]:
    if doc_type == "phieu_tiep_nhan":
        return list(PROCEDURES)
    return [
        p
        for p in PROCEDURES
        if doc_type in p.results or any(t == doc_type for t, _ in p.components)
    ]


def iter_dossiers(seed: int, n: int, variants: VariantFilter = None) -> Iterator[DossierSpec]:
    """`n` text-level dossiers (no images): the same dossiers `generate` renders for this seed."""
    rng = random.Random(seed)
    for _ in range(n):
        yield make_dossier(new_rng(rng), variants=variants)


def document_record(doc: DocumentSpec) -> dict[str, Any]:
    """A JSON-ready view of a text-level document (type, variant, fields, page texts)."""
    return {
        "doc_type": doc.doc_type,
        "variant": doc.variant,
        "fields": doc.fields,
        "pages": [{"text": p.text, "blank": p.blank, "has_title": p.has_title} for p in doc.pages],
    }
