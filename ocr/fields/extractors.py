"""Which keys each document type carries, and where to read them.

`extract(doc_type, pages, qr_codes)` returns `(fields, details)`: key → normalised value (keys and
normalisation of TAXONOMY.md "Field keys"), and key → {"page", "confidence", "raw"}.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ocr import identifiers
from ocr.fields import dates, env, ids, land, people
from ocr.fields.text import DocText, Found
from ocr.result import Page

Extractor = Callable[[DocText], Found | None]

_LAND: dict[str, Extractor] = {
    "parcel_number": land.parcel_number,
    "map_sheet": land.map_sheet,
    "area_m2": land.area_m2,
}
_ENV: dict[str, Extractor] = {
    "project_name": env.project_name,
    "project_owner": env.project_owner,
}

EXTRACTORS: dict[str, dict[str, Extractor]] = {
    "phieu_tiep_nhan": {
        "applicant_name": people.receipt_applicant,
        "citizen_id": ids.citizen_id,
        "issue_date": dates.issue_date,
        "received_date": lambda d: dates.labelled_date(d, r"(?:nhan|tiep nhan) ho so|ngay nhan"),
        "appointment_date": dates.appointment_date,  # again with the reception date: extract
    },
    "don_dang_ky_dat_dai": {
        "form_number": ids.form_number,
        "applicant_name": people.filer_name,
        "citizen_id": ids.citizen_id,
        **_LAND,
        "issue_date": dates.issue_date,
    },
    "don_dang_ky_bien_dong": {
        "form_number": ids.form_number,
        "applicant_name": people.filer_name,
        "citizen_id": ids.citizen_id,
        **_LAND,
        "gcn_serial": ids.gcn_serial,
        "gcn_book_number": ids.gcn_book_number,
        "issue_date": dates.issue_date,
    },
    "giay_chung_nhan_qsdd": {
        "gcn_serial": ids.gcn_serial,
        "gcn_book_number": ids.gcn_book_number,
        "owner_name": people.main_name,
        "citizen_id": ids.citizen_id,
        **_LAND,
        "issue_date": dates.issue_date,
    },
    "hop_dong_chuyen_nhuong": {
        **_LAND,
        "gcn_serial": ids.gcn_serial,
        "gcn_book_number": ids.gcn_book_number,
        "price_vnd": land.price_vnd,
        "issue_date": dates.issue_date,
    },
    "trich_luc_ban_do": {
        "document_number": ids.document_number,
        **_LAND,
        "issue_date": dates.issue_date,
    },
    "to_khai_thue": {
        "form_number": ids.form_number,
        "taxpayer_name": lambda d: (
            people.main_name(d, ("ten nguoi nop thue", "nguoi nop thue")) or people.filer_name(d)
        ),
        "citizen_id": ids.citizen_id,
        **_LAND,
        "issue_date": dates.issue_date,
    },
    "quyet_dinh": {
        "document_number": ids.document_number,
        "issue_date": dates.issue_date,
        "subject": env.subject,
        **_LAND,
        **_ENV,
    },
    "bao_cao_dtm": dict(_ENV),
    "giay_phep_moi_truong": {
        "document_number": ids.document_number,
        "issue_date": dates.issue_date,
        **_ENV,
        "expiry_date": env.expiry_date,
    },
    "dang_ky_moi_truong": {
        "document_number": ids.document_number,
        **_ENV,
        "issue_date": dates.issue_date,
    },
    "can_cuoc": {
        "citizen_id": ids.citizen_id,
        "full_name": people.card_name,
        "date_of_birth": people.date_of_birth,
        "sex": people.sex,
        "issue_date": lambda d: dates.labelled_date(
            d, r"ngay\W{0,3}thang\W{0,3}n\s?[a-z]{1,3}\s*[:;.]|ngay\s*cap"
        ),
    },
    "giay_uy_quyen": {"issue_date": dates.issue_date},
    "khac": {},
}

# Missing or doubtful, these send a document to review.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "phieu_tiep_nhan": ("dossier_code",),
    "don_dang_ky_dat_dai": ("citizen_id", "parcel_number"),
    "don_dang_ky_bien_dong": ("citizen_id", "parcel_number"),
    "giay_chung_nhan_qsdd": ("gcn_serial", "parcel_number"),
    "hop_dong_chuyen_nhuong": ("transferor_citizen_id", "transferee_citizen_id"),
    "trich_luc_ban_do": ("parcel_number", "map_sheet"),
    "to_khai_thue": ("citizen_id",),
    "quyet_dinh": ("document_number",),
    "bao_cao_dtm": ("project_name",),
    "giay_phep_moi_truong": ("project_name",),
    "dang_ky_moi_truong": ("project_name",),
    "can_cuoc": ("citizen_id",),
    "giay_uy_quyen": ("principal_citizen_id", "agent_citizen_id"),
    "khac": (),
}


def _parties(doc: DocText, prefix_a: str, prefix_b: str) -> dict[str, Found | None]:
    p = people.parties(doc)
    return {
        f"{prefix_a}_name": p["a_name"],
        f"{prefix_a}_citizen_id": p["a_id"],
        f"{prefix_b}_name": p["b_name"],
        f"{prefix_b}_citizen_id": p["b_id"],
    }


def extract(
    doc_type: str, pages: list[Page], qr_codes: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Fields of one document (all its pages) → (fields, field_details)."""
    doc = DocText.of(pages)
    found: dict[str, Found | None] = {}
    if doc_type == "phieu_tiep_nhan":
        code = ids.dossier_code(doc, qr_codes)
        found["dossier_code"] = code
        if code is not None:
            office = identifiers.office_code_of(str(code.value))
            found["office_code"] = Found(office, code.raw, code.page, code.confidence)
            parsed = identifiers.parse_dossier_code(str(code.value))
            if parsed and parsed.received_date:
                found["received_date"] = Found(
                    parsed.received_date.isoformat(), code.raw, code.page, code.confidence
                )
    if doc_type == "hop_dong_chuyen_nhuong":
        found |= _parties(doc, "transferor", "transferee")
        found["citizen_id"] = found.get("transferor_citizen_id")
    if doc_type == "giay_uy_quyen":
        found |= _parties(doc, "principal", "agent")
        found["citizen_id"] = found.get("principal_citizen_id")
    for key, extractor in EXTRACTORS.get(doc_type, {}).items():
        if found.get(key) is None:
            found[key] = extractor(doc)
    if doc_type == "phieu_tiep_nhan":  # the appointment is counted from the reception date
        received = _date_of(found.get("received_date"))
        found["appointment_date"] = dates.appointment_date(doc, received)
    fields = {k: f.value for k, f in found.items() if f is not None and f.value is not None}
    details = {
        k: {"page": f.page, "confidence": round(float(f.confidence), 3), "raw": f.raw}
        for k, f in found.items()
        if f is not None and f.value is not None
    }
    for key, problems in id_problems(fields).items():
        details[key]["problems"] = problems
    return fields, details


