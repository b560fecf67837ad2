"""The calibrated per-field confidence (ocr.fields.confidence) and the per-field review mark it
decides in ocr.understand."""

from ocr.fields.confidence import calibrate, features, fields_to_check, probability
from ocr.result import Document
from ocr.understand import FIELD_REVIEW_THRESHOLD, _review


def _doc(doc_type: str, fields: dict, read: float = 0.95, **extra) -> Document:
    details = {k: {"page": 1, "confidence": read, "raw": str(v), **extra}
               for k, v in fields.items()}  # fmt: skip
    return Document(doc_type, [1], 0.99, dict(fields), details)


def test_agreement_across_the_dossier_raises_a_name_and_damage_lowers_it():
    receipt = _doc("phieu_tiep_nhan", {"applicant_name": "Nguyễn Văn An"})
    certificate = _doc("giay_chung_nhan_qsdd", {"owner_name": "Nguyễn Văn An"})
    alone = _doc("giay_chung_nhan_qsdd", {"owner_name": "Nguyễn Văn An"})
    damaged = _doc("giay_chung_nhan_qsdd", {"owner_name": "Ngxyễn Vqn Axn"})
    sure = [(0.99, 0.99)] * 2
    agreed = features([receipt, certificate], sure)[1]["owner_name"]
    single = features([alone], sure[:1])[0]["owner_name"]
    broken = features([damaged], sure[:1])[0]["owner_name"]
    assert agreed["agree"] > single["agree"] == 0
    assert broken["unknown_words"] > single["unknown_words"] == 0
    p_agreed, p_single, p_broken = (probability("owner_name", f)
                                    for f in (agreed, single, broken))  # fmt: skip
    assert p_agreed > p_single > p_broken


def test_a_company_applicant_agrees_with_the_project_owner_and_may_be_long():
    name = "Công ty Cổ phần Sản xuất và Thương mại Thái Bình Dương"  # 11 words
    receipt = _doc("phieu_tiep_nhan", {"applicant_name": name})
    report = _doc("bao_cao_dtm", {"project_owner": name})
    sure = [(0.99, 0.99)] * 2
    together = features([receipt, report], sure)[0]["applicant_name"]
    assert together["agree"] > 0 and together["form_bad"] == 0.0
    assert features([receipt], sure[:1])[0]["applicant_name"]["agree"] == 0
    person = _doc("phieu_tiep_nhan", {"applicant_name": "Nguyễn Văn An Bình Minh Hòa Lạc"})
    assert features([person], sure[:1])[0]["applicant_name"]["form_bad"] == 1.0


def test_form_and_read_confidence_lower_an_identifier():
    good = features([_doc("can_cuoc", {"citizen_id": "001085012345"})], [(1, 1)])[0]
    bad = features([_doc("can_cuoc", {"citizen_id": "999085012345"})], [(1, 1)])[0]
    unsure = features([_doc("can_cuoc", {"citizen_id": "001085012345"}, read=0.4)], [(1, 1)])[0]
    assert bad["citizen_id"]["form_bad"] == 1.0 and good["citizen_id"]["form_bad"] == 0.0
    p = {n: probability("citizen_id", f["citizen_id"])
         for n, f in (("good", good), ("bad", bad), ("unsure", unsure))}  # fmt: skip
    assert p["good"] > p["bad"] and p["good"] > p["unsure"]


def test_a_parcel_field_the_dossier_contradicts_is_less_sure():
    docs = [_doc("don_dang_ky_dat_dai", {"parcel_number": "123"}),
            _doc("trich_luc_ban_do", {"parcel_number": "123"}),
            _doc("giay_chung_nhan_qsdd", {"parcel_number": "128"})]  # fmt: skip
    feats = features(docs, [(1, 1)] * 3)
    assert feats[0]["parcel_number"]["agree"] > 0 and feats[2]["parcel_number"]["disagree"] > 0
    assert probability("parcel_number", feats[0]["parcel_number"]) > probability(
        "parcel_number", feats[2]["parcel_number"]
    )


def _unsure_owner() -> Document:
    doc = _doc(
        "giay_chung_nhan_qsdd",
        {"gcn_serial": "CS 123456", "parcel_number": "12", "owner_name": "Xqz Bbk"},
        read=0.5,
    )
    calibrate([doc], [(0.99, 0.99)])
    return doc


