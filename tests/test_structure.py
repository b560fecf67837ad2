"""Structural evidence (ocr.classify.structure) and the split it drives: a page opens a document
only on positive evidence, and signature-only tails, appendices and numbered later pages stay
with the document before them (issue 15)."""

from __future__ import annotations

import random

import pytest

from ocr.classify.structure import evidence, number_opens, page_number, signature_only
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


UNTITLED_NOTE = """Nước thải được thu gom về hệ thống xử lý tập trung trước khi xả ra.
Các nguồn gây tác động chủ yếu gồm bụi, khí thải phương tiện và nước thải sinh hoạt.
Chủ dự án cam kết thực hiện đầy đủ các biện pháp giảm thiểu nêu trong báo cáo."""
LETTER = """Đông Anh, ngày 12 tháng 3 năm 2024
Kính gửi: Ủy ban nhân dân huyện Đông Anh
Tôi tên là Nguyễn Văn An, sinh năm 1980, hiện thường trú tại thôn Bắc, xã Vân Nội.
Tôi xin trình bày việc như sau: thửa đất số 30 nêu trong hồ sơ là tài sản chung của gia đình."""


def test_khac_without_evidence_of_its_own_goes_to_review():
    result = understand([Page(number=1, text=UNTITLED_NOTE)])
    doc = result.documents[0]
    if doc.doc_type == "khac":
        assert doc.needs_review
        assert any("no type" in r for r in doc.review_reasons)
    else:  # typed as something: unsure, so still marked
        assert doc.needs_review
    letter = understand([Page(number=1, text=LETTER)]).documents[0]
    assert letter.doc_type == "khac"
    assert not any("no type" in r for r in letter.review_reasons)


def test_a_document_that_lost_most_of_its_fields_goes_to_review():
    bare = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQUYẾT ĐỊNH\n" + (
        "Căn cứ Luật Đất đai năm 2013;\nĐiều 1. Nội dung đã được thống nhất."
    )
    doc = understand([Page(number=1, text=bare)]).documents[0]
    assert doc.doc_type == "quyet_dinh"
    assert doc.needs_review and any("fields not found" in r for r in doc.review_reasons)
    full = understand([Page(number=1, text=DECISION)]).documents[0]
    assert not any("fields not found" in r for r in full.review_reasons)


# An EIA report as the ingest test's generator prints it (OCR text, abridged): an unnumbered cover
# page under the report's title, then the body numbered from 1 ("Trang 1/4" at the bottom).
REPORT_COVER = """CÔNG TY CP THÁI BÌNH DƯƠNG
BÁO CÁO
ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG
của dự án
NHÀ MÁY CHẾ BIẾN GỖ XUẤT KHẨU DIỄN CHÂU
Địa điểm: Số 226, ngõ 52, đường Võ Nguyên Giáp, thị trấn
Diễn Châu, huyện Diễn Châu, tỉnh Nghệ An

CHỦ DỰ ÁN
Công ty CP Thái Bình Dương

ĐƠN VỊ TƯ VẤN

Nghệ An, tháng 11 năm 2024"""
REPORT_BODY_1 = """MỞ ĐẦU
1. Xuất xứ của dự án
Nhà máy chế biến gỗ xuất khẩu Diễn Châu do Công ty CP Thái Bình Dương làm chủ
đầu tư được thực hiện tại Số 226, ngõ 52, đường Võ Nguyên Giáp, thị trấn Diễn
Châu, huyện Diễn Châu, tỉnh Nghệ An. Dự án thuộc loại hình dự án đầu tư mới, có
quy mô, công suất 21300 m² sản phẩm/năm, phù hợp với quy hoạch phát triển kinh
tế - xã hội của địa phương.
Căn cứ Luật Bảo vệ môi trường năm 2020, dự án thuộc đối tượng phải lập báo cáo
đánh giá tác động môi trường trình cơ quan có thẩm quyền thẩm định và phê duyệt.
2. Căn cứ pháp lý và kỹ thuật của việc thực hiện đánh giá tác động môi trường
Báo cáo được lập trên cơ sở Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020,
Nghị định số 08/2022/NĐ-CP, Thông tư số 02/2022/TT-BTNMT và các quy chuẩn kỹ
CHƯƠNG 3. ĐÁNH GIÁ, DỰ BÁO TÁC ĐỘNG MÔI TRƯỜNG
Bảng 3.1. Nồng độ các chất ô nhiễm trong khí thải
Trang 1/4"""
REPORT_BODY_2 = """STT Chất ô nhiễm Đơn vị Nồng độ dự báo | QCVN 19:2009/BTNMT
1 NH3 21,2 50
2 SO2 226,9 500
3 Bụi tổng 45,8 200
4 H2S 15
3.1. Tác động do khí thải lò hơi
Nguồn phát sinh khí thải chủ yếu từ khí thải lò hơi trong quá trình thi công và
vận hành nhà máy chế biến gỗ xuất khẩu Diễn Châu. Tải lượng ước tính khoảng
29,02 kg/ngày. Đối tượng chịu tác động là chất lượng không khí xung quanh. Mức
độ tác động được đánh giá là nhỏ, mang tính cục bộ và có thể kiểm soát được.
3.2. Tác động do sự cố cháy nổ và rò rỉ hóa chất
Nguồn phát sinh sự cố chủ yếu từ sự cố cháy nổ và rò rỉ hóa chất trong quá trình
Trang 2/4"""


