"""Dossier-wide consensus of free-text fields: each print of a name is damaged independently,
the majority of the prints repairs the value read at one place."""

from ocr.fields.consensus import tokens_of, vote
from ocr.result import Page
from ocr.understand import understand


def _vote(value: str, text: str) -> str:
    return vote(value, tokens_of(text))[0]


def test_damaged_syllable_is_outvoted():
    text = "Họ và tên: Nguyễn Hồng Moi\n(Ký, ghi rõ họ tên)\nNguyễn Hồng Mai\nBà Nguyen Hồng Mai"
    assert _vote("Nguyễn Hồng Moi", text) == "Nguyễn Hồng Mai"


def test_lost_marks_are_restored_and_capitals_kept():
    text = "Họ và tên: LÊ PHƯONG DUYÊN\nBà: Lê Phương Duyên\nLẹ Phương Duyên ký"
    assert _vote("LÊ PHƯONG DUYÊN", text) == "LÊ PHƯƠNG DUYÊN"


def test_a_similar_name_of_someone_else_does_not_overwrite():
    text = "Ông: Nguyễn Văn An\nBên B: Ông Nguyễn Văn Anh\nNguyễn Văn Anh\nký: Nguyễn Văn An"
    assert _vote("Nguyễn Văn An", text) == "Nguyễn Văn An"


def test_prints_split_differently_still_vote():
    text = (
        "Tiếp nhận hồ sơ của: Congty TNHH MTV Hũng Thịnh\n"
        "Chủ dự án: Công ty TNHH MTV Hưng Thịnh.\nĐơn vị: Công ty TNHH MTV Hưng Thinh"
    )
    assert _vote("Congty TNHH MTV Hũng Thịnh", text) == "Công ty TNHH MTV Hưng Thịnh"


def test_a_single_print_is_left_alone():
    assert _vote("Nguyễn Hồng Moi", "Họ và tên: Nguyễn Hồng Moi") == "Nguyễn Hồng Moi"


RECEIPT = """GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: 000.00.07.H26-231015-0042
Tiếp nhận hồ sơ của: Tran Xuân Duy Toàn
Số CCCD: 036066555194
NGƯỜI NỘP HỒ SƠ
(Ký và ghi rõ họ tên)
Trần Xuân Duy Toàn"""
FORM = """ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT
Kính gửi: Ủy ban nhân dân huyện Đông Anh
PHẦN II. NGƯỜI SỬ DỤNG ĐẤT
Họ và tên: Trần Xuân Duy Toàn
Số CCCD: 036066555194
NGƯỜI VIẾT ĐƠN
(Ký, ghi rõ họ tên)
Trần Xuàn Duy Toàn"""


def test_understand_repairs_a_name_from_the_other_documents():
    result = understand([Page(number=1, text=RECEIPT), Page(number=2, text=FORM)])
    receipt = next(d for d in result.documents if d.doc_type == "phieu_tiep_nhan")
    assert receipt.fields["applicant_name"] == "Trần Xuân Duy Toàn"
    assert receipt.field_details["applicant_name"]["read"] == "Tran Xuân Duy Toàn"
