"""Probable duplicates (issue 17): the same pages re-encoded into a new file are linked to the
stored scan and sent to review; another scan of the same dossier is not."""

from __future__ import annotations

from sqlalchemy import select

from models.duplicates import flag_probable_duplicate
from models.tables import Document, Event
from tests.test_models_repository import record

DOSSIER = "000.00.24.H18-231015-0042"
PAGE = "Thửa đất số 12 tờ bản đồ số 7 diện tích 120 m2 mục đích sử dụng đất ở tại đô thị {n}"


def test_same_pages_again_are_flagged_other_scans_are_not(db_session):
    s = db_session
    record(s, "a1", DOSSIER, [{"doc_type": "gcn"}], text=PAGE)
    assert flag_probable_duplicate(s, "a1".ljust(64, "0")) is None  # the first is no duplicate
    noisy = PAGE.replace("diện tích", "dien tích")  # one word read differently
    record(s, "b2", DOSSIER, [{"doc_type": "gcn"}], text=noisy)
    record(s, "c3", DOSSIER, [{"doc_type": "don"}], text="Đơn đề nghị cấp đổi giấy chứng nhận {n}")
    s.commit()

    assert flag_probable_duplicate(s, "b2".ljust(64, "0")) == "a1".ljust(64, "0")
    assert flag_probable_duplicate(s, "c3".ljust(64, "0")) is None
    s.commit()

    docs = s.execute(select(Document.needs_review, Document.review_reasons).order_by(Document.id))
    flags = [(review, reasons) for review, reasons in docs.all()]
    assert flags[1][0] and "probable duplicate of scan a1" in flags[1][1][-1]
    assert not flags[0][0] and not flags[2][0]
    events = s.execute(select(Event.action, Event.detail).where(Event.action == "duplicate"))
    assert [d["of"] for _, d in events.all()] == ["a1".ljust(64, "0")]
