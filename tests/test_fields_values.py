"""Field value parsers: Vietnamese numbers, dates, document and form numbers, names."""

from datetime import date

import pytest

from ocr.fields import extract
from ocr.fields.dates import find_dates, parse_date
from ocr.fields.ids import canonical_code
from ocr.fields.numbers import parse_area, parse_money, parse_number
from ocr.fields.people import parse_name
from ocr.fields.text import Line, clean_name, find_label, fold
from ocr.result import Page


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.234,5", 1234.5),
        ("1.250.000.000", 1250000000),
        ("120,5", 120.5),
        ("1.234", 1234),
        ("1,234.5", 1234.5),
        ("1,250,000", 1250000),
        ("12.5", 12.5),
        ("1O2,5", 102.5),
    ],
)
def test_vietnamese_numbers(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["1.23.4", "1,2,3", "abc", ""])
def test_malformed_numbers(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Diện tích: 1.234,5 m²", 1234.5),
        ("c) Diện tích: 75,0 m2 (bảy mươi lăm mét vuông)", 75.0),
        ("diện tích 2.488,8 m 2 tại xã", 2488.8),
        ("Tổng 3 thửa, 450 m²", 450.0),
        ("Diện tích. l.765,20 m²", 1765.2),  # l for 1
        ("Diện tích 383S,2 m² Hình thức", 3835.2),  # S for 5
        ("Diện tích: 3.B35,2 m²", 3835.2),  # B for 8
        ("Diện tích: 2.7o8,4 m²", 2708.4),  # o for 0
        ("Diện tích: 2 829,1 m²", 2829.1),  # hand-written digits read with a gap
        ("Diện tích: 2 829 m²", 2829.0),
    ],
)
def test_area(text, value):
    assert parse_area(text)[0] == value


def test_a_damaged_area_is_not_cut_at_its_first_dot():
    from ocr.fields.land import area_m2
    from ocr.fields.text import DocText

    found = area_m2(DocText.of([Page(number=1, text="Diện tích: 3.B35,2 m²")]))
    assert found is not None and found.value == 3835.2
    found = area_m2(DocText.of([Page(number=1, text="Diện tích: 3.B35,2 mét")]))
    assert found is None  # not 3.0


def test_a_hand_written_area_read_with_a_gap_is_read_whole():
    """Training pages with values written by hand (form family dots_pen): '2 829,1 m?' was 2.0."""
    from ocr.fields.land import area_m2
    from ocr.fields.text import DocText

    for text, value in [("Diện tích: 2 829,1 m?", 2829.1), ("Diện tích: 3 662,2", 3662.2),
                        ("Diện tích: 2 829 m?", 2829.0)]:  # fmt: skip
        found = area_m2(DocText.of([Page(number=1, text=text)]))
        assert found is not None and found.value == value, text
    found = area_m2(DocText.of([Page(number=1, text="Diện tích (m²) 150 300")]))
    assert found is not None and found.value == 150.0  # two cells, not 150300


def test_area_is_not_the_tail_of_a_damaged_number():
    assert parse_area("Diện tích 383#,2 m²") is None  # not 2.0


def test_money_takes_the_amount_in_figures():
    assert parse_money("là: 1.250.000.000 đồng (Bằng chữ: Một tỷ...)")[0] == 1250000000


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hà Nội, ngày 15 tháng 10 năm 2023", date(2023, 10, 15)),
        ("Điện Biên, ngày 05 tháng 3 năm 2024", date(2024, 3, 5)),
        ("Ha Noi, ngay 15 thang l0 nam 2O23", date(2023, 10, 15)),  # OCR: no diacritics, l/O
        ("Nghệ An, ngày 26 thúng 4 năm 2021", date(2021, 4, 26)),  # Tesseract's "thúng"
        ("ngay 5 tbang 3 narn 2024", date(2024, 3, 5)),
        ("ngày 15/10/2023", date(2023, 10, 15)),
        ("Cấp ngày: 01-02-2019", date(2019, 2, 1)),
        ("Kỳ tính thuế: Ngày 22.11.2024", date(2024, 11, 22)),
        ("Hà Nội, ngạy 0I tháng 10 năm 2021", date(2021, 10, 1)),  # I for 1 (folded to i)
        ("Lâm Thao, ngày 27 tháng 01 riăm 2025", date(2025, 1, 27)),  # ri for n
        ("Đông Anh, ngay 14tháng 7 hăm 2016", date(2016, 7, 14)),  # h for n
        ("Lâm Thao, ngay 23 thárig 9 năm 2022", date(2022, 9, 23)),  # ri for n in tháng
        ("TP. Hồ Chí Minh, ngày 23 thãng 5 riănn2024", date(2024, 5, 23)),  # nn for m
        ("TP. Hồ Chí Minh, ngày 22 tông 5 năm 2023", date(2023, 5, 22)),  # "tông"
    ],
)
def test_dates(text, value):
    assert parse_date(text) == value