def test_a_report_body_numbered_from_1_after_its_unnumbered_cover_continues_the_report():
    texts = (REPORT_COVER, REPORT_BODY_1, REPORT_BODY_2)
    result = understand([Page(number=n, text=t) for n, t in enumerate(texts, 1)])
    assert [(d.doc_type, d.pages) for d in result.documents] == [("bao_cao_dtm", [1, 2, 3])]


def test_a_page_1_opens_a_document_when_the_numbering_restarts_or_the_type_changes():
    body = evidence(REPORT_BODY_1)
    assert body.page_number == 1 and not body.strong
    cover, numbered = evidence(REPORT_COVER, has_title=True), evidence(LATER)
    assert not number_opens(body, cover, same_type=True)  # after its own cover
    assert number_opens(body, cover, same_type=False)  # after another type's unnumbered page
    assert number_opens(body, numbered, same_type=True)  # numbering restarts: 2 then 1
    assert number_opens(body, None, same_type=True)  # the first page
    titled = evidence(DECISION + "\nTrang 1/2", has_title=True)
    assert titled.strong and number_opens(titled, cover, same_type=True)


def test_a_titled_page_1_after_a_report_cover_still_opens_a_document():
    pages = [Page(number=1, text=REPORT_COVER), Page(number=2, text=REPORT_BODY_1),
             Page(number=3, text=DECISION + "\nTrang 1/2")]  # fmt: skip
    result = understand(pages)
    assert [d.pages for d in result.documents] == [[1, 2], [3]]
    assert [d.doc_type for d in result.documents] == ["bao_cao_dtm", "quyet_dinh"]


def test_review_marks_unsure_boundaries_and_khac_not_every_unsure_type():
    """Chosen on training families (bench/classify.py): the split confidence carries over to
    unseen families, the type confidence is low on every unseen wording, right or wrong."""
    from ocr.result import Document
    from ocr.understand import _review

    fields = {"document_number": "123/QĐ-UBND", "issue_date": "2024-03-12", "subject": "V/v"}
    details = {k: {"page": 1, "confidence": 0.9} for k in fields}
    doc = Document("quyet_dinh", [1, 2], 0.6, dict(fields), dict(details))
    _review(doc, confidence_type=0.99, confidence_split=0.6)
    assert doc.needs_review and doc.review_reasons == ["split confidence 0.60 < 0.7"]
    doc = Document("quyet_dinh", [1, 2], 0.6, dict(fields), dict(details))
    _review(doc, confidence_type=0.6, confidence_split=0.99)
    assert not doc.needs_review
    _review(doc, confidence_type=0.3, confidence_split=0.99)
    assert doc.review_reasons == ["type confidence 0.30 < 0.5"]
    letter = understand([Page(number=1, text=LETTER)]).documents[0]
    assert letter.needs_review and letter.review_reasons[0].startswith("no listed type")


def test_a_khac_paper_typed_sure_is_not_marked(monkeypatch):
    """`khac` with evidence of its own (the letter opens under the motto) is left alone when the
    model is at least KHAC_REVIEW_THRESHOLD sure of it; a `khac` without a sign of its own start
    is always marked."""
    from ocr import understand as u

    letter = understand([Page(number=1, text=LETTER)]).documents[0]
    assert letter.doc_type == "khac" and letter.needs_review
    monkeypatch.setattr(u, "KHAC_REVIEW_THRESHOLD", letter.confidence - 0.01)
    sure = understand([Page(number=1, text=LETTER)]).documents[0]
    assert sure.doc_type == "khac" and not sure.needs_review and sure.review_reasons == []


