"""Dossier-wide consensus of free-text fields: each print of a name is damaged independently,
the majority of the prints repairs the value read at one place."""

from ocr.fields.consensus import page_tokens, split_glued, tokens_of, vote
from ocr.result import Page, Word
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


def test_a_tied_vote_goes_to_the_spelling_ocr_was_surer_of():
    """Two prints "Chỉ", two "Chi": the summed word confidences decide, not the marks."""

    def words(text: str, conf: float) -> list[Word]:
        return [Word(w, conf, (0, 0, 0, 0)) for w in text.split()]

    pages = [
        ("Bà: Hồ Kim Chỉ", 0.55),
        ("Hồ Kim Chi ký", 0.9),
        ("giữa ông An và bà Hồ Kim Chi", 0.8),
        ("bà Hồ Kim Chỉ; các bên", 0.6),
    ]
    tokens = [t for text, conf in pages for t in page_tokens(text, words(text, conf))]
    assert vote("Hồ Kim Chỉ", tokens)[0] == "Hồ Kim Chi"
    flipped = [(text, 1.4 - conf) for text, conf in pages]
    tokens = [t for text, conf in flipped for t in page_tokens(text, words(text, conf))]
    assert vote("Hồ Kim Chi", tokens)[0] == "Hồ Kim Chỉ"


def test_a_single_print_is_left_alone():
    assert _vote("Nguyễn Hồng Moi", "Họ và tên: Nguyễn Hồng Moi") == "Nguyễn Hồng Moi"


RECEIPT = """GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: 000.00.07.H26-231015-0042
Tiếp nhận hồ sơ của: Trần Xuân Duy Toản
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
    assert receipt.field_details["applicant_name"]["read"] == "Trần Xuân Duy Toản"


FORM_PARCEL = """ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT
Họ và tên: Lê Hồng Hương
Thửa đất số: 1190 Tờ bản đồ số: 76
Diện tích: 567,4 m²"""
CERT_PARCEL = """GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT
Số phát hành: CX 247060
Bà: Lê Hồng Hương
Thửa đất số 1190 Tờ bản đồ số
Diện tích 567,4 m² Hình thức Sử dụng riêng"""
CONTRACT_PARCEL = """HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT
BÊN CHUYỂN NHƯỢNG (Bên A):
Bà: Lê Hồng Hương
Thửa đất số: 119O7 Tờ bản đồ số: 76
Diện tích: 567,4 m²"""


def test_parcel_fields_agree_across_the_dossier():
    pages = [
        Page(number=i + 1, text=t)
        for i, t in enumerate([FORM_PARCEL, CERT_PARCEL, CONTRACT_PARCEL])
    ]
    result = understand(pages)
    by_type = {d.doc_type: d for d in result.documents}
    cert = by_type["giay_chung_nhan_qsdd"]
    assert cert.fields["map_sheet"] == "76"  # printed label, value lost: the dossier's value
    assert cert.field_details["map_sheet"]["from_dossier"] == 2
    contract = by_type["hop_dong_chuyen_nhuong"]
    assert contract.fields["parcel_number"] == "1190"  # "119O7" outvoted by the two others
    assert contract.field_details["parcel_number"]["read"] == "11907"


def test_a_value_the_document_does_not_print_is_not_filled():
    receipt = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: 000.00.07.H26-231015-0042"
    form = FORM_PARCEL.replace("Thửa đất số: 1190 Tờ bản đồ số: 76\n", "")
    result = understand(
        [Page(number=1, text=receipt), Page(number=2, text=form), Page(number=3, text=CERT_PARCEL)]
    )
    form_doc = next(d for d in result.documents if d.doc_type == "don_dang_ky_bien_dong")
    assert "parcel_number" not in form_doc.fields


def test_a_spelling_that_is_no_syllable_loses_even_in_the_majority():
    text = "Tên cơ sở: Nhà máy sản xuất thuc ăn\nNhà máy sản xuất thuc ăn\nNhà máy sản xuất thức ăn"
    assert _vote("Nhà máy sản xuất thuc ăn", text) == "Nhà máy sản xuất thức ăn"


def test_the_value_keeps_its_punctuation():
    text = (
        "1. Tên cơ sở: Cơ sở giết mổ gia súc, gia eầm tập trung Kim Chung\n"
        "của Cơ sở giết mổ gia súc, gia cầm tập trung Kim Chung.\n"
        "Dự án: Cơ sở giết mổ gia súc, gia cầm tập trung Kim Chung"
    )
    value = "Cơ sở giết mổ gia súc, gia eầm tập trung Kim Chung"
    assert _vote(value, text) == "Cơ sở giết mổ gia súc, gia cầm tập trung Kim Chung"


def test_glued_syllables_come_apart_but_names_without_marks_stay():
    assert split_glued("dụngđất") == ("dụng", "đất")
    assert split_glued("Nhàmáy") == ("Nhà", "máy")
    assert split_glued("Nguyen") == ("Nguyen",)  # one syllable that lost its marks
    assert split_glued("Nguvễn") == ("Nguvễn",)  # one misread letter, not "Ngu" + "vễn"
    assert split_glued("TNHH") == ("TNHH",)
    assert (
        _vote("cho phép chuyển mục đích sử dụngđất", "") == "cho phép chuyển mục đích sử dụng đất"
    )


def test_a_long_value_votes_piece_by_piece():
    subject = "phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của Nhà máy X"
    damaged = "phê duyệt kết quả thẩm đinh bao cáo đánh giá tác động moi trường của Nhà máy X"
    text = (
        f"Về việc {damaged}\n"  # printed once whole; its pieces appear elsewhere too
        "Điều 1. Phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của Nhà máy X\n"
        "Căn cứ hồ sơ thẩm định báo cáo đánh giá tác động môi trường\n"
    )
    assert _vote(damaged, text) == subject


def test_a_document_dated_years_after_reception_goes_to_review():
    permit = (
        "ĐĂNG KÝ MÔI TRƯỜNG\nPHIẾU ĐĂNG KÝ MÔI TRƯỜNG\n1. Tên cơ sở: Trang trại Bình Hưng\n"
        "Bình Hưng, ngày 31 tháng 10 năm {year}\nCHỦ CƠ SỞ"
    )
    for year, flagged in ((2023, False), (2033, True)):
        pages = [Page(number=1, text=RECEIPT), Page(number=2, text=permit.format(year=year))]
        result = understand(pages)
        doc = next(d for d in result.documents if d.doc_type == "dang_ky_moi_truong")
        assert doc.fields["issue_date"] == f"{year}-10-31"
        assert any("long after reception" in r for r in doc.review_reasons) == flagged


def test_the_reading_itself_counts_as_much_as_a_print_in_a_tie():
    """The reading "Hưng" (a wrapped line, not among the prints) against the prints "Hung" and
    "Hưrig" (no syllable): a 1-1 tie between valid spellings keeps the marks, whatever the
    prints' confidences."""
    text = "Chủ dự án: Cônq ty TNHH Việt Hung\nđề nghị của Công ty TNHH Việt Hưrig"
    words = [Word(w, 0.9, (0, 0, 0, 0)) for w in text.split()]
    assert vote("Công ty TNHH Vlệt Hưng", page_tokens(text, words))[0] == "Công ty TNHH Việt Hưng"
    assert vote("Công ty TNHH Vlệt Hưng", tokens_of(text))[0] == "Công ty TNHH Việt Hưng"


