"""Values one dossier prints several times (the applicant's ID, the project, the certificate's
register number), and the readings of those values a damaged print leaves."""

import pytest

from ocr.fields import extract
from ocr.fields.consensus import shared_citizen_ids, shared_fields, shared_project, tokens_of, vote
from ocr.fields.text import DocText
from ocr.result import Document, Page

CARD_ID = "001085012345"  # synthetic: province 001, born 1985
OTHER_ID = "079190054321"


def _doc(doc_type: str, number: int, text: str) -> tuple[Document, DocText]:
    pages = [Page(number=number, text=text)]
    fields, details = extract(doc_type, pages)
    return Document(doc_type, [number], 0.9, fields, details), DocText.of(pages)


@pytest.mark.parametrize(
    ("printed", "book"),
    [
        ("CNS3953", "CN53953"),  # 5 read as S after the prefix
        ("C568347", "CS68347"),  # S read as 5 inside the prefix
        ("CNB2888", "CN82888"),
        ("CH$30804", "CH30804"),  # a pen stroke between prefix and digits
        ("CSZ71042", "CS71042"),  # a letter among six: a speck, not a sixth digit
        ("CHo7125", "CH07125"),
    ],
)
def test_register_number_read_through_look_alikes(printed, book):
    fields, _ = extract(
        "giay_chung_nhan_qsdd", [Page(number=1, text=f"Số vào sổ cấp GCN: {printed}")]
    )
    assert fields["gcn_book_number"] == book


def test_register_number_behind_a_label_too_damaged_to_match():
    text = "Số phát hành: CS 123456\n5ốvàcsổ cấp GCN: VP31512"
    fields, _ = extract("don_dang_ky_bien_dong", [Page(number=1, text=text)])
    assert fields["gcn_book_number"] == "VP31512" and fields["gcn_serial"] == "CS 123456"
    fields, _ = extract("don_dang_ky_bien_dong", [Page(number=1, text="Số phát hành: CS 123456")])
    assert "gcn_book_number" not in fields  # the serial's line is no register number


def test_register_number_unread_where_the_certificate_is_cited_comes_from_the_others():
    form = _doc("don_dang_ky_bien_dong", 1, "Số phát hành: CS 123456\nSố vào sổ cấp GCN: CH30804")
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Số phát hành: CS 123456\nSố vào sổ cấp GCN-")
    cited = _doc("giay_chung_nhan_qsdd", 3, "Số phát hành: CS 123456\nSố vào sổ cấp GCN: C/7")
    result = _doc("giay_chung_nhan_qsdd", 4, "Số phát hành: CS 654321\nSố vào sổ cấp GCN-")
    shared_fields([form, contract, cited, result])
    assert contract[0].fields["gcn_book_number"] == "CH30804"
    assert cited[0].fields["gcn_book_number"] == "CH30804"  # the certificate they cite
    assert "gcn_book_number" not in result[0].fields  # a new certificate gets its own number


def test_a_malformed_register_number_takes_the_close_well_formed_one():
    form = _doc("don_dang_ky_bien_dong", 1, "Số vào sổ cấp GCN: CH30804")
    contract = _doc("hop_dong_chuyen_nhuong", 2, "Số vào sổ cấp GCN: C/30804")
    shared_fields([form, contract])
    assert contract[0].fields["gcn_book_number"] == "CH30804"


def test_project_name_the_places_of_a_document_agree_on():
    text = (
        "1. Tên dự án đầu tư, cơ sở: Nhà m4y chế biến gỗ xuất kh4u Vân Nội\n"
        "Điều 1. Cấp phép cho Công ty TNHH An Khang, được thực hiện các hoạt động bảo vệ môi "
        "trường của Nhà máy chế biến gỗ xuất khẩu Vân Nội.\n"
        "Phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của Nhà máy chế biến "
        "gỗ xuất khẩu Vân Nội (sau đây gọi là Dự án) của Công ty TNHH An Khang (sau đây gọi là "
        "Chủ dự án)"
    )
    fields, _ = extract("giay_phep_moi_truong", [Page(number=1, text=text)])
    assert fields["project_name"] == "Nhà máy chế biến gỗ xuất khẩu Vân Nội"


