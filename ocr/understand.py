"""Know what each page is: classify pages, split the stack into documents, read their fields.

    understanding = understand(pages)   # pages: list[ocr.result.Page] from recognition

Every input page ends up in exactly one document. Documents whose type or key fields are doubtful
are marked `needs_review` with the reasons, for staff to check in `sohoa review`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ocr import identifiers
from ocr.classify import is_blank, is_unreadable, load_model, rule_scores, score_pages
from ocr.classify.model import PageModel
from ocr.classify.structure import evidence
from ocr.errors import MissingDependency
from ocr.fields import KEY_FIELDS, expected_fields, extract
from ocr.fields.confidence import DOUBTFUL, REVIEW, calibrate, document_doubt, unread_fields
from ocr.fields.consensus import (
    BODY_KEYS,
    FREE_TEXT,
    Corpus,
    as_printed_elsewhere,
    fill_filer,
    fill_names,
    page_tokens,
    same_certificate,
    serial_prefixes,
    shared_citizen_ids,
    shared_fields,
    shared_project,
    surer_ids,
    surer_reading,
    vote,
    vote_printed,
)
from ocr.fields.text import DocText
from ocr.result import Document, Page
from ocr.split import check_cover, split

# Review thresholds, chosen on training families by bench/classify.py's sweep (at most 15% of
# documents marked) and checked on held-out families there. The split confidence (how sure the
# document's boundaries are) carries over to unseen families; the type confidence does not (the
# model is less sure of every unseen wording, right or wrong), so it only marks real doubt.
TYPE_REVIEW_THRESHOLD = 0.50  # document type confidence under this → review
SPLIT_REVIEW_THRESHOLD = 0.70  # split confidence (boundaries of the document) under this
# field confidence (calibrated: ocr.fields.confidence) under this; the probability that some
# field of the document is wrong or lost (ocr.fields.confidence.document_doubt) at least this:
# both chosen with the field weights (ocr/fields/calibration.json, bench/classify.py --fit-fields)
FIELD_REVIEW_THRESHOLD = REVIEW["field"]
DOCUMENT_REVIEW_THRESHOLD = REVIEW["document"]
KHAC_REVIEW_THRESHOLD = 0.99  # a `khac` document that opens a paper, typed less sure than this
FIELDS_MISSING_REVIEW = 3  # fields of the document's type not found at all → review
review_threshold = {"type": TYPE_REVIEW_THRESHOLD, "field": FIELD_REVIEW_THRESHOLD}


@dataclass
class Understanding:
    pages: list[Page]
    documents: list[Document] = field(default_factory=list)
    dossier_code: str | None = None
    office_code: str | None = None
    # per document: (type confidence, split confidence), what review decided on (for the bench)
    confidences: list[tuple[float, float]] = field(default_factory=list)


def _scores(pages: list[Page], model: PageModel | None, rules_only: bool):
    if rules_only:
        return rule_scores(pages)
    try:
        return score_pages(pages, model or load_model())
    except MissingDependency:
        return rule_scores(pages)  # no trained model shipped: title rules alone


def _review(doc: Document, confidence_type: float, confidence_split: float) -> None:
    reasons = []
    if confidence_split < SPLIT_REVIEW_THRESHOLD:
        reasons.append(f"split confidence {confidence_split:.2f} < {SPLIT_REVIEW_THRESHOLD}")
    if confidence_type < TYPE_REVIEW_THRESHOLD:
        reasons.append(f"type confidence {confidence_type:.2f} < {TYPE_REVIEW_THRESHOLD}")
    for key in KEY_FIELDS.get(doc.doc_type, ()):
        if key not in doc.fields:
            reasons.append(f"missing {key}")
    for key, details in doc.field_details.items():  # every field read: its own mark
        if key in doc.fields and details.get("confidence", 1.0) < FIELD_REVIEW_THRESHOLD:
            details["review"] = True
            reasons.append(f"low confidence {key}")
    for key, details in doc.field_details.items():
        reasons.extend(f"{key} check: {problem}" for problem in details.get("problems", ()))
    doubt, doubtful = document_doubt(doc)
    if doubt >= DOCUMENT_REVIEW_THRESHOLD:
        reasons.append(f"{DOUBTFUL}{', '.join(doubtful)} (some wrong: {doubt:.2f})")
    missing = [k for k in expected_fields(doc.doc_type) if k not in doc.fields]
    if len(missing) >= FIELDS_MISSING_REVIEW:
        reasons.append(f"{len(missing)} fields not found")
    code = doc.fields.get("dossier_code")
    if code is not None and identifiers.parse_dossier_code(str(code)) is None:
        reasons.append("dossier code invalid")
    doc.needs_review = bool(reasons)
    doc.review_reasons = reasons


def _harmonise(documents: list[Document], pages: list[Page]) -> None:
    """Free-text fields repaired by the majority of their prints across the whole dossier."""
    fill_filer(documents)
    fill_names(documents)
    tokens = Corpus([t for p in pages for t in page_tokens(p.text or "", p.words)])
    for doc in documents:
        for key in FREE_TEXT & doc.fields.keys():
            value, prints = vote(str(doc.fields[key]), tokens)
            if key in BODY_KEYS:
                value = as_printed_elsewhere(value, tokens)
            doc.field_details[key]["prints"] = prints
            if value != doc.fields[key]:
                doc.field_details[key]["read"] = doc.fields[key]
                doc.fields[key] = value


def understand(
    pages: list[Page], *, model: PageModel | None = None, rules_only: bool = False
) -> Understanding:
    """Classification, splitting and fields for one scanned stack (pages in scan order)."""
    if not pages:
        return Understanding(pages=[])
    scores = _scores(pages, model, rules_only)
    segments = split(scores)
    check_cover(segments, len(pages))
    documents: list[Document] = []
    texts: list[DocText] = []
    for seg in segments:
        doc_pages = [pages[i] for i in seg.pages]
        for i in seg.pages:
            pages[i].doc_type = seg.doc_type
            s = scores[i]
            pages[i].doc_type_confidence = 0.0 if s.blank else round(float(s.type_probs.max()), 3)
        content = [p for p in doc_pages if not is_blank(p)]
        qr = [q for p in doc_pages for q in p.qr_codes]
        fields, details = extract(seg.doc_type, content or doc_pages, qr)
        doc = Document(
            doc_type=seg.doc_type,
            pages=[p.number for p in doc_pages],
            confidence=round(seg.confidence, 3),
            fields=fields,
            field_details=details,
        )
        documents.append(doc)
        texts.append(DocText.of(content))
    _harmonise(documents, [p for p in pages if not is_blank(p)])
    with_text = list(zip(documents, texts, strict=True))
    vote_printed(with_text)
    shared_fields(with_text)
    serial_prefixes(with_text)
    surer_reading(with_text)
    same_certificate(with_text)
    shared_project(with_text)
    shared_citizen_ids(with_text)
    surer_ids(with_text)
    calibrate(documents, [(s.type_confidence, s.split_confidence) for s in segments])
    for doc, seg, text in zip(documents, segments, texts, strict=True):
        doc_pages = [pages[i] for i in seg.pages]
        _review(doc, seg.type_confidence, seg.split_confidence)
        unread = [k for k in unread_fields(doc, text) if f"missing {k}" not in doc.review_reasons]
        if unread:
            doc.review_reasons += [f"unread {k} (its label is printed)" for k in unread]
            doc.needs_review = True
        if doc.doc_type == "khac":  # a paper of no listed type: staff say what it is, unless
            # it opens a paper of its own (motto, issuer, title) and the model is sure of `khac`
            if not _opens(doc_pages):
                doc.review_reasons.append("no type and no sign of a document's first page")
            elif seg.type_confidence < KHAC_REVIEW_THRESHOLD:
                doc.review_reasons.append(f"no listed type (confidence {seg.type_confidence:.2f})")
            doc.needs_review = bool(doc.review_reasons)
        unreadable = [p.number for p in doc_pages if is_unreadable(p)]
        if unreadable:
            doc.review_reasons.append(f"unreadable page(s) {unreadable}")
            doc.needs_review = True
    dossier_code = office_code = None
    for doc in documents:
        if doc.doc_type == "phieu_tiep_nhan" and "dossier_code" in doc.fields:
            dossier_code = doc.fields["dossier_code"]
            office_code = doc.fields.get("office_code")
            break
    if dossier_code is None:  # no receipt read: a QR code, else a code printed on any page
        for source in ("qr", "text"):
            for page in pages:
                texts = page.qr_codes if source == "qr" else [page.text or ""]
                codes = [c for t in texts for c in identifiers.find_dossier_codes(t)]
                if codes:
                    dossier_code, office_code = codes[0].code, codes[0].office_code
                    break
            if dossier_code is not None:
                break
    parsed = identifiers.parse_dossier_code(str(dossier_code)) if dossier_code else None
    if parsed is not None:
        _check_dates(documents, parsed.received_date)
    _mark_before_stray_pages(documents, pages)
    _mark_before_unsure_khac(documents, [s.split_confidence for s in segments])
    _mark_same_type_neighbours(documents)
    confidences = [(s.type_confidence, s.split_confidence) for s in segments]
    return Understanding(pages, documents, dossier_code, office_code, confidences)


def _opens(doc_pages: list[Page]) -> bool:
    """`khac` needs evidence of its own: its first page opens a paper (motto, issuer, form
    number, a letter's opening, page 1); otherwise the model was unsure, not sure of `khac`."""
    from ocr.classify.rules import generic_title
    from ocr.classify.scores import opens_letter

    first = next((p for p in doc_pages if not is_blank(p)), None)
    if first is None:
        return True
    text = first.text or ""
    ev = evidence(text, generic_title(text))
    return (ev.opens or opens_letter(text)) and not ev.continues


def _mark_before_stray_pages(documents: list[Document], pages: list[Page]) -> None:
    """A document whose first page shows no start of its own (a signature tail, an appendix,
    an untitled page split off) most likely belongs to the document before it: both go to
    review (the split put a boundary where the paper shows none)."""
    by_number = {p.number: p for p in pages}
    for before, doc in zip(documents, documents[1:], strict=False):
        if _opens([by_number[n] for n in doc.pages]):
            continue
        reason = f"no sign of a start on page {doc.pages[0]}"
        for d in (before, doc):
            if reason not in d.review_reasons:
                d.review_reasons.append(reason)
                d.needs_review = True


KHAC_CUT_SPLIT = 0.9  # split confidence under which a doubted `khac` may be cut off the one before


def _mark_before_unsure_khac(documents: list[Document], split_confidence: list[float]) -> None:
    """A doubted `khac` whose own boundaries are unsure is often the later part of the document
    before it (a report's last chapters read as a paper of no listed type): that document goes to
    review too. (Seen on held-out families' OCR, one report cut in two; on training families it
    marks 1 document in 527 more.)"""
    for i in range(1, len(documents)):
        doc, before = documents[i], documents[i - 1]
        if doc.doc_type == "khac" and doc.needs_review and split_confidence[i] < KHAC_CUT_SPLIT:
            reason = f"may continue in the unsure pages {_span(doc)}"
            if not before.needs_review and before.doc_type != "khac":
                before.review_reasons.append(reason)
                before.needs_review = True


def _mark_same_type_neighbours(documents: list[Document]) -> None:
    """Two documents of one type side by side, one of them doubted: most often one document cut
    in two (a report's later chapter split off its cover, a contract's last page), so the doubt
    covers both, and staff see the whole of it. On training families this caught 9 in 10 of the
    wrong pages the other marks missed, for half a point more documents (bench/classify.py)."""
    doubted = [d.needs_review for d in documents]  # before this rule: marks do not cascade
    for i, doc in enumerate(documents):
        for j in (i - 1, i + 1):
            if 0 <= j < len(documents) and doubted[j] and not doubted[i]:
                other = documents[j]
                if other.doc_type == doc.doc_type and not doc.needs_review:
                    doc.review_reasons.append(f"same type as the doubted pages {_span(other)}")
                    doc.needs_review = True


def _span(doc: Document) -> str:
    """A document's pages as staff name them: "5" or "5-7"."""
    first, last = min(doc.pages), max(doc.pages)
    return str(first) if first == last else f"{first}-{last}"


LATEST_AFTER_RECEPTION = timedelta(days=400)  # a result is issued within months, not years


def _check_dates(documents: list[Document], received: date) -> None:
    """A document dated long after the dossier was received is a misread date (2023 read as
    2033): sent to review rather than trusted."""
    for doc in documents:
        value = doc.fields.get("issue_date")
        try:
            issued = date.fromisoformat(str(value)) if value else None
        except ValueError:
            continue
        if issued is not None and issued > received + LATEST_AFTER_RECEPTION:
            doc.review_reasons.append(f"issue date {issued} long after reception {received}")
            doc.needs_review = True
