"""How sure a read field is: a calibrated probability that the value is right, per field.

The extractor's own confidence (OCR word confidence x label-match score) says little on its own:
a value cut from a clean line can still be cut short, a name can carry a lost tone. The
probability here combines it with what the dossier and the value itself say:

- the value's form: a citizen ID whose province code exists, a serial of 2 letters and 6 or 8
  digits, a register number of letters and 5 digits, a parcel number of digits, a document
  number ending in an issuer, a date of the right century;
- its words: share of valid Vietnamese syllables the lexicon knows, a family name first;
- agreement across the dossier: other documents printing the same value (the receipt's applicant
  is the application's filer and the certificate's owner, or the project owner when a company
  files), votes over its prints, a parcel field the other documents contradict;
- whether it was repaired (voted, filled from another document) and the document's own type and
  split confidence.

The weights are a logistic regression fitted on training families only: the field reads of
bench/classify.py's in-family dossiers, truth-noised text (120 dossiers) and OCR text (40; the
current weights: 20, seed 424242), pooled (`bench/classify.py --fit-fields` on each prints them);
the review thresholds on the result are chosen there too. A document is marked once when its
fields together are doubtful: the probability that any of them is wrong, counting a field its
type carries but that was not read by how often such a field was really printed on training
families (`document_doubt`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ocr import identifiers
from ocr.fields.text import DocText, find_labels, fold
from ocr.result import Document

# Field keys by kind: a kind shares its intercept (what the extractor of that kind gets right).
KINDS: dict[str, str] = {
    "dossier_code": "code", "office_code": "code", "received_date": "code",
    "citizen_id": "id", "transferor_citizen_id": "id", "transferee_citizen_id": "id",
    "principal_citizen_id": "id", "agent_citizen_id": "id",
    "gcn_serial": "serial", "gcn_book_number": "book",
    "parcel_number": "parcel", "map_sheet": "parcel", "area_m2": "area", "price_vnd": "area",
    "document_number": "number", "form_number": "form",
    "issue_date": "date", "appointment_date": "date", "expiry_date": "date",
    "date_of_birth": "date", "sex": "sex",
    "applicant_name": "name", "owner_name": "name", "taxpayer_name": "name", "full_name": "name",
    "transferor_name": "name", "transferee_name": "name", "principal_name": "name",
    "agent_name": "name",
    "project_name": "long", "project_owner": "long", "subject": "long",
}  # fmt: skip
KIND_NAMES = ("code", "id", "serial", "book", "parcel", "area", "number", "form", "date", "sex",
              "name", "long", "other")  # fmt: skip
# The dossier's filer as each paper names them (a company: the project owner of its papers).
FILER = frozenset({"applicant_name", "taxpayer_name", "project_owner"})
# Kinds whose values are figures (a digit misread keeps their form).
FIGURES = frozenset({"id", "serial", "book", "parcel", "area", "number", "date"})
# Keys whose value every document of the dossier that prints it shares (one parcel, one project).
SHARED = frozenset({"parcel_number", "map_sheet", "area_m2", "project_name", "project_owner"})

FEATURES = (
    "read",  # the extractor's confidence (OCR words x label match)
    "read_low",  # ... under 0.9
    "changed",  # repaired: voted to another spelling, or replaced by the dossier's majority
    "filled",  # not read here: taken from another document of the dossier
    "prints",  # prints of a free-text value found across the dossier (capped at 3, / 3)
    "agree",  # other documents printing the same value (capped at 2, / 2)
    "agree_number",  # ... for a figure (IDs, parcel, area, serials, numbers): a misread digit
    # leaves a well-formed value read with high confidence, and only another print shows it
    "disagree",  # other documents printing another value of a shared key (capped 2, / 2)
    "form_bad",  # the value's form is not the kind's (see _form_bad)
    "unknown_words",  # share of its words that are no known Vietnamese syllable
    "no_family",  # a person's name that does not start with a family name
    "words",  # words in a long value (/ 20)
    "type_conf",  # the document's type confidence
    "split_conf",  # the document's split confidence
)


def _kind(key: str) -> str:
    return KINDS.get(key, "other")


def _words(value: str) -> list[str]:
    return [w.strip(".,;:()\"'") for w in value.split() if w.strip(".,;:()\"'")]


def _unknown_share(value: str) -> float:
    from ocr.vietnamese import is_valid_syllable
    from ocr.vietnamese.lexicon import lexicon

    lex = lexicon()
    words = [w.lower() for w in _words(value) if w.isalpha()]
    if not words:
        return 0.0
    bad = sum(not (is_valid_syllable(w) and lex.is_known(w)) for w in words)
    return bad / len(words)


def _form_bad(key: str, value: Any) -> float:
    """1.0 when the value does not have its kind's form (what OCR damage or a wrong cut leaves)."""
    kind, text = _kind(key), str(value)
    if kind == "id":
        return float(bool(identifiers.cccd_problems(text)))
    if kind == "serial":
        return float(identifiers.normalize_serial(text) != text)
    if kind == "book":
        return float(not re.fullmatch(r"[A-Z]{2}\d{5}", text))
    if kind == "parcel" and key != "area_m2":
        return float(not re.fullmatch(r"[1-9]\d{0,3}[a-z]?", text))
    if kind == "area":
        try:
            return float(not 10 <= float(text) <= 1e6)
        except ValueError:
            return 1.0
    if kind == "number":
        return float(not re.fullmatch(r"\d{1,5}/[A-ZĐ]{1,6}(?:-[A-ZĐ]{2,8})+", text))
    if kind == "date":
        return float(not re.fullmatch(r"(?:19[3-9]\d|20\d\d)-\d\d-\d\d", text))
    if kind == "code":
        return 0.0
    if kind == "name":
        from ocr.fields.people import is_organisation

        longest = 20 if is_organisation(text) else 6  # a company's name runs longer
        return float(not 2 <= len(_words(text)) <= longest or not text[:1].isupper())
    return 0.0


