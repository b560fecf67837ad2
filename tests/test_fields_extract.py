"""Field extraction on whole documents: printed lines, OCR-like noise, multi-page documents,
and every field of the generator's documents on clean text."""

import pytest

from ocr.fields import KEY_FIELDS, extract
from ocr.result import Page, Word

RECEIPT = """ỦY BAN NHÂN DÂN
HUYỆN ĐÔNG ANH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đông Anh, ngày 15 tháng 10 năm 2023
GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: 000.00.07.H26-231015-0042
Tiếp nhận hồ sơ của: Nguyễn Văn An
Số CCCD: 001085012345
4. Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 15/10/2023
5. Thời gian trả kết quả giải quyết hồ sơ: ngày 27/11/2023"""


def test_receipt_fields():
    fields, details = extract("phieu_tiep_nhan", [Page(number=1, text=RECEIPT)])
    assert fields == {
        "dossier_code": "000.00.07.H26-231015-0042",
        "office_code": "000.00.07.H26",
        "received_date": "2023-10-15",
        "appointment_date": "2023-11-27",
        "applicant_name": "Nguyễn Văn An",
        "citizen_id": "001085012345",
        "issue_date": "2023-10-15",
    }
    assert details["dossier_code"]["page"] == 1


def test_receipt_code_from_qr_when_the_text_is_unreadable():
    text = RECEIPT.replace("000.00.07.H26-231015-0042", "0O0.#@.07-H2G")
    fields, details = extract(
        "phieu_tiep_nhan", [Page(number=3, text=text)], ["000.00.07.H26-231015-0042"]
    )
    assert fields["dossier_code"] == "000.00.07.H26-231015-0042"
    assert details["dossier_code"] == {
        "page": 3,
        "confidence": 1.0,
        "raw": "000.00.07.H26-231015-0042",
    }


CONTRACT_P1 = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT
Hôm nay, ngày 07 tháng 10 năm 2023, tại Văn phòng công chứng Số 1, chúng
tôi gồm có:
BÊN CHUYỂN NHƯỢNG (Bên A):
Bà: Nguyễn Thúy Thủy
Sinh ngày: 13/06/1975 Số CCCD: 011175270506
BÊN NHẬN CHUYỂN NHƯỢNG (Bên B):
Ông: Phan Đức Hoàng
Sinh ngày: 11/08/1969 Số CCCD: 011069839221"""
CONTRACT_P2 = """Số phát hành: CX 521522
Số vào sổ cấp GCN: CS67849
Thửa đất số: 1335 Tờ bản đồ số: 69
Diện tích: 1.054,5 m²
Giá chuyển nhượng quyền sử dụng đất nêu tại Điều 1 là: 1.250.000.000
đồng (Bằng chữ: Một tỷ hai trăm năm mươi triệu đồng)."""


def test_contract_fields_come_from_all_pages_with_their_page():
    pages = [Page(number=4, text=CONTRACT_P1), Page(number=5, text=CONTRACT_P2)]
    fields, details = extract("hop_dong_chuyen_nhuong", pages)
    assert fields["transferor_name"] == "Nguyễn Thúy Thủy"
    assert fields["transferor_citizen_id"] == "011175270506"
    assert fields["transferee_name"] == "Phan Đức Hoàng"
    assert fields["transferee_citizen_id"] == "011069839221"
    assert fields["citizen_id"] == "011175270506"
    assert fields["issue_date"] == "2023-10-07"
    assert fields["gcn_serial"] == "CX 521522" and fields["gcn_book_number"] == "CS67849"
    assert (fields["parcel_number"], fields["map_sheet"]) == ("1335", "69")
    assert fields["area_m2"] == 1054.5
    assert fields["price_vnd"] == 1250000000
    assert details["transferor_name"]["page"] == 4 and details["price_vnd"]["page"] == 5


def test_ocr_noise_in_labels_and_values():
    noisy = """Mau so 04a/DK