def test_project_name_cited_in_a_decision_only():
    text = (
        "Điều 1. Phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trườngcủa Nhà\n"
        "máy sản xuất gạch không nung Nghi Phú (sau đây gọi là Dự án) của Công ty TNHH\n"
        "Việt Hưng (sau đây gọi là Chủ dự án) thực hiện tại xã Nghi Phú."
    )
    fields, _ = extract("quyet_dinh", [Page(number=1, text=text)])
    assert fields["project_name"] == "Nhà máy sản xuất gạch không nung Nghi Phú"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        (
            "1.1. Tên dự án: Nhà máy xử lý nước thải Trâu Quỳ ~ '",
            "Nhà máy xử lý nước thải Trâu Quỳ",
        ),
        ("1. Tên cơ sở: Nhà máy) sản xuất thức ăn chăn nuôi", "Nhà máy sản xuất thức ăn chăn nuôi"),
    ],
)
def test_specks_around_a_project_name(line, name):
    fields, _ = extract("dang_ky_moi_truong", [Page(number=1, text=line)])
    assert fields["project_name"] == name


def test_a_sentence_after_du_an_is_no_project_name():
    text = "Tải lượng khoảng 5 kg/ngày của dự án. Mức độ tác động được đánh giá là nhỏ"
    fields, _ = extract("bao_cao_dtm", [Page(number=1, text=text)])
    assert "project_name" not in fields


def test_project_name_unread_is_the_dossier_project_when_its_label_is_printed():
    report = _doc("bao_cao_dtm", 1, "1.1. Tên dự án: Cụm công nghiệp Dịch Vọng")
    decision = _doc("quyet_dinh", 2, "Về việc phê duyệt kết quả thẩm định báo cáo đánh giá tác "
                    "động\nmôi trường của Cụm công nghiệp Dịch Vọng")  # fmt: skip
    form = _doc("dang_ky_moi_truong", 3, "1. Tên cơ sở: ~~ ..\n2. Chủ cơ sở: Công ty TNHH A")
    letter = _doc("giay_phep_moi_truong", 4, "Kính gửi: Sở Tài nguyên và Môi trường")
    assert "project_name" not in form[0].fields
    shared_project([report, decision, form, letter])
    assert form[0].fields["project_name"] == "Cụm công nghiệp Dịch Vọng"
    assert form[0].field_details["project_name"]["from_dossier"] == 2
    assert "project_name" not in letter[0].fields  # neither label nor name printed on it


def test_citizen_id_misread_is_the_close_id_printed_elsewhere():
    card = _doc("can_cuoc", 1, f"CĂN CƯỚC CÔNG DÂN\nSố: {CARD_ID}")
    other = _doc("giay_chung_nhan_qsdd", 2, f"CCCD số: {OTHER_ID}")
    receipt = _doc("phieu_tiep_nhan", 3, "Số CCCD: 0010850l234")  # a digit lost
    assert "citizen_id" not in receipt[0].fields
    shared_citizen_ids([card, other, receipt])
    assert receipt[0].fields["citizen_id"] == CARD_ID


def test_citizen_id_unreadable_is_the_one_paired_with_the_same_name():
    card = _doc("can_cuoc", 1, f"CĂN CƯỚC CÔNG DÂN\nSố: {CARD_ID}\nHọ và tên: NGUYỄN VĂN AN")
    other = _doc("giay_chung_nhan_qsdd", 2, f"Ông: Trần Văn Bình\nCCCD số: {OTHER_ID}")
    receipt = _doc("phieu_tiep_nhan", 3, "Tiếp nhận hồ sơ của: Nguyễn Văn An\nSố CCCD: 0&7")
    shared_citizen_ids([card, other, receipt])
    assert receipt[0].fields["citizen_id"] == CARD_ID


def test_citizen_id_unreadable_is_the_applicants_when_its_label_is_printed():
    form = _doc("don_dang_ky_dat_dai", 1, f"Số CCCD: {CARD_ID}")
    card = _doc("can_cuoc", 2, f"CĂN CƯỚC CÔNG DÂN\nSố: {CARD_ID}")
    contract = _doc("giay_chung_nhan_qsdd", 3, f"CCCD số: {OTHER_ID}")
    receipt = _doc("phieu_tiep_nhan", 4, "Số CCCD-\nĐịa chỉ: Số 3, phố Huế")
    unlabelled = _doc("phieu_tiep_nhan", 5, "Địa chỉ: Số 3, phố Huế")
    shared_citizen_ids([form, card, contract, receipt, unlabelled])
    assert receipt[0].fields["citizen_id"] == CARD_ID  # two documents' main party against one
    assert "citizen_id" not in unlabelled[0].fields


def test_a_capital_read_small_inside_a_value_is_restored_by_the_prints():
    text = "Xưởng sản xuất bao bì nhựa Vân Nội\nXưởng sản xuất bao bì nhựa Vân Nội\nxưởng sản xuất"
    assert vote("Xưởng sản xuất bao bì nhựa vân Nội", tokens_of(text))[0].endswith("Vân Nội")