def test_noise_marks_are_not_the_motto_and_a_noisy_appendix_title_is_read():
    """partial_ratio finds a lone mark anywhere in the motto: a signature tail under scan noise
    ("î", "2") read as a page under the national motto and opened a document."""
    tail = evidence("î\n2\nKim Chung ngày 16 tháng 6 năm 2022\nNGƯỜI VIẾT ĐƠN\n(Ký, ghi rõ họ tên)")
    assert not tail.motto and tail.signature_only
    assert evidence("Độc lập Tự do Hạnh phúc\nx").motto  # hyphens lost
    assert evidence("Phụ 1ục1\nSTT Nội dung Ghi chú").appendix  # l read as 1


def test_a_noisy_signature_tail_is_read_as_one():
    """Specks above the page number and a minister's signature block ("THỨ TRƯỞNG")."""
    tail = evidence("ầ î =\n3\nNơinhận:\n- Như Điều 3;\n- Lưu: VT.\nTHỨ TRƯỞNG\nLương Minh Toàn")
    assert tail.page_number == 3 and tail.signature_only and tail.continues


def test_a_doubted_document_takes_its_same_type_neighbour_to_review():
    """A report cut in two: the chapter split off lacks the project name and is marked; the
    cover part looked complete. Side by side and of one type, both go to review (not a document
    of another type beside it, and marks do not cascade along a run of neighbours)."""
    from ocr.result import Document
    from ocr.understand import _mark_same_type_neighbours

    def doc(kind: str, pages: list[int], doubted: bool = False) -> Document:
        d = Document(kind, pages, 0.9, {}, {})
        d.needs_review, d.review_reasons = doubted, ["missing project_name"] if doubted else []
        return d

    docs = [doc("quyet_dinh", [1]), doc("bao_cao_dtm", [2, 3, 4]), doc("bao_cao_dtm", [5, 6], True),
            doc("can_cuoc", [7]), doc("can_cuoc", [8]), doc("can_cuoc", [9], True)]  # fmt: skip
    _mark_same_type_neighbours(docs)
    assert [d.needs_review for d in docs] == [False, True, True, False, True, True]
    assert docs[1].review_reasons == ["same type as the doubted pages 5-6"]
    assert docs[2].review_reasons == ["missing project_name"]  # its own reason, nothing added
    assert docs[4].review_reasons == ["same type as the doubted pages 9"]


def test_ocr_glued_so_still_reads_an_appendix_and_a_bare_date_line_opens_a_letter():
    """OCR drops spaces and commas and reads g as q: "PHỤ LỤCSỐ 3", "Giấy ủy quyềnsố 349", a
    place-and-date line without its comma ("nqay", "202S"). A line quoting a date is no opening."""
    from ocr.classify.scores import opens_letter

    assert evidence("PHỤ LỤCSỐ 3\nSTT Nội dung Ghi chú").appendix
    assert evidence("DANH SÁCH\n(Kèm theo Giấy ủy quyềnsố 349/UQ ngày 20/12/2024)").appendix
    assert not evidence("Kèm theo đây là bản sao giấy tờ\nx").appendix
    assert opens_letter("Đông Anh ngày 02 tháng 6 nam 2025\nTôi tên là")
    assert opens_letter("Quán Hành, nqay 22 tháng 3 năm 202S\nTôi tên là")
    assert not opens_letter("cấp ngày 12 tháng 3 năm 2020\nTôi tên là")
    assert not opens_letter("thửa đất cấp ngày 12 tháng 3 năm 2020 tại UBND huyện\nx")


def test_the_document_before_an_unsure_khac_cut_is_marked():
    """A doubted `khac` whose boundary is unsure may be the tail of the document before it."""
    from ocr.result import Document
    from ocr.understand import KHAC_CUT_SPLIT, _mark_before_unsure_khac

    def docs():
        report = Document("bao_cao_dtm", [2, 3, 4], 0.99)
        tail = Document("khac", [5, 6], 0.8, needs_review=True, review_reasons=["no listed type"])
        return [report, tail]

    unsure = docs()
    _mark_before_unsure_khac(unsure, [0.99, KHAC_CUT_SPLIT - 0.05])
    assert unsure[0].needs_review and unsure[0].review_reasons == [
        "may continue in the unsure pages 5-6"
    ]
    sure = docs()
    _mark_before_unsure_khac(sure, [0.99, KHAC_CUT_SPLIT + 0.05])
    assert not sure[0].needs_review
