"""Fields read behind OCR damage and other wordings of their labels: serial letters read as
look-alikes, a person's label found by its key words, a value a document prints twice voted
with the dossier."""

import pytest

from ocr.fields import extract
from ocr.fields.consensus import (
    fill_filer,
    fill_names,
    same_certificate,
    serial_prefixes,
    shared_citizen_ids,
    shared_fields,
    surer_ids,
    surer_reading,
    vote_printed,
)
from ocr.fields.people import keyword_name
from ocr.fields.text import DocText, clean_name
from ocr.result import Document, Page


def _doc(doc_type: str, number: int, text: str) -> tuple[Document, DocText]:
    pages = [Page(number=number, text=text)]
    fields, details = extract(doc_type, pages)
    return Document(doc_type, [number], 0.9, fields, details), DocText.of(pages)


def _fields(doc_type: str, text: str) -> dict:
    return extract(doc_type, [Page(number=1, text=text)])[0]


@pytest.mark.parametrize(
    ("printed", "serial"),
    [
        ("€5 915240", "CS 915240"),  # a hand-written C read as €, S as 5
        ("C7 669652", "CT 669652"),  # T read as 7
        ("(S 0I2345O7", "CS 01234507"),  # C as "(", digits' O and I
        ("C5 12345678", "CS 12345678"),
    ],
)
def test_serial_letters_read_through_look_alikes(printed, serial):
    assert _fields("giay_chung_nhan_qsdd", f"Số phát hành: {printed}")["gcn_serial"] == serial


def test_a_serial_without_letters_is_no_serial_on_its_own():
    assert "gcn_serial" not in _fields("giay_chung_nhan_qsdd", "Số phát hành: 16938310")


def test_serial_letters_lost_come_from_the_dossier_serial_of_the_same_digits():
    form = _doc("don_dang_ky_bien_dong", 1, "Số phát hành: 292328")
    cert = _doc("giay_chung_nhan_qsdd", 2, "Số phát hành: CS 292328")
    other = _doc("hop_dong_chuyen_nhuong", 3, "Số phát hành: 111111")
    serial_prefixes([form, cert, other])
    assert form[0].fields["gcn_serial"] == "CS 292328"
    assert "gcn_serial" not in other[0].fields  # digits no document reads with its letters


@pytest.mark.parametrize(
    ("label", "doc_type", "key"),
    [
        ("Tên người sử dụng đất", "giay_chung_nhan_qsdd", "owner_name"),
        ("Họ tên, chữ lót", "giay_chung_nhan_qsdd", "owner_name"),  # "họ" … "tên" apart
        ("Người kê khai", "to_khai_thue", "taxpayer_name"),
        ("Chủ hộ", "don_dang_ky_dat_dai", "applicant_name"),
    ],
)
def test_a_name_under_a_label_found_by_its_key_words(label, doc_type, key):
    text = f"{label}: Trần Thị Bình\nĐịa chỉ: xã Phù Linh"
    assert _fields(doc_type, text)[key] == "Trần Thị Bình"


def test_running_text_naming_a_name_is_no_label():
    text = "Bên B ký, ghi rõ họ tên Trần Thị Bình\nNgười sử dụng đất Trần Thị Bình"
    assert keyword_name(DocText.of([Page(number=1, text=text)])) is None  # no colon: no label
    found = keyword_name(DocText.of([Page(number=1, text="Người sử dụng đất: Trần Thị Bình")]))
    assert found is not None and found.value == "Trần Thị Bình"


def test_a_receipt_names_who_submits_the_dossier_under_another_label():
    text = "Tổ chức, cá nhân nộp hồ sơ: Công ty TNHH Bình Minh\nĐịa chỉ: xã Kim Chung"
    assert _fields("phieu_tiep_nhan", text)["applicant_name"] == "Công ty TNHH Bình Minh"


def test_subject_after_v_v():
    text = "QUYẾT ĐỊNH\nV/v cho phép chuyển mục đích sử dụng đất\nCăn cứ Luật Đất đai"
    assert _fields("quyet_dinh", text)["subject"] == "cho phép chuyển mục đích sử dụng đất"