def test_calibrate_keeps_the_read_confidence_and_review_points_at_the_unsure_field():
    """With the fitted thresholds (calibration.json): the malformed, unsure name makes the
    document doubtful, and review points at it first."""
    doc = _unsure_owner()
    name = doc.field_details["owner_name"]
    assert name["read_confidence"] == 0.5 and name["confidence"] < 0.2
    calibrate([doc], [(0.99, 0.99)])  # twice: the same (the read confidence is kept)
    assert doc.field_details["owner_name"]["confidence"] == name["confidence"]
    _review(doc, 0.99, 0.99)
    assert doc.needs_review
    # the most doubtful field first; the fields of its type not read are named too
    pointed = fields_to_check(doc.field_details, doc.review_reasons)
    assert pointed[0] == "owner_name" and "issue_date" in pointed


def test_a_field_under_the_field_threshold_is_marked_itself(monkeypatch):
    import ocr.understand

    monkeypatch.setattr(ocr.understand, "FIELD_REVIEW_THRESHOLD", 0.5)
    doc = _unsure_owner()
    _review(doc, 0.99, 0.99)
    assert "low confidence owner_name" in doc.review_reasons
    assert doc.field_details["owner_name"]["review"] is True
    assert "review" not in doc.field_details["gcn_serial"]


def test_a_sure_dossier_is_not_marked():
    receipt = _doc("phieu_tiep_nhan", {"applicant_name": "Trần Thị Hoa"}, read=0.97)
    form = _doc("don_dang_ky_dat_dai", {"applicant_name": "Trần Thị Hoa", "parcel_number": "45",
                                        "citizen_id": "001185012345"}, read=0.97)  # fmt: skip
    calibrate([receipt, form], [(0.99, 0.99)] * 2)
    assert all(d["confidence"] >= FIELD_REVIEW_THRESHOLD for d in form.field_details.values())
    _review(form, 0.99, 0.99)
    assert not any(r.startswith("low confidence") for r in form.review_reasons)
    assert fields_to_check(form.field_details, ["missing parcel_number", "x check: y"]) == [
        "parcel_number",
        "x",
    ]


def test_the_review_form_flags_the_fields_review_points_at():
    """The web review form shows an unsure field flagged, and a field missing or unread (its
    label printed, no value) as an empty row to fill in, flagged too."""
    from sohoa.services.review import ReviewDetail
    from sohoa.web.review import _field_rows

    detail = ReviewDetail(
        id=1, dossier_code=None, source=None, doc_type="giay_chung_nhan_qsdd", confidence=0.9,
        pages=[1], fields={"owner_name": "Xqz Bbk", "gcn_serial": "CS 123456"},
        needs_review=True, reviewed_by=None,
        reasons=["low confidence owner_name", "unread map_sheet (its label is printed)"],
        field_details={"owner_name": {"confidence": 0.2, "review": True},
                       "gcn_serial": {"confidence": 0.99}},
    )  # fmt: skip
    rows = {r["key"]: r for r in _field_rows(detail, {})}
    assert rows["owner_name"]["low"] and rows["map_sheet"]["low"]
    assert rows["map_sheet"]["shown"] == "" and not rows["gcn_serial"]["low"]


def test_an_unread_field_needs_its_label_outside_a_title():
    """A receipt's title "… VÀ HẸN TRẢ KẾT QUẢ" is no appointment label; a labelled line with
    its value lost is."""
    from ocr.fields.confidence import unread_fields
    from ocr.fields.text import DocText
    from ocr.result import Page

    receipt = Document("phieu_tiep_nhan", [1], 0.99, {}, {})
    title = DocText.of([Page(number=1, text="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")])
    assert "appointment_date" not in unread_fields(receipt, title)
    lost = DocText.of([Page(number=1, text="Ngày hẹn trả kết quả: ngày .../.../...")])
    assert "appointment_date" in unread_fields(receipt, lost)


def test_dates_with_a_fraction_slash():
    from ocr.fields.dates import parse_date

    assert str(parse_date("Thời gian trả kết quả: 01⁄08⁄2023")) == "2023-08-01"