CONG HOA XA HOI CHU NGHIA VIET NAM
DON DANG KY DAT DAI, TAI SAN GAN LIEN VOI DAT
Ho va tën: Lê Văn Hùng
Nam sinh: 1980 So CCCD: O01O85O12345
Tbüa dat sô: l2   Tờ bàn đồ sô: 4
Diên tích: 1.2O4,5 m2
Đông Anh, ngay 5 thang 3 nam 2024"""
    fields, details = extract("don_dang_ky_dat_dai", [Page(number=1, text=noisy)])
    assert fields["form_number"] == "04a/ĐK"
    assert fields["citizen_id"] == "001085012345"
    assert fields["parcel_number"] == "12" and fields["map_sheet"] == "4"
    assert fields["area_m2"] == 1204.5
    assert fields["issue_date"] == "2024-03-05"
    assert fields["applicant_name"] == "Lê Văn Hùng"
    assert details["parcel_number"]["confidence"] < 1.0  # fuzzy label match


def test_confidence_uses_word_confidences():
    text = "Thửa đất số: 12\nTờ bản đồ số: 4"
    words = [Word("12", 0.35, (0, 0, 1, 1)), Word("4", 0.95, (0, 0, 1, 1))]
    page = Page(number=1, text=text, words=words, mean_confidence=0.9)
    _, details = extract("trich_luc_ban_do", [page])
    assert details["parcel_number"]["confidence"] == 0.35
    assert details["map_sheet"]["confidence"] == 0.95


def test_decision_subject_and_number():
    text = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN
Số: 2486/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Nghệ An, ngày 01 tháng 7 năm 2022
QUYẾT ĐỊNH
Về việc phê duyệt kết quả thẩm định báo cáo đánh giá tác động
môi trường của Nhà máy gạch Nghi Long
ỦY BAN NHÂN DÂN TỈNH NGHỆ AN
Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;"""
    fields, _ = extract("quyet_dinh", [Page(number=1, text=text)])
    assert fields["document_number"] == "2486/QĐ-UBND"
    assert fields["issue_date"] == "2022-07-01"
    assert fields["subject"] == (
        "phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường "
        "của Nhà máy gạch Nghi Long"
    )
    assert fields["project_name"] == "Nhà máy gạch Nghi Long"


def test_every_generated_field_on_clean_text():
    """All TAXONOMY fields the generator prints are read back exactly from clean text."""
    from samples.content import iter_documents

    misses = []
    for doc in iter_documents(seed=21, n=70):
        pages = [
            Page(number=i + 1, text=p.text, qr_codes=list(p.qr_codes))
            for i, p in enumerate(doc.pages)
        ]
        qr = [q for p in pages for q in p.qr_codes]
        fields, details = extract(doc.doc_type, pages, qr)
        for key, value in doc.fields.items():
            if fields.get(key) != value:
                misses.append((doc.doc_type, doc.variant, key, value, fields.get(key)))
        assert set(details) == set(fields)
        assert not [d["problems"] for d in details.values() if "problems" in d]
        assert all(k in fields for k in KEY_FIELDS[doc.doc_type] if k in doc.fields)
    assert misses == []


def test_receipt_code_checked_against_its_reception_date_and_sequence():
    """Month 19 is no date: the receipt's reception date (15/10/2023) repairs the code."""
    text = RECEIPT.replace("231015-0042", "231915-0042")
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["dossier_code"] == "000.00.07.H26-231015-0042"


POWER = """GIẤY ỦY QUYỀN
Bên ủy quyền (Bên A):
Ônq:Nguyễn Công Khải
Sinh ngày: 31/08/1998 Số CCCD: 040098194813
Bên được ủy qvyền (Bên 8):
Bà: Lê Khánh Nga
Sinh ngày:04/01/1996 So CCCD: 040196302467"""


def test_power_of_attorney_parties_behind_damaged_headings_and_titles():
    fields, _ = extract("giay_uy_quyen", [Page(number=1, text=POWER)])
    assert fields["principal_name"] == "Nguyễn Công Khải"
    assert fields["principal_citizen_id"] == "040098194813"
    assert fields["agent_name"] == "Lê Khánh Nga"
    assert fields["agent_citizen_id"] == "040196302467"


def test_id_card_sex_and_birth_date_behind_damaged_labels():
    text = "CĂN CƯỚC CÔNG DÂN\nSố: 001204012345\nNgày sirih: 30/05/2004 Giới tínli: Nom"
    fields, _ = extract("can_cuoc", [Page(number=1, text=text)])
    assert fields["date_of_birth"] == "2004-05-30" and fields["sex"] == "Nam"


def test_permit_expiry_when_den_is_misread():
    text = (
        "Điều 3. Thời hạn của giấy phép: 10 năm, kể từ ngày 13 tháng 3 năm 2021 dẻh ngày\n"
        "13 tháng 3 hăm 2031."
    )
    fields, _ = extract("giay_phep_moi_truong", [Page(number=1, text=text)])
    assert fields["expiry_date"] == "2031-03-13"