def test_a_value_misread_on_the_form_line_is_the_one_the_table_and_the_dossier_print():
    form = _doc(
        "don_dang_ky_bien_dong", 1,
        "Thửa đất số: 7\nNội dung Trước biến động Sau biến động\nThửa đất số 1096 1096",
    )  # fmt: skip
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Thửa đất số: 1096 Tờ bản đồ số: 13")
    assert form[0].fields["parcel_number"] == "7"
    vote_printed([form, contract])
    assert form[0].fields["parcel_number"] == "1096"
    assert form[0].field_details["parcel_number"]["read"] == "7"


def test_a_value_printed_once_is_kept_though_the_dossier_prints_another():
    form = _doc("don_dang_ky_bien_dong", 1, "Thửa đất số: 7\nTờ bản đồ số: 13")
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Thửa đất số: 1096 Tờ bản đồ số: 13")
    vote_printed([form, contract])
    assert form[0].fields["parcel_number"] == "7"  # nothing else printed on it to choose


@pytest.mark.parametrize(
    ("printed", "area"),
    [("Diện tích- 2:628,3 m", 2628.3), ("Diện tích (m?) 2.016,90", 2016.9),
     ("Diện tích: 2.016,90.m?", 2016.9), ("c) Diện tích: 567„4 mỶ", 567.4)],
)  # fmt: skip
def test_area_behind_ocr_marks(printed, area):
    assert _fields("giay_chung_nhan_qsdd", printed)["area_m2"] == area


@pytest.mark.parametrize(
    ("printed", "owner"),
    [("Chủ cơ sở: CÔNG ty CP An Khang Lập - Tự do - Hạnh phúc", "CÔNG ty CP An Khang"),
     ("Chủ cơ sở: Công ty TNHH Việt Hưng ị ị Ẹ", "Công ty TNHH Việt Hưng"),
     ("Chủ cơ sở: Công ty TNHHBình Minh", "Công ty TNHH Bình Minh")],
)  # fmt: skip
def test_a_body_named_after_its_label_without_what_ocr_put_around_it(printed, owner):
    assert _fields("dang_ky_moi_truong", printed)["project_owner"] == owner


def test_a_name_in_capitals_with_a_small_last_letter_is_not_cut():
    assert clean_name("NGUYỄn Văn An") == "NGUYỄn Văn An"  # vowels: no abbreviation glued on


def test_a_body_named_after_its_label_stops_before_the_letterhead_read_on():
    text = ("Chủ dự án: CÔNG TY TNHH BÌNH MINH Số: 86/ĐKMT-CBM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
            "Độc lập - Tự do - Hạnh phúc")  # fmt: skip
    assert _fields("dang_ky_moi_truong", text)["project_owner"] == "CÔNG TY TNHH BÌNH MINH"


def _with_confidence(pair, key, confidence):
    pair[0].field_details[key]["read_confidence"] = confidence
    return pair


def test_two_prints_a_slip_apart_take_the_reading_ocr_was_surer_of():
    form = _doc("don_dang_ky_bien_dong", 1, "Số phát hành: CH 278957\nSố vào sổ cấp GCN: CH45925")
    cert = _doc("giay_chung_nhan_qsdd", 2, "Số phát hành: CH 278987\nSố vào sổ cấp GCN: CH45925")
    result = _doc("giay_chung_nhan_qsdd", 3, "Số phát hành: CH 278981\nSố vào sổ cấp GCN: CH77777")
    _with_confidence(form, "gcn_serial", 0.79)
    _with_confidence(cert, "gcn_serial", 0.94)
    _with_confidence(result, "gcn_serial", 0.99)  # another certificate (the result): no vote
    surer_reading([form, cert, result])
    assert form[0].fields["gcn_serial"] == cert[0].fields["gcn_serial"] == "CH 278987"
    assert result[0].fields["gcn_serial"] == "CH 278981"


def test_both_figures_of_a_certificate_misread_on_the_form_citing_it_are_the_certificates():
    form = _doc("don_dang_ky_bien_dong", 1, "Số phát hành: CH 278981\nSố vào sổ cấp GCN: CH45935")
    cert = _doc("giay_chung_nhan_qsdd", 2, "Số phát hành: CH 278987\nSố vào sổ cấp GCN: CH45925")
    _with_confidence(form, "gcn_serial", 0.886)
    _with_confidence(cert, "gcn_serial", 0.941)  # the certificate prints its own figures
    _with_confidence(form, "gcn_book_number", 0.399)
    _with_confidence(cert, "gcn_book_number", 0.921)
    surer_reading([form, cert])
    assert form[0].fields["gcn_serial"] == "CH 278987"
    assert form[0].fields["gcn_book_number"] == "CH45925"
    assert cert[0].fields["gcn_serial"] == "CH 278987"