def test_impossible_dates_are_dropped():
    assert parse_date("ngày 31 tháng 02 năm 2023") is None
    assert parse_date("15/13/2023") is None
    assert find_dates(fold("số 12/3/20234")) == []


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("123/QĐ-UBND", "123/QĐ-UBND"),
        ("123 / QD-UBND", "123/QĐ-UBND"),  # Đ lost by OCR, restored for known abbreviations
        ("2206/TL-VPDK", "2206/TL-VPĐK"),
        ("04a/dk", "04a/ĐK"),
        ("03/BDS-TNCN", "03/BĐS-TNCN"),
        ("1O5/GPMT-BTNMT", "105/GPMT-BTNMT"),
        ("2631/QÐ-UBND", "2631/QĐ-UBND"),  # Ð (eth) read for Đ
    ],
)
def test_canonical_codes(raw, value):
    assert canonical_code(raw) == value


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("NGUYỄN THỊ THANH HẰNG", "Nguyễn Thị Thanh Hằng"),
        ("Ông/Bà: Lê Văn Nam   Năm sinh: 1980", "Lê Văn Nam"),
        ("Trần Thị Hoa, sinh năm 1975", "Trần Thị Hoa"),
        ("Phạm Văn Tài Số CCCD: 001085012345", "Phạm Văn Tài"),
        ("Nguyễn Xuân Tài Nơi thường trú: ấp Thượng", "Nguyễn Xuân Tài"),  # lines merged
    ],
)
def test_names(text, name):
    assert parse_name(text)[0] == name


def test_name_needs_two_capitalised_words():
    assert parse_name("không có") is None
    assert parse_name("An") is None


def test_clean_name_splits_glued_words():
    assert clean_name("NguyễnXuân  Nam ") == "Nguyễn Xuân Nam"
    assert clean_name("Công ty TNHH MTV Kim Long.") == "Công ty TNHH MTV Kim Long"


def test_clean_name_drops_a_rule_read_as_a_bar():
    assert clean_name("Mỏ đá vôi tại | xã Bình Hưng") == "Mỏ đá vôi tại xã Bình Hưng"
    assert clean_name("| Lê Văn An ‖") == "Lê Văn An"


def test_fold_keeps_offsets():
    text = "Thửa đất số: 12, Tờ bản đồ số: 4"
    folded = fold(text)
    assert folded == "thua dat so: 12, to ban do so: 4"
    assert len(folded) == len(text)


@pytest.mark.parametrize(
    "printed",
    ["Số vào sổcấp GCN: CS51186", "Số vào  sổ cấp GCN: CS51186", "Số và o s ổ cap GCN: CS51186"],
)
def test_labels_match_whatever_the_spacing(printed):
    """OCR glues and splits words: the label still ends right before the value."""
    line = Line(1, 0, printed, fold(printed))
    hit = find_label(line, "so vao so cap gcn", 0.85)
    assert hit is not None and hit.after == "CS51186"


def test_label_spacing_does_not_invent_a_label():
    line = Line(1, 0, "Số điện thoại: 0846539659", fold("Số điện thoại: 0846539659"))
    assert find_label(line, "so vao so cap gcn", 0.85) is None


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("Số: 6GPMT-STNMT", "6/GPMT-STNMT"),  # the slash lost
        ("Số: 146⁄GPMT-UBND", "146/GPMT-UBND"),  # a fraction slash read for "/"
        ("Số: 1836/QĐ-UBND", "1836/QĐ-UBND"),
        ("5o: 1836/QĐ-UBND", "1836/QĐ-UBND"),  # 5 for S in the label
        ("Số: 4294/Q Đ-UBND", "4294/QĐ-UBND"),  # a space inside the abbreviation
        ("Số: 146/GPMT-UBNO", "146/GPMT-UBND"),  # O for D
        ("Số: 197/ĐĐKMT-CTS", "197/ĐKMT-CTS"),  # Đ read twice in a long abbreviation
    ],
)
def test_document_number_repairs(printed, value):
    fields, _ = extract("quyet_dinh", [Page(number=1, text=f"UBND TỈNH NGHỆ AN\n{printed}")])
    assert fields["document_number"] == value


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("Mẫu số 01⁄/LPTB", "01/LPTB"),
        ("Mẫu số 18/ĐĐK", "18/ĐK"),
        ("Mẫu số 04/ĐĐĐK", "04/ĐK"),  # two letters read for one
        ("Mẫu số 03/BĐS-TNCM", "03/BĐS-TNCN"),
    ],
)
def test_form_number_repairs(printed, value):
    fields, _ = extract("to_khai_thue", [Page(number=1, text=printed)])
    assert fields["form_number"] == value