def _date_of(found: Found | None) -> date | None:
    try:
        return date.fromisoformat(str(found.value)) if found is not None else None
    except ValueError:
        return None


def id_problems(fields: dict[str, Any]) -> dict[str, list[str]]:
    """Citizen-ID fields whose structure contradicts what else the document says: a province
    code that does not exist, or (the holder's own ID, on a card) century/sex and birth-year
    digits that do not fit the date of birth and sex read beside it."""
    out = {}
    for key, value in fields.items():
        if key != "citizen_id" and not key.endswith("_citizen_id"):
            continue
        birth = sex = None
        if key == "citizen_id":
            try:
                birth = date.fromisoformat(str(fields.get("date_of_birth")))
            except ValueError:
                birth = None
            sex = fields.get("sex")
        problems = identifiers.cccd_problems(str(value), birth, sex)
        if problems:
            out[key] = problems
    return out


# Types whose extractors cover several procedures (a decision on land or on environment): only
# these fields are expected on every document of the type.
ALWAYS: dict[str, tuple[str, ...]] = {
    "quyet_dinh": ("document_number", "issue_date", "subject"),
}


def expected_fields(doc_type: str) -> tuple[str, ...]:
    """The fields every document of this type carries (what review counts as not found)."""
    return ALWAYS.get(doc_type, tuple(EXTRACTORS.get(doc_type, {})))