def test_an_id_read_once_a_slip_from_one_printed_twice_is_that_one():
    misread = CARD_ID[:7] + "9" + CARD_ID[8:]
    form = _doc("don_dang_ky_dat_dai", 1, f"Số CCCD: {CARD_ID}")
    card = _doc("can_cuoc", 2, f"CĂN CƯỚC CÔNG DÂN\nSố: {CARD_ID}")
    cert = _doc("giay_chung_nhan_qsdd", 3, f"CCCD số: {misread}")
    other = _doc("to_khai_thue", 4, f"Mã số thuế/Số CCCD: {OTHER_ID}")
    shared_citizen_ids([form, card, cert, other])
    assert cert[0].fields["citizen_id"] == CARD_ID
    assert cert[0].field_details["citizen_id"]["read"] == misread
    assert other[0].fields["citizen_id"] == OTHER_ID  # another person's number stays


def test_the_dossiers_only_id_is_the_applicants_on_an_unreadable_receipt():
    card = _doc("can_cuoc", 1, f"CĂN CƯỚC CÔNG DÂN\nSố: {CARD_ID}")
    receipt = _doc("phieu_tiep_nhan", 2, "Số CCCD-\nĐịa chỉ: Số 3, phố Huế")
    shared_citizen_ids([card, receipt])
    assert receipt[0].fields["citizen_id"] == CARD_ID
    tied = _doc("giay_chung_nhan_qsdd", 3, f"CCCD số: {OTHER_ID}")
    receipt = _doc("phieu_tiep_nhan", 4, "Số CCCD-\nĐịa chỉ: Số 3, phố Huế")
    shared_citizen_ids([card, tied, receipt])
    assert "citizen_id" not in receipt[0].fields  # one document each: nobody is the applicant


def test_project_owner_is_the_body_the_dossier_agrees_on_where_it_is_printed():
    receipt = _doc("phieu_tiep_nhan", 1, "Tiếp nhận hồ sơ của: Công ty CP Kim Long")
    decision = _doc("quyet_dinh", 2, "Chủ dự án: Công ty CP Kim Long")
    report = _doc("bao_cao_dtm", 3, "Chủ dự án: Công ty CP Kim Lonq")
    form = _doc("dang_ky_moi_truong", 4, "Ch~ cơ s| ..\nCông ty CP Kim Long xin đăng ký")
    letter = _doc("giay_phep_moi_truong", 5, "Kính gửi: Sở Tài nguyên và Môi trường")
    assert form[0].fields["project_owner"] == "Công ty CP Kim Long xin đăng ký"  # label lost
    shared_project([receipt, decision, report, form, letter])
    assert report[0].fields["project_owner"] == "Công ty CP Kim Long"
    assert report[0].field_details["project_owner"]["read"] == "Công ty CP Kim Lonq"
    assert form[0].fields["project_owner"] == "Công ty CP Kim Long"
    assert form[0].field_details["project_owner"]["from_dossier"] == 2
    assert "project_owner" not in letter[0].fields  # the name is not printed on it


def test_project_owner_in_capitals_is_the_name_the_dossier_writes():
    receipt = _doc("phieu_tiep_nhan", 1, "Tiếp nhận hồ sơ của: Công ty CP Kim Long")
    decision = _doc("quyet_dinh", 2, "Chủ dự án: CÔNG TY CP KIM LONG")
    cover = _doc("bao_cao_dtm", 3, "CHỦ DỰ ÁN\nCÔNG TY CP KIM LONG BÁO CÁO ĐÁNH GIÁ")  # the title
    shared_project([receipt, decision, cover])  # read on: two prints of the name outvote it
    assert cover[0].fields["project_owner"] == "Công ty CP Kim Long"


def test_a_party_id_not_read_is_the_one_the_dossier_pairs_with_the_party_name():
    cert = _doc("giay_chung_nhan_qsdd", 1, f"Ông: Phan Quang Thìn\nCCCD số: {CARD_ID}")
    buyer = _doc("don_dang_ky_bien_dong", 2, f"Họ và tên: Trần Văn Bình\nSố CCCD: {OTHER_ID}")
    contract = _doc(
        "hop_dong_chuyen_nhuong", 3,
        "BÊN CHUYỂN NHƯỢNG (Bên A):\nÔng: Phan Quang Thjn\nSinh ngày: 17/06/1982 Số 27006866\n"
        "BÊN NHẬN CHUYỂN NHƯỢNG (Bên B):\nÔng: Trần Văn Bình\nSố CCCD: 0791900!4",
    )  # fmt: skip
    assert "transferor_citizen_id" not in contract[0].fields
    shared_citizen_ids([cert, buyer, contract])
    assert contract[0].fields["transferor_citizen_id"] == CARD_ID
    assert contract[0].fields["citizen_id"] == CARD_ID
    assert contract[0].fields["transferee_citizen_id"] == OTHER_ID