@pytest.mark.parametrize(
    "printed",
    [
        "2. Chủ cơ sở; Công ty TNHH Bình Minh",  # ; read for :
        "Xét Văn bản đề nghị cấp giấy phép môi trường eũa Công ty TNHH Bình Minh;",
        "của Nhà máy X (sau đây gọi là Dự án) của Công ty TNHH Bình Minh (sa u đây gọi là Chủ)",
    ],
)
def test_project_owner_behind_damaged_labels(printed):
    fields, _ = extract("giay_phep_moi_truong", [Page(number=1, text=printed)])
    assert fields["project_owner"] == "Công ty TNHH Bình Minh"


def test_application_filer_from_the_signature_when_the_name_line_is_lost():
    text = (
        "ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT\nPHẦN II. NGƯỜI SỬ DỤNG ĐẤT\n"
        "Số CCCD: 001176608683\nNgười viết đơn cam đoan nội dung kê khai là đúng sự thật.\n"
        "Uy Nỗ, ngày 31 tháng 12 năm 2023\nNGƯỜI VIẾT ĐƠN\n° ị «\n(Ký, ghi rõ họ tên)\n"
        "Bùi Diệu Thảo"
    )
    fields, details = extract("don_dang_ky_dat_dai", [Page(number=1, text=text)])
    assert fields["applicant_name"] == "Bùi Diệu Thảo"
    assert details["applicant_name"]["confidence"] < 1.0


CARD = "CĂN CƯỚC CÔNG DÂN\nSố: {id}\nNgày sinh: 30/05/{year} Giới tính: {sex}"


def test_the_card_id_fits_its_birth_date_and_sex():
    text = CARD.format(id="001204012345", year=2004, sex="Nam")
    fields, details = extract("can_cuoc", [Page(number=1, text=text)])
    assert fields["citizen_id"] == "001204012345" and "problems" not in details["citizen_id"]


@pytest.mark.parametrize(
    ("cccd", "year", "sex", "says"),
    [
        ("001204012345", 2005, "Nam", "birth-year digits 04"),  # a year digit misread
        ("001204012345", 1904, "Nam", "century digit 2"),
        ("001304012345", 2004, "Nam", "sex digit 3"),
        ("003204012345", 2004, "Nam", "province code 003"),
    ],
)
def test_an_id_that_contradicts_the_card_goes_to_review(cccd, year, sex, says):
    from ocr.understand import understand

    text = CARD.format(id=cccd, year=year, sex=sex)
    fields, details = extract("can_cuoc", [Page(number=1, text=text)])
    assert fields["citizen_id"] == cccd
    assert [p for p in details["citizen_id"]["problems"] if says in p]
    doc = understand([Page(number=1, text=text)], rules_only=True).documents[0]
    assert doc.doc_type == "can_cuoc" and doc.needs_review
    assert any(r.startswith("citizen_id check:") and says in r for r in doc.review_reasons)
    assert not any(cccd in r for r in doc.review_reasons)


def test_a_party_id_with_no_such_province_goes_to_review():
    text = POWER.replace("040098", "041098")
    fields, details = extract("giay_uy_quyen", [Page(number=1, text=text)])
    assert fields["principal_citizen_id"] == "041098194813"
    assert "province code 041" in details["principal_citizen_id"]["problems"][0]
    assert "problems" not in details["agent_citizen_id"]


def test_birth_date_is_not_the_card_issue_date():
    text = "CHỨNG MINH NHÂN DÂN\nSố: 001192012345\nNgày, tháng, năm: 13/04/2018"
    fields, _ = extract("can_cuoc", [Page(number=1, text=text)])
    assert "date_of_birth" not in fields and fields["issue_date"] == "2018-04-13"


def test_parcel_number_is_not_the_house_number_of_the_parcel_address():
    text = "Địa chỉ thửa dấf: Số 223, đường Trường Chinh, phường Bến Thủy"
    fields, _ = extract("trich_luc_ban_do", [Page(number=1, text=text)])
    assert "parcel_number" not in fields


GIFT = """HỢP ĐỒNG TẶNG CHO QUYỀN SỬ DỤNG ĐẤT
BÊN TẶNG CHO (Bên A):
Bà: Lường Thu Chi
Sinh ngày: 27/06/1990 Số CCCO: 0341906l5889
Và chồng là ông: Nguyễn Minh Dũng
Sinh ngày: 27/12/1956 Số CCCD: 079056439344
BÊN ĐƯỢC TẶNG CHO (Bên B):
Ông: Phạm Văn Bình
Sinh ngày: 25/04/1951 Số CCCD: 079051619091"""