def test_several_doubtful_fields_mark_a_document_once_and_name_the_fields(monkeypatch):
    """No field alone is under the field threshold, but together the document is likely to hold
    a wrong one: one mark, naming the doubtful fields (staff check those first)."""
    from ocr import understand
    from ocr.fields.confidence import DOUBTFUL, document_doubt

    fields = {"gcn_serial": "CS 123456", "parcel_number": "12", "map_sheet": "4",
              "area_m2": 120.5, "owner_name": "Trần Thị Hoa", "gcn_book_number": "CS01234",
              "citizen_id": "001185012345", "issue_date": "2020-01-02"}  # fmt: skip
    sure, unsure = _doc("giay_chung_nhan_qsdd", fields), _doc("giay_chung_nhan_qsdd", fields)
    for key in fields:
        sure.field_details[key]["confidence"] = 0.999
        unsure.field_details[key]["confidence"] = 0.6 if key in ("area_m2", "map_sheet") else 0.999
    low, _ = document_doubt(sure)
    high, named = document_doubt(unsure)
    assert low < 0.05 and high > 0.6 and sorted(named) == ["area_m2", "map_sheet"]
    monkeypatch.setattr(understand, "FIELD_REVIEW_THRESHOLD", 0.5)
    monkeypatch.setattr(understand, "DOCUMENT_REVIEW_THRESHOLD", 0.5)
    _review(sure, 0.99, 0.99)
    _review(unsure, 0.99, 0.99)
    assert not sure.needs_review and unsure.needs_review
    assert [r for r in unsure.review_reasons if r.startswith(DOUBTFUL)] == [
        f"{DOUBTFUL}{', '.join(named)} (some wrong: {high:.2f})"
    ]
    assert sorted(fields_to_check(unsure.field_details, unsure.review_reasons)) == sorted(named)


def test_a_field_of_the_type_not_read_counts_as_doubt_by_how_often_it_was_printed():
    from ocr.fields import confidence

    doc = _doc("giay_phep_moi_truong", {"project_name": "Nhà máy gạch Tuynel Hòa Bình"})
    doc.field_details["project_name"]["confidence"] = 1.0
    saved = dict(confidence.MISSING)
    try:
        confidence.MISSING.clear()
        confidence.MISSING.update({"giay_phep_moi_truong expiry_date": 0.05,
                                   "giay_phep_moi_truong document_number": 0.95,
                                   "giay_phep_moi_truong issue_date": 0.95,
                                   "giay_phep_moi_truong project_owner": 0.95})  # fmt: skip
        doubt, named = confidence.document_doubt(doc)
        assert doubt > 0.99 and "expiry_date" not in named and "document_number" in named
        doc.fields |= {"document_number": "12/GPMT-UBND", "issue_date": "2023-01-02",
                       "project_owner": "Công ty TNHH An Bình"}  # fmt: skip
        for key in ("document_number", "issue_date", "project_owner"):
            doc.field_details[key] = {"confidence": 1.0}
        doubt, named = confidence.document_doubt(doc)  # only an expiry date lost, rarely printed
        assert abs(doubt - 0.05) < 1e-9 and named == []
    finally:
        confidence.MISSING.clear()
        confidence.MISSING.update(saved)


def test_the_missing_table_and_review_sweep_of_the_bench():
    """bench/classify.py: the missing-field table is fitted with a prior (a pair seen once stays
    near even), and the document-doubt threshold marks in the sweep as ocr.understand does."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.classify import fit_missing, review_marks

    table = fit_missing([("a", "x", True)] * 8 + [("a", "y", False)] * 18 + [("b", "z", True)])
    assert table == {"a x": 0.9, "a y": 0.05, "b z": 0.667}
    # split, type, khac, missing, fixed, dossier, type, lowest field, opens, doubt, wrong p, f
    rows = [(0.99, 0.99, 0.0, 0, 0.0, 1, "t", 0.9, 1.0, doubt, 0, 0) for doubt in (0.1, 0.7)]
    assert list(review_marks(rows, 0.7, 0.5, 99, 0.99, False, 0.5, 0.6)) == [False, True]
    assert list(review_marks(rows, 0.7, 0.5, 99, 0.99, False, 0.5, 1.01)) == [False, False]


def test_the_bench_recomputes_a_document_doubt_as_production_does():
    """After a refit the bench recomputes each document's doubt from its stored features; it
    must be the doubt ocr.understand decides on (else the thresholds it writes mean another
    rule)."""
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.classify import refresh_field_columns
    from ocr.fields.confidence import document_doubt

    docs = [_doc("trich_luc_ban_do", {"parcel_number": "12", "map_sheet": "4"}),
            _doc("trich_luc_ban_do", {"parcel_number": "13", "area_m2": 90.5})]  # fmt: skip
    confidences = [(0.97, 0.9), (0.99, 0.99)]
    per_doc = features(docs, confidences)
    calibrate(docs, confidences)
    from ocr.fields import expected_fields

    tally = SimpleNamespace(
        doc_fields=[(d.doc_type, f, [k for k in expected_fields(d.doc_type) if k not in d.fields])
                    for d, f in zip(docs, per_doc, strict=True)],
        doc_review=[(0.0,) * 12 for _ in docs],
    )  # fmt: skip
    refresh_field_columns(tally)
    for doc, row in zip(docs, tally.doc_review, strict=True):
        assert abs(row[9] - document_doubt(doc)[0]) < 1e-9
        assert row[7] == min(d["confidence"] for d in doc.field_details.values())