def test_a_parcel_read_two_ways_by_as_many_documents_is_the_reading_ocr_was_surer_of():
    forms = [_doc(t, n, "Thửa đất số: 292 Tờ bản đồ số: 22")
             for n, t in ((1, "don_dang_ky_bien_dong"), (2, "to_khai_thue"))]  # fmt: skip
    typed = [_doc(t, n, "Thửa đất số: 552 Tờ bản đồ số: 22")
             for n, t in ((3, "giay_chung_nhan_qsdd"), (4, "hop_dong_chuyen_nhuong"))]  # fmt: skip
    for pair, confidence in zip(forms + typed, (0.926, 0.82, 0.964, 0.967), strict=True):
        _with_confidence(pair, "parcel_number", confidence)
    surer_reading(forms + typed)
    assert [d.fields["parcel_number"] for d, _ in forms + typed] == ["552"] * 4


def test_two_prints_read_about_as_surely_stay_as_read():
    form = _doc("don_dang_ky_bien_dong", 1, "Thửa đất số: 1069")
    cert = _doc("giay_chung_nhan_qsdd", 2, "Thửa đất số: 1096")
    _with_confidence(form, "parcel_number", 0.9)
    _with_confidence(cert, "parcel_number", 0.95)
    surer_reading([form, cert])
    assert (form[0].fields["parcel_number"], cert[0].fields["parcel_number"]) == ("1069", "1096")


def test_a_serial_lost_on_a_document_citing_the_certificate_is_the_others_of_that_register():
    form = _doc("don_dang_ky_bien_dong", 1, "Số phát hành: CS 915240\nSố vào sổ cấp GCN: CS51186")
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Số vào sổ cấp GCN: CS51186")
    result = _doc("giay_chung_nhan_qsdd", 3, "Số vào sổ cấp GCN: CH00001")
    same_certificate([form, contract, result])
    assert contract[0].fields["gcn_serial"] == "CS 915240"
    assert "gcn_serial" not in result[0].fields  # another register number: another certificate


@pytest.mark.parametrize("printed", ["Diện tích 2{Z,2 m²", "Diện tích: 3.ổ25,2", "Diện tích: 2 m²"])
def test_what_is_left_of_a_damaged_area_is_no_area(printed):
    assert "area_m2" not in _fields("giay_chung_nhan_qsdd", printed)


def test_a_family_name_whose_first_letter_ocr_read_as_a_digit():
    text = "I. Người sử dụng đất\nÔng- 7ô Hữu Trung\nII. Thửa đất"
    assert _fields("giay_chung_nhan_qsdd", text)["owner_name"] == "Tô Hữu Trung"


def test_an_id_a_slip_from_one_read_more_surely_elsewhere_is_that_one():
    contract = _doc("hop_dong_chuyen_nhuong", 1, "BÊN NHẬN CHUYỂN NHƯỢNG (Bên B):\nBà: Lê Diệu "
                    "Hoa\nSinh ngày: 08/12/1953 Số CCCD: 025153867667")  # fmt: skip
    tax = _doc("to_khai_thue", 2, "[03] Mã số thuế/Số CCCD: 025133867667")
    other = _doc("can_cuoc", 3, "Số định danh cá nhân: 001085012345")
    assert contract[0].fields["transferee_citizen_id"] == "025153867667"
    _with_confidence(contract, "transferee_citizen_id", 0.96)
    _with_confidence(tax, "citizen_id", 0.33)
    surer_ids([contract, tax, other])
    assert tax[0].fields["citizen_id"] == "025153867667"
    assert other[0].fields["citizen_id"] == "001085012345"  # another person's number


def _named(doc_type: str, fields: dict) -> Document:
    return Document(doc_type, [1], 0.9, dict(fields), {k: {"confidence": 0.9} for k in fields})