def test_party_id_behind_a_damaged_label_is_not_the_spouses():
    fields, _ = extract("hop_dong_chuyen_nhuong", [Page(number=1, text=GIFT)])
    assert fields["transferor_citizen_id"] == "034190615889"
    assert fields["transferee_citizen_id"] == "079051619091"


def test_the_spouses_id_is_never_the_partys_when_the_partys_line_is_lost():
    lost = GIFT.replace("Sinh ngày: 27/06/1990 Số CCCO: 0341906l5889\n", "")
    fields, _ = extract("hop_dong_chuyen_nhuong", [Page(number=1, text=lost)])
    assert "transferor_citizen_id" not in fields
    assert fields["transferee_citizen_id"] == "079051619091"


def test_receipt_applicant_after_a_semicolon_read_for_the_colon():
    text = RECEIPT.replace(
        "Tiếp nhận hồ sơ của: Nguyễn Văn An", "Tiếp nhận hồ sơ của;Công ty CP Hoàng Long"
    )
    text += "\nNGƯỜI NỘP HỒ SƠ\n(Ký và ghi rõ họ tên)\nNguyễn Công Khải"
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["applicant_name"] == "Công ty CP Hoàng Long"  # not the signer


def test_a_name_wrapped_before_its_last_letter_keeps_it():
    """ "Vĩnh Lộc A" wrapped after "Lộc": the lone capital on the next line is the name's tail,
    not a heading in capitals."""
    decision = """QUYẾT ĐỊNH
Về việc phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của Cơ sở giết
mổ gia súc, gia cầm tập trung Vĩnh Lộc
A
ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"""
    fields, _ = extract("quyet_dinh", [Page(number=1, text=decision)])
    assert fields["project_name"] == "Cơ sở giết mổ gia súc, gia cầm tập trung Vĩnh Lộc A"
    report = """BÁO CÁO ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG
của Dự án: Cơ sở giết mổ gia súc, gia cầm tập trung Vĩnh Lộc
A
Chủ dự án: Công ty Cổ phần Bình Minh"""
    fields, _ = extract("bao_cao_dtm", [Page(number=1, text=report)])
    assert fields["project_name"] == "Cơ sở giết mổ gia súc, gia cầm tập trung Vĩnh Lộc A"
    assert fields["project_owner"] == "Công ty Cổ phần Bình Minh"


def test_receipt_applicant_stops_at_the_next_line_read_onto_its_own():
    merged = RECEIPT.replace(
        "Tiếp nhận hồ sơ của: Nguyễn Văn An",
        "Tiếp nhận hồ sơ của: Công ty CP Hưng Thịnh Địa chỉ: ấp Thượng, xã Tân Kiên",
    )
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=merged)])
    assert fields["applicant_name"] == "Công ty CP Hưng Thịnh"
    merged = RECEIPT.replace(
        "Tiếp nhận hồ sơ của: Nguyễn Văn An",
        "Tiếp nhận hồ sơ của: Lê Thu Uyên Bộ phận tiếp nhận và trả kết quả Văn phòng",
    )
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=merged)])
    assert fields["applicant_name"] == "Lê Thu Uyên"


def _receipt(appointment_line: str, days: str = "15 ngày làm việc") -> str:
    lines = RECEIPT.splitlines()[:-1] + [
        f"3. Thời gian giải quyết hồ sơ theo quy định là: {days}",
        appointment_line,
    ]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("line", "due"),
    [
        ("5. Thòigían trakếf quả giải quyết  bồ so: ngày 03/11/2023", "2023-11-03"),  # fuzzy label
        ("5. Thời gian trả kết quả giải quyết hồ sơ- ˆ 23⁄ 11/2023", "2023-11-03"),  # 03 read 23
        ("5. Thời gian trả kết quả giải quyết hồ sơ: 03⁄71⁄2023", "2023-11-03"),  # no such date
        ("", "2023-11-03"),  # the line lost: reception (Sunday 15/10/2023) + 15 working days
        ("5. Thời gian trả kết quả giải quyết hồ sơ: ngày 08/11/2023", "2023-11-08"),  # holidays
    ],
)
def test_receipt_appointment_checked_against_the_printed_time_limit(line, due):
    fields, details = extract("phieu_tiep_nhan", [Page(number=1, text=_receipt(line))])
    assert fields["appointment_date"] == due
    read = "ngày" in line  # a plausible reading is kept as read; a computed date is less sure
    assert (details["appointment_date"]["confidence"] < 0.9) != read