def _no_family(key: str, value: Any) -> float:
    from ocr.vietnamese.correct import FAMILY_NAMES

    if _kind(key) != "name" or fold(str(value)).startswith("cong ty"):
        return 0.0
    words = _words(str(value))
    return float(not words or words[0].lower() not in FAMILY_NAMES)


def _same_value(a: Any, b: Any, kind: str) -> bool:
    if kind in ("name", "long"):
        return fold(str(a)).split() == fold(str(b)).split() and str(a).lower() == str(b).lower()
    return str(a) == str(b)


def features(
    documents: list[Document], confidences: list[tuple[float, float]]
) -> list[dict[str, dict[str, float]]]:
    """Per document, per field key: the features the calibrated confidence is made of."""
    out = []
    for i, doc in enumerate(documents):
        type_conf, split_conf = confidences[i] if i < len(confidences) else (1.0, 1.0)
        per: dict[str, dict[str, float]] = {}
        for key, value in doc.fields.items():
            details = doc.field_details.get(key) or {}
            kind = _kind(key)
            agree = disagree = 0
            for j, other in enumerate(documents):
                if j == i:
                    continue
                same = [v for k, v in other.fields.items() if (_kind(k) == kind
                        and (k == key or kind in ("name", "id"))) or {k, key} <= FILER]  # fmt: skip
                if any(_same_value(value, v, kind) for v in same):
                    agree += 1
                elif key in SHARED and key in other.fields:
                    disagree += 1
            read = float(details.get("read_confidence", details.get("confidence", 1.0)))
            long = kind == "long"
            per[key] = {
                "read": read,
                "read_low": float(read < 0.9),
                "changed": float("read" in details),
                "filled": float(bool(details.get("from_dossier")) and not details.get("raw")),
                "prints": min(3, int(details.get("prints", 0))) / 3,
                "agree": min(2, agree) / 2,
                "agree_number": min(2, agree) / 2 if kind in FIGURES else 0.0,
                "disagree": min(2, disagree) / 2,
                "form_bad": _form_bad(key, value),
                "unknown_words": _unknown_share(str(value)) if kind in ("name", "long") else 0.0,
                "no_family": _no_family(key, value),
                "words": min(20, len(_words(str(value)))) / 20 if long else 0.0,
                "type_conf": float(type_conf),
                "split_conf": float(split_conf),
            }
        out.append(per)
    return out


# Fitted by `bench/classify.py --fit-fields` on training families (see its docstring) and kept in
# calibration.json, so a refit is one command: intercept per kind and one weight per feature
# (log-odds of the value being right); per type and key, how often a field the type carries but
# that was not read was really printed (MISSING); the review thresholds chosen on the result.
CALIBRATION = Path(__file__).with_name("calibration.json")
_CALIBRATION: dict[str, Any] = json.loads(CALIBRATION.read_text(encoding="utf-8"))
INTERCEPTS: dict[str, float] = _CALIBRATION["intercepts"]
WEIGHTS: dict[str, float] = _CALIBRATION["weights"]
MISSING: dict[str, float] = _CALIBRATION["missing"]  # "doc_type key" -> P(printed | not read)
REVIEW: dict[str, float] = _CALIBRATION["review"]  # "field", "document" thresholds
MISSING_PRIOR = 0.5  # a key never seen missing on training families: as likely lost as not