def test_a_person_name_malformed_or_cut_short_is_the_dossier_name_holding_it():
    contract = _named(
        "hop_dong_chuyen_nhuong",
        {"transferee_name": "Lê Diệu Hoa", "transferor_name": "Nguyễn Thành Đình Phúc"},
    )
    tax = _named("to_khai_thue", {"taxpayer_name": "Fề Điệu"})
    cert = _named("giay_chung_nhan_qsdd", {"owner_name": "Nguyễn Thành"})
    card = _named("can_cuoc", {"full_name": "LÊ DIỆU"})
    other = _named("giay_uy_quyen", {"agent_name": "Trần Văn Bình"})
    fill_names([contract, tax, cert, card, other])
    assert tax.fields["taxpayer_name"] == "Lê Diệu Hoa"
    assert tax.field_details["taxpayer_name"]["read"] == "Fề Điệu"
    assert cert.fields["owner_name"] == "Nguyễn Thành Đình Phúc"
    assert card.fields["full_name"] == "LÊ DIỆU HOA"  # a card prints it in capitals
    assert other.fields["agent_name"] == "Trần Văn Bình"  # another person


def test_certificate_figures_by_their_shape_when_no_label_is_read():
    text = "Sổ gốc: CH04512\nPhát hàng sô: CS 123456\nMẫu số 04a/ĐK\nSố CCCD: 001085012345"
    fields = _fields("don_dang_ky_bien_dong", text)
    assert fields["gcn_book_number"] == "CH04512"
    assert fields["gcn_serial"] == "CS 123456"
    assert "gcn_serial" not in _fields("don_dang_ky_bien_dong", "Ghi chú: CS 12345 dòng")


def test_a_parcel_value_two_documents_agree_on_fills_a_document_whose_label_is_lost_too():
    cert = _doc("giay_chung_nhan_qsdd", 1, "Thửa đất số: 487 Tờ bản đồ số: 26")
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Thửa đất số: 487 Tờ bản đồ số: 26")
    form = _doc("don_dang_ky_bien_dong", 3, "Thửa đất số: 487 T0 ban d0 s5 2b")
    shared_fields([cert, contract, form])
    assert form[0].fields["map_sheet"] == "26"
    assert form[0].field_details["map_sheet"]["from_dossier"] == 2
    lone = _doc("don_dang_ky_bien_dong", 3, "Thửa đất số: 487 T0 ban d0 s5 2b")
    shared_fields([cert, lone])
    assert "map_sheet" not in lone[0].fields  # one document's reading: not without the label


def test_a_receipt_appointment_known_by_being_its_only_later_date():
    text = ("Mã hồ sơ: 000.01.24.H18-230915-0001\nNgày nhận hồ sơ: 15/09/2023\n"
            "Ngày trả theo lịch: 06/10/2023\nNgày in: 15/09/2023")  # fmt: skip
    fields = _fields("phieu_tiep_nhan", text)
    assert fields["appointment_date"] == "2023-10-06"


def test_a_serial_unread_on_a_citing_document_is_the_one_the_other_citing_documents_read():
    form = _doc("don_dang_ky_bien_dong", 1, "Số phát hành: CS 915240\nSố vào sổ cấp GCN: CS51186")
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Số phát hành- €$ 9I5")
    shared_fields([form, contract])
    assert contract[0].fields["gcn_serial"] == "CS 915240"
    result = _doc("giay_chung_nhan_qsdd", 3, "Số phát hành- €$ 9I5")
    shared_fields([form, result])
    assert "gcn_serial" not in result[0].fields  # a certificate may be the new one


def test_an_unread_id_with_no_label_read_is_the_one_the_dossier_pairs_with_the_name():
    card = _doc("can_cuoc", 1, "Số định danh cá nhân: 025057044801\nHọ và tên: TÔ HỮU TRUNG")
    form = _doc("don_dang_ky_dat_dai", 2, "Họ và tên: Tô Hữu Trung\nSố CCCD: 025057044801")
    cert = _doc("giay_chung_nhan_qsdd", 3, "Ông: Tô Hữu Trung\nNăm sinh: 1957 5ố 3Ấ")
    other = _doc("giay_chung_nhan_qsdd", 4, "Ông: Lê Văn Nam\nNăm sinh: 1957")
    shared_citizen_ids([card, form, cert, other])
    assert cert[0].fields["citizen_id"] == "025057044801"
    assert "citizen_id" not in other[0].fields  # another person


def test_a_title_before_the_applicant_is_no_part_of_the_name():
    text = "Tiếp nhận hồ sơ của: Ông Nguyễn Văn An\nĐịa chỉ: xã Kim Chung"
    assert _fields("phieu_tiep_nhan", text)["applicant_name"] == "Nguyễn Văn An"