def test_a_receipt_applicant_left_malformed_is_the_dossiers_filer():
    """A company's name written by hand and lost to a few letters and marks: the dossier's
    papers name the same body (the project owner); a person is never taken for a body."""
    receipt = RECEIPT.replace("Trần Xuân Duy Toản", "Công ty CP...:2¿")
    report = (
        "BÁO CÁO ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG\ncủa Dự án: Nhà máy gạch Tuynel Hoàng Long\n"
        "Chủ dự án: Công ty CP Khoáng sản Hoàng Long"
    )
    result = understand([Page(number=1, text=receipt), Page(number=2, text=report)])
    got = next(d for d in result.documents if d.doc_type == "phieu_tiep_nhan")
    assert got.fields["applicant_name"] == "Công ty CP Khoáng sản Hoàng Long"
    assert got.field_details["applicant_name"]["read"] == "Công ty CP...:2¿"
    result = understand([Page(number=1, text=receipt), Page(number=2, text=FORM)])
    got = next(d for d in result.documents if d.doc_type == "phieu_tiep_nhan")
    assert got.fields["applicant_name"] == "Công ty CP...:2¿"  # no body in the dossier: kept


def test_a_family_name_with_a_changed_mark_is_repaired_not_outvoted():
    """A tone changed on the family name ("Lệ" for "Lê") in one print of two: the family name
    wins the tie; a lowercase word of a long value ("do" = "Đỗ" folded) is never touched."""
    assert _vote("Lê Khánh Nga", "Bà: Lệ Khánh Nga.\nLê Khánh Nga") == "Lê Khánh Nga"
    assert _vote("Lệ Khánh Nga", "Bà: Lệ Khánh Nga.\nLệ Khánh Nga") == "Lê Khánh Nga"
    text = "Dự án do Công ty CP An Khang làm chủ\ndo Công ty CP An Khang"
    assert _vote("do Công ty CP An Khang", text) == "do Công ty CP An Khang"


def test_a_company_read_without_its_own_name_is_the_dossiers():
    receipt = RECEIPT.replace("Trần Xuân Duy Toản", "Công ty TNHH.MTV")  # no name of its own
    report = "BÁO CÁO ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG\nChủ dự án: Công ty TNHH MTV Trường Sơn"
    result = understand([Page(number=1, text=receipt), Page(number=2, text=report)])
    got = next(d for d in result.documents if d.doc_type == "phieu_tiep_nhan")
    assert got.fields["applicant_name"] == "Công ty TNHH MTV Trường Sơn"
    receipt = RECEIPT.replace("Trần Xuân Duy Toản", "... TNHH MTV Trường.")  # its kind lost
    result = understand([Page(number=1, text=receipt), Page(number=2, text=report)])
    got = next(d for d in result.documents if d.doc_type == "phieu_tiep_nhan")
    assert got.fields["applicant_name"] == "Công ty TNHH MTV Trường Sơn"
