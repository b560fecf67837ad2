"""The splitter on hand-made page-score sequences, and `understand` on hand-made pages."""

import numpy as np
import pytest

from ocr.classify.rules import DOC_TYPES
from ocr.result import Page
from ocr.split import PageScores, check_cover, split
from ocr.understand import understand


def _p(doc_type: str, p_start: float, sure: float = 0.9, **kw) -> PageScores:
    probs = np.full(len(DOC_TYPES), (1 - sure) / (len(DOC_TYPES) - 1))
    probs[DOC_TYPES.index(doc_type)] = sure
    return PageScores(probs, p_start, **kw)


def _blank() -> PageScores:
    return PageScores(np.full(len(DOC_TYPES), 1 / len(DOC_TYPES)), 0.0, blank=True)


def _layout(segments):
    return [(s.doc_type, s.pages) for s in segments]


def test_continuation_pages_join_the_document_before_them():
    seq = [
        _p("phieu_tiep_nhan", 0.99),
        _p("hop_dong_chuyen_nhuong", 0.97),
        _p("hop_dong_chuyen_nhuong", 0.03),
        _p("hop_dong_chuyen_nhuong", 0.05),
        _p("can_cuoc", 0.95),
    ]
    assert _layout(split(seq)) == [
        ("phieu_tiep_nhan", [0]),
        ("hop_dong_chuyen_nhuong", [1, 2, 3]),
        ("can_cuoc", [4]),
    ]


def test_a_continuation_that_looks_like_another_type_keeps_its_document_type():
    # page 2 of a power of attorney reads like a contract ("Điều 1 ..."), but starts nothing
    seq = [_p("giay_uy_quyen", 0.98, sure=0.95), _p("hop_dong_chuyen_nhuong", 0.04, sure=0.6)]
    assert _layout(split(seq)) == [("giay_uy_quyen", [0, 1])]


def test_same_type_documents_back_to_back_stay_apart():
    seq = [_p("can_cuoc", 0.97), _p("can_cuoc", 0.96)]
    assert _layout(split(seq)) == [("can_cuoc", [0]), ("can_cuoc", [1])]


def test_blank_pages_attach_to_the_previous_document_or_the_first():
    seq = [_blank(), _p("don_dang_ky_dat_dai", 0.95), _blank(), _p("can_cuoc", 0.9), _blank()]
    segments = split(seq)
    assert _layout(segments) == [("don_dang_ky_dat_dai", [0, 1, 2]), ("can_cuoc", [3, 4])]
    check_cover(segments, len(seq))


def test_forced_start_breaks_a_run():
    seq = [
        _p("khac", 0.9),
        _p("phieu_tiep_nhan", 0.01, sure=0.6, forced_start=True),
        _p("phieu_tiep_nhan", 0.02),
    ]
    assert _layout(split(seq)) == [("khac", [0]), ("phieu_tiep_nhan", [1, 2])]


def test_confidence_drops_on_an_uncertain_boundary():
    sure = split([_p("can_cuoc", 0.99), _p("khac", 0.98)])
    unsure = split([_p("can_cuoc", 0.99), _p("khac", 0.55)])
    assert sure[1].confidence > unsure[1].confidence
    assert 0 < unsure[1].confidence < 1


def test_all_blank_and_empty():
    assert split([]) == []
    segments = split([_blank(), _blank()])
    assert _layout(segments) == [("khac", [0, 1])]


@pytest.mark.parametrize("seed", range(5))
def test_every_page_in_exactly_one_document_on_random_scores(seed):
    rng = np.random.default_rng(seed)
    seq = []
    for _ in range(30):
        if rng.random() < 0.15:
            seq.append(_blank())
            continue
        probs = rng.dirichlet(np.ones(len(DOC_TYPES)))
        seq.append(PageScores(probs, float(rng.random()), forced_start=bool(rng.random() < 0.1)))
    segments = split(seq)
    check_cover(segments, len(seq))
    assert all(seg.pages == sorted(seg.pages) for seg in segments)


RECEIPT = """ỦY BAN NHÂN DÂN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: 000.00.24.H18-231015-0042
Tiếp nhận hồ sơ của: Nguyễn Văn An"""
FORM = """Mẫu số 04a/ĐK
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT
Họ và tên: Lê Văn Hùng
Thửa đất số: 12   Tờ bản đồ số: 4"""
FORM_2 = """Diện tích: 120,5 m²
Mục đích sử dụng: Đất ở tại nông thôn
Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật.
Trang 2/2"""


@pytest.mark.parametrize("rules_only", [True, False])
def test_understand_receipt_with_qr_form_and_blank(rules_only):
    pages = [
        Page(number=1, text=RECEIPT, qr_codes=["000.00.24.H18-231015-0042"]),
        Page(number=2, text=FORM),
        Page(number=3, text=FORM_2),
        Page(number=4, text="", blank=True),
    ]
    result = understand(pages, rules_only=rules_only)
    assert result.dossier_code == "000.00.24.H18-231015-0042"
    assert result.office_code == "000.00.24.H18"
    assert [(d.doc_type, d.pages) for d in result.documents] == [
        ("phieu_tiep_nhan", [1]),
        ("don_dang_ky_dat_dai", [2, 3, 4]),
    ]
    form = result.documents[1]
    assert form.fields["area_m2"] == 120.5 and form.field_details["area_m2"]["page"] == 3
    assert [p.doc_type for p in result.pages] == [
        "phieu_tiep_nhan",
        "don_dang_ky_dat_dai",
        "don_dang_ky_dat_dai",
        "don_dang_ky_dat_dai",
    ]
    assert "missing citizen_id" in form.review_reasons and form.needs_review


def test_understand_empty_input():
    result = understand([])
    assert result.documents == [] and result.dossier_code is None


def test_unreadable_page_attaches_to_its_neighbour_and_asks_for_review():
    garbage = 'ueoJ qu©Ịxy 6Buon1\n"Vv.\n"1A :nn1 -\n9NO.M1.,0H1\n9NQO.XL Ò8 `1)\n\'c nạIQ nUN -'
    pages = [Page(number=1, text=FORM), Page(number=2, text=garbage), Page(number=3, text=FORM_2)]
    result = understand(pages)
    assert [(d.doc_type, d.pages) for d in result.documents] == [("don_dang_ky_dat_dai", [1, 2, 3])]
    assert "unreadable page(s) [2]" in result.documents[0].review_reasons