def test_an_issuer_abbreviation_with_a_letter_read_as_a_digit():
    text = "Số: 2242/QĐ-U8ND\nQUYẾT ĐỊNH"
    assert _fields("quyet_dinh", text)["document_number"] == "2242/QĐ-UBND"


def test_a_parcel_number_with_a_mark_inside_is_damaged_and_the_dossier_fills_it():
    form = _doc("don_dang_ky_dat_dai", 1, "Thửa đất số 963\nTờ bản đồ số 75")
    extract_ = _doc("trich_luc_ban_do", 2, "Thửa đất số: 9@3 Tờ bản đồ số: 75")
    assert "parcel_number" not in extract_[0].fields  # not "9"
    shared_fields([form, extract_])
    assert extract_[0].fields["parcel_number"] == "963"


def test_an_id_a_few_slips_from_the_card_holders_number_is_the_cards():
    card = _doc("can_cuoc", 1, "CĂN CƯỚC CÔNG DÂN\nSố định danh cá nhân: 001085012345")
    form = _doc("don_dang_ky_dat_dai", 2, "Số CCCD: 001085072845")  # hand-written: 3 slips
    _with_confidence(card, "citizen_id", 0.965)
    _with_confidence(form, "citizen_id", 0.919)  # read about as surely as the card
    surer_ids([card, form])
    assert form[0].fields["citizen_id"] == card[0].fields["citizen_id"] == "001085012345"


def test_a_parcel_misread_beyond_a_slip_is_the_one_two_surer_prints_agree_on():
    form = _doc("don_dang_ky_bien_dong", 1, "Thửa đất số: 7 Tờ bản đồ số: 13")  # by hand
    cert = _doc("giay_chung_nhan_qsdd", 2, "Thửa đất số: 1096 Tờ bản đồ số: 13")
    contract = _doc("hop_dong_chuyen_nhuong", 3, "Thửa đất số: 1096 Tờ bản đồ số: 13")
    for pair, confidence in ((form, 0.8), (cert, 0.96), (contract, 0.97)):
        _with_confidence(pair, "parcel_number", confidence)
    shared_fields([form, cert, contract])
    assert form[0].fields["parcel_number"] == "1096"


def test_a_parcel_read_as_surely_as_the_others_stays_as_read():
    form = _doc("don_dang_ky_bien_dong", 1, "Thửa đất số: 7 Tờ bản đồ số: 13")
    cert = _doc("giay_chung_nhan_qsdd", 2, "Thửa đất số: 1096 Tờ bản đồ số: 13")
    contract = _doc("hop_dong_chuyen_nhuong", 3, "Thửa đất số: 1096 Tờ bản đồ số: 13")
    for pair, confidence in ((form, 0.95), (cert, 0.96), (contract, 0.97)):
        _with_confidence(pair, "parcel_number", confidence)
    shared_fields([form, cert, contract])
    assert form[0].fields["parcel_number"] == "7"


def test_a_person_name_with_a_middle_name_lost_is_the_dossier_name_holding_it():
    contract = _named("hop_dong_chuyen_nhuong", {"transferor_name": "Nguyễn Thị Thu Hương"})
    cert = _named("giay_chung_nhan_qsdd", {"owner_name": "Nguyễn Hương"})  # by hand, two lost
    other = _named("giay_uy_quyen", {"agent_name": "Nguyễn Văn Hòa"})  # not the same given name
    fill_names([contract, cert, other])
    assert cert.fields["owner_name"] == "Nguyễn Thị Thu Hương"
    assert other.fields["agent_name"] == "Nguyễn Văn Hòa"


def test_a_receipts_applicant_read_as_a_person_is_the_body_the_dossier_agrees_owns_the_project():
    receipt = _named("phieu_tiep_nhan", {"applicant_name": "Trần Văn Bình"})  # its representative
    report = _named("bao_cao_dtm", {"project_owner": "Công ty CP Kim Long"})
    permit = _named("giay_phep_moi_truong", {"project_owner": "Công ty CP Kim Long"})
    fill_filer([receipt, report, permit])
    assert receipt.fields["applicant_name"] == "Công ty CP Kim Long"
    land = _named("phieu_tiep_nhan", {"applicant_name": "Trần Văn Bình"})
    fill_filer([land, report])  # one paper only: no agreement
    assert land.fields["applicant_name"] == "Trần Văn Bình"
