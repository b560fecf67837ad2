"""Structural evidence (ocr.classify.structure) and the split it drives: a page opens a document
only on positive evidence, and signature-only tails, appendices and numbered later pages stay
with the document before them (issue 15)."""

from __future__ import annotations

import random

import pytest

from ocr.classify.structure import evidence, page_number, signature_only
from ocr.result import Page
from ocr.understand import understand

DECISION = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 123/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bắc Ninh, ngày 12 tháng 3 năm 2024
QUYẾT ĐỊNH
Về việc phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH
Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;
QUYẾT ĐỊNH:
Điều 1. Phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của dự án
Nhà máy xử lý nước thải tập trung do Công ty TNHH Minh Phát làm chủ dự án."""
TAIL = """2
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Hùng"""
APPENDIX = """3
PHỤ LỤC 1
YÊU CẦU VỀ QUAN TRẮC CHẤT THẢI
(Kèm theo Quyết định số 123/QĐ-UBND ngày 12/03/2024)
STT Nội dung Ghi chú
1 Hệ thống xử lý nước thải
2 Quan trắc định kỳ"""
LATER = """2
Điều 2. Trách nhiệm của chủ dự án
1. Thực hiện đúng các nội dung đã nêu trong hồ sơ đề nghị.
2. Báo cáo kết quả thực hiện cho cơ quan có thẩm quyền theo quy định."""


def test_evidence_reads_motto_title_page_numbers_appendix_and_signature_tail():
    ev = evidence(DECISION, has_title=True)
    assert ev.motto and ev.issuer and ev.opens and not ev.continues
    tail = evidence(TAIL)
    assert tail.page_number == 2 and tail.signature_only and tail.continues and not tail.opens
    app = evidence(APPENDIX, has_title=True)
    assert app.appendix and app.continues and not app.opens
    assert page_number(["noi dung", "trang 3/5"]) == 3
    assert page_number(["- 4 -", "dieu 5. to chuc thuc hien"]) == 4
    assert page_number(["dieu 5. to chuc thuc hien 2020"]) is None
    # a page that is all body text is not a signature tail, whatever it ends with
    body = [f"dong noi dung so {i} cua van ban" for i in range(20)] + ["kt. giam doc"]
    assert not signature_only(body)


def test_an_untitled_page_without_evidence_does_not_open_a_document():
    ev = evidence("Nước thải được thu gom về hệ thống xử lý tập trung.\nCác nguồn gây tác động")
    assert not ev.opens and not ev.continues


@pytest.mark.parametrize("later", [TAIL, APPENDIX, LATER])
def test_structure_pages_stay_with_the_decision_they_end(later):
    pages = [Page(number=1, text=DECISION), Page(number=2, text=later)]
    result = understand(pages)
    assert [d.pages for d in result.documents] == [[1, 2]]
    assert result.documents[0].doc_type == "quyet_dinh"


def test_signature_tail_then_a_new_titled_document_splits_after_the_tail():
    pages = [Page(number=1, text=DECISION), Page(number=2, text=TAIL),
             Page(number=3, text=DECISION.replace("123/QĐ", "456/QĐ"))]  # fmt: skip
    result = understand(pages)
    assert [d.pages for d in result.documents] == [[1, 2], [3]]


def test_generator_structure_classes_appear_on_both_splits():
    from samples.content import iter_dossiers
    from samples.families import HELD_OUT, TRAIN, layout_variants
    from samples.structure import add_structure

    for split in (TRAIN, HELD_OUT):
        seen = set()
        for i, dossier in enumerate(iter_dossiers(3, 30, variants=layout_variants(split))):
            add_structure(dossier, random.Random(i), split)
            seen |= {getattr(p, "structure", "") for p in dossier.pages}
        assert {"signature_tail", "appendix", "untitled", "other_edition"} <= seen, split