@pytest.mark.parametrize(
    "printed",
    [
        "Ngày, tháng, năm: 13/04/2024",
        "Ngày. thang, nạrn: 13/04/2024",
        "Ngày,tháng, n ăm: 13/04/2024",
    ],
)
def test_id_card_issue_date_label_tolerates_ocr(printed):
    text = f"CĂN CƯỚC CÔNG DÂN\nNgày sinh: 01/02/1990\n{printed}"
    fields, _ = extract("can_cuoc", [Page(number=1, text=text)])
    assert fields["issue_date"] == "2024-04-13"


@pytest.mark.parametrize(
    "printed",
    [
        "5, Thời gian trả kế quả giải quyết hồ sơ: ngày 09/08/2022",
        "5. Thời gian trả Hà và giải quyết hồ sơ: ngày 09/08/2022",
    ],
)
def test_appointment_date_label_tolerates_ocr(printed):
    text = f"4. Thời gian nhận hồ sơ: 08 giờ 35 phút, ngày 19/07/2022\n{printed}"
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["appointment_date"] == "2022-08-09"


@pytest.mark.parametrize("printed", ["Mẫii so 18/ĐK", "Maii số 18/ĐK", "Mẫv sô18/ĐK"])
def test_form_number_behind_a_damaged_label_only_when_known(printed):
    fields, _ = extract("don_dang_ky_bien_dong", [Page(number=1, text=printed)])
    assert fields["form_number"] == "18/ĐK"
    unknown, _ = extract(
        "don_dang_ky_bien_dong", [Page(number=1, text=printed.replace("18", "77"))]
    )
    assert "form_number" not in unknown


@pytest.mark.parametrize(
    "label",
    ["So vàosõ eap GCN:", "Số vào sổ cấp GẦN:", "Số vào sổ cấp GGN:", "Số vào sổ cấp GCÑN:"],
)
def test_register_number_after_a_damaged_label(label):
    text = f"Số phát hành: CS 123456\n{label} CN29879"
    fields, _ = extract("giay_chung_nhan_qsdd", [Page(number=1, text=text)])
    assert fields["gcn_book_number"] == "CN29879"
    fields, _ = extract(
        "giay_chung_nhan_qsdd", [Page(number=1, text="Số vào sổ: xem trang AB12345")]
    )
    assert "gcn_book_number" not in fields  # a code further on, after other words, is not it


@pytest.mark.parametrize(
    ("printed", "parcel"),
    [
        ("Tliửa đất số: 1096 Tờ bản đồ só: 12", "1096"),  # li for h in the label
        ("Thửa dất số 99Tỏ bản đồ số 32", "99"),  # the next label glued on
        ("Thửa đất số: 12a Tờ bản đồ số: 3", "12a"),
    ],
)
def test_parcel_number_repairs(printed, parcel):
    fields, _ = extract("trich_luc_ban_do", [Page(number=1, text=printed)])
    assert fields["parcel_number"] == parcel


@pytest.mark.parametrize(
    ("text", "name"),
    [("Nguyễn Mạnh .Thịnh", "Nguyễn Mạnh Thịnh"), ("NGUYỄN PHƯƠNG THOA.", "Nguyễn Phương Thoa")],
)
def test_names_with_stray_dots(text, name):
    assert parse_name(text)[0] == name


def test_register_number_never_from_another_label_further_on():
    text = (
        "đất có số phát hành và số vào sổ như sau:\n"
        "Số phát hành: BY 794098\nSố vào sổ cấp GCN: CHö82232"
    )
    fields, _ = extract("hop_dong_chuyen_nhuong", [Page(number=1, text=text)])
    assert fields["gcn_book_number"] == "CH82232" and fields["gcn_serial"] == "BY 794098"


def test_a_doubled_letter_in_a_known_abbreviation():
    assert canonical_code("3832/QĐĐ-BNNMT") == "3832/QĐ-BNNMT"


def test_a_serial_is_not_taken_from_the_next_label_read_on():
    text = "Số phát hành: CT 64673\nSố vào sổ cấp GCN: CS571042"  # a digit of the serial lost
    fields, _ = extract("don_dang_ky_bien_dong", [Page(number=1, text=text)])
    assert "gcn_serial" not in fields


def test_the_second_party_is_the_next_person_when_its_heading_is_not_read():
    text = ("GIẤY ỦY QUYỀN\nBÊN ỦY QUYỀN:\nÔng: Nguyễn Văn An\nSố CCCD: 001085012345\n"
            "B~N Đ| ỦY QU~N:\nBà: Trần Thị Bình\nSố CCCD: 079190054321\nNội dung: nộp")  # fmt: skip
    fields, _ = extract("giay_uy_quyen", [Page(number=1, text=text)])
    assert fields["principal_name"] == "Nguyễn Văn An"
    assert (fields["agent_name"], fields["agent_citizen_id"]) == ("Trần Thị Bình", "079190054321")