def test_no_appointment_without_a_reading_or_a_time_limit():
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=_receipt("", days="theo luật"))])
    assert "appointment_date" not in fields


def test_receipt_applicant_from_the_signature_when_the_hand_written_name_is_lost():
    text = RECEIPT.replace("Nguyễn Văn An", ". Hương") + (
        "\nNGƯỜI NỘP HỒ SƠ __ NGƯỜI TIẾP NHẬN HỒ SƠ\n(Ký và ghi rõ họ tên) (Ký và ghi rõ họ tên)"
        "\nLê Hồng Hương Nguyễn Kim Hường"
    )
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["applicant_name"] == "Lê Hồng Hương"
    text = text.replace(". Hương", "Trần? Hữu Huy")  # a flourish read as a mark: still a name
    assert extract("phieu_tiep_nhan", [Page(number=1, text=text)])[0]["applicant_name"] == (
        "Trần Hữu Huy"
    )


def test_a_company_applicant_is_not_replaced_by_its_representative():
    text = RECEIPT.replace("Nguyễn Văn An", "Côrig ty TNHH MTV Hưng Thịnh") + (
        "\nNGƯỜI NỘP HỒ SƠ\n(Ký và ghi rõ họ tên)\nNguyễn Công Khải"
    )
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["applicant_name"] == "Côrig ty TNHH MTV Hưng Thịnh"


@pytest.mark.parametrize(
    ("read", "name"),
    [("Đăng Xuân Sơn", "Đặng Xuân Sơn"), ("NGUYÊN THỊ MAI", "NGUYỄN THỊ MAI"),
     ("Lô Văn Hùng", "Lô Văn Hùng"), ("Đoàn Văn Bình", "Đoàn Văn Bình")],
)  # fmt: skip
def test_a_family_name_read_with_other_marks_is_repaired(read, name):
    """Only towards a common family name, and never a family name of its own (Lô, Đoàn)."""
    fields, _ = extract("can_cuoc", [Page(number=1, text=f"Họ và tên: {read}")])
    assert fields["full_name"] == name


def test_receipt_company_keeps_its_legal_form_through_a_misread_letter():
    text = RECEIPT.replace("Nguyễn Văn An", "Công ty INHH MTV Thái Bình Dương")
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["applicant_name"] == "Công ty TNHH MTV Thái Bình Dương"
    text = RECEIPT.replace("Nguyễn Văn An", "Công ty CP Minh Phát")  # nothing to repair
    assert extract("phieu_tiep_nhan", [Page(number=1, text=text)])[0]["applicant_name"] == (
        "Công ty CP Minh Phát"
    )


def test_a_name_with_one_word_in_capitals_is_written_in_title_case():
    text = "TỜ KHAI LỆ PHÍ TRƯỚC BẠ\nTên người nộp thuế: LÊ Diệu Hoa"
    fields, _ = extract("to_khai_thue", [Page(number=1, text=text)])
    assert fields["taxpayer_name"] == "Lê Diệu Hoa"


def test_the_filer_under_a_signature_read_as_marks():
    text = RECEIPT.replace("Nguyễn Văn An", "") + (
        "\nN GƯƠI NOP HỒ SƠ\n=\n(Ký và ghi rõ họ tên)\n«\nNguyễn Mai Anh\nNGUỜI TIẾP NHẬN HỒ SƠ"
    )
    fields, _ = extract("phieu_tiep_nhan", [Page(number=1, text=text)])
    assert fields["applicant_name"] == "Nguyễn Mai Anh"


def test_a_hand_written_name_cut_short_is_the_signers_read_whole():
    form = (
        "ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT\nHọ và tên: {name}\n"
        "NGƯỜI VIẾT ĐƠN\n(Ký, ghi rõ họ tên)\nLê Ngọc Tuyết"
    )
    for read, name in (("Lê Ngọc", "Lê Ngọc Tuyết"), ("Lê Văn", "Lê Văn")):  # another person
        fields, _ = extract("don_dang_ky_bien_dong", [Page(number=1, text=form.format(name=read))])
        assert fields["applicant_name"] == name