def probability(key: str, feats: dict[str, float]) -> float:
    """The calibrated probability that this field's value is right."""
    z = INTERCEPTS.get(_kind(key), INTERCEPTS["other"])
    z += sum(WEIGHTS[name] * feats.get(name, 0.0) for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def calibrate(documents: list[Document], confidences: list[tuple[float, float]]) -> None:
    """Every field's `confidence` becomes the calibrated probability that it is right; what the
    extractor said is kept as `read_confidence`."""
    for doc, per in zip(documents, features(documents, confidences), strict=True):
        for key, feats in per.items():
            details = doc.field_details.setdefault(key, {})
            details.setdefault("read_confidence", details.get("confidence", 1.0))
            details["confidence"] = round(probability(key, feats), 3)


def fields_to_check(field_details: dict[str, Any] | None, reasons: list[str] | None) -> list[str]:
    """The fields review points at: read less sure than the threshold (`review` in their
    details), missing though the type carries them, or failing a check (a citizen ID whose
    province does not exist)."""
    out = [k for k, d in (field_details or {}).items() if isinstance(d, dict) and d.get("review")]
    for reason in reasons or []:
        keys: list[str] = []
        if reason.startswith(("missing ", "unread ")):
            keys = [reason.split(" ", 2)[1]]
        elif " check: " in reason:
            keys = [reason.split(" check: ", 1)[0]]
        elif reason.startswith(DOUBTFUL):
            keys = reason[len(DOUBTFUL) :].split(" (", 1)[0].split(", ")
        out += [k for k in keys if k and k not in out]
    return out


DOUBTFUL = "doubtful fields: "  # the review reason of `document_doubt`, then the keys


def missing_doubt(doc_type: str, key: str) -> float:
    """How likely a field the type carries but that was not read was printed (and lost), its
    label not seen either (a field whose label is printed is marked unread: `unread_fields`)."""
    return float(MISSING.get(f"{doc_type} {key}", MISSING_PRIOR))


def document_doubt(doc: Document) -> tuple[float, list[str]]:
    """The probability that some field of the document is wrong or lost, from the calibrated
    confidence of every field read and `missing_doubt` of every field of its type not read; and
    the fields that carry the doubt (most doubtful first). Several fields each a little unsure
    mark a document once, where no one of them would."""
    from ocr.fields import expected_fields

    doubts = {k: 1.0 - float(d.get("confidence", 1.0)) for k, d in doc.field_details.items()
              if k in doc.fields and isinstance(d, dict)}  # fmt: skip
    doubts |= {k: missing_doubt(doc.doc_type, k) for k in expected_fields(doc.doc_type)
               if k not in doc.fields}  # fmt: skip
    keys = sorted((k for k, v in doubts.items() if v >= DOUBT_NAMED), key=lambda k: -doubts[k])
    return some_wrong(doubts.values()), keys


def some_wrong(doubts: Iterable[float]) -> float:
    """The probability that at least one of several fields is wrong or lost, each with its own
    probability (taken as independent)."""
    return 1.0 - math.prod(1.0 - min(1.0, max(0.0, v)) for v in doubts)


DOUBT_NAMED = 0.1  # a field this doubtful is named in the reason (staff check it first)


# Labels that show a field is printed on the document: a field of the document's type not read
# although its label is there was printed and lost (a damaged value), not absent from this edition
# of the form. (Not the citizen ID: a company's receipt prints the label and no number.)
PRINTED_LABELS: dict[str, tuple[str, ...]] = {
    "parcel_number": ("thua dat so", "thua so"), "map_sheet": ("to ban do so", "to ban do"),
    "area_m2": ("dien tich",), "gcn_serial": ("so phat hanh", "so seri"),
    "gcn_book_number": ("so vao so",), "form_number": ("mau so",),
    "owner_name": ("ho va ten", "ho ten"), "full_name": ("ho va ten", "ho ten"),
    "taxpayer_name": ("nguoi nop thue",), "date_of_birth": ("ngay sinh", "sinh ngay"),
    "sex": ("gioi tinh",), "project_name": ("ten du an", "ten co so"),
    "project_owner": ("chu du an", "chu dau tu", "chu co so"),
    "expiry_date": ("thoi han", "hieu luc den"), "appointment_date": ("hen tra",),
    "subject": ("ve viec",),
}  # fmt: skip


def unread_fields(doc: Document, text: DocText) -> list[str]:
    """Fields of the document's type not read although their label is printed on it."""
    from ocr.fields import expected_fields

    lines = [ln for ln in text.lines if not _title(ln.text)]  # "… VÀ HẸN TRẢ KẾT QUẢ" is no label
    return [k for k in expected_fields(doc.doc_type)
            if k not in doc.fields and k in PRINTED_LABELS
            and find_labels(lines, PRINTED_LABELS[k], 0.9)]  # fmt: skip


def _title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.7
