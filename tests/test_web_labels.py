"""Vietnamese words for sohoa's codes: every taxonomy type named, reasons translated, dates and
numbers in Vietnamese form."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ocr.taxonomy import DOC_TYPES
from sohoa.web import labels


def test_every_document_type_has_a_vietnamese_name():
    assert set(labels.DOC_TYPE_NAMES) == set(DOC_TYPES)
    assert labels.doc_type_name("giay_chung_nhan_qsdd") == "Giấy chứng nhận quyền sử dụng đất"


def test_quarantine_reasons_of_the_ingest_flow_in_vietnamese():
    cases = {
        "scan.pdf: empty file": "tệp rỗng",
        "scan.pdf: truncated PDF (no %%EOF at the end)": "PDF bị cắt cụt",
        "scan.bin: unsupported file type (a text file)": "không được hỗ trợ",
        "scan.png: unreadable image (Image size (10000000000 pixels) exceeds limit)": "quá lớn",
        "scan.pdf: encrypted PDF (password required)": "mật khẩu",
    }
    for reason, words in cases.items():
        assert words in labels.reason_vi(reason), reason
    assert "something new" in labels.reason_vi("something new")  # unknown: kept, not lost


def test_review_reasons_in_vietnamese():
    assert labels.review_reason_vi("type confidence 0.62 < 0.8") == (
        "chưa chắc loại tài liệu (độ tin cậy 62%)"
    )
    assert labels.review_reason_vi("missing citizen_id") == "thiếu trường Số CCCD"
    assert labels.review_reason_vi("dossier code invalid") == "mã hồ sơ không hợp lệ"
    assert (
        labels.review_reason_vi("citizen_id check: birth-year digits 04 do not fit birth year 2005")
        == "trường Số CCCD không khớp: hai số năm sinh 04 không hợp với năm sinh 2005"
    )
    assert labels.review_reason_vi("citizen_id check: province code 003 does not exist") == (
        "trường Số CCCD không khớp: mã tỉnh 003 không tồn tại"
    )
    assert labels.review_reason_vi("split confidence 0.61 < 0.7") == (
        "chưa chắc ranh giới tài liệu (độ tin cậy 61%)"
    )
    assert labels.review_reason_vi("3 fields not found") == "không tìm thấy 3 trường"
    assert labels.review_reason_vi("no listed type") == "loại tài liệu ngoài danh mục"
    assert labels.review_reason_vi("no sign of a start on page 7") == (
        "trang 7 không có dấu hiệu trang đầu tài liệu"
    )
    assert labels.review_reason_vi("same type as the doubted pages 5-6") == (
        "cùng loại với các trang 5-6 đang chờ kiểm tra (có thể là một tài liệu)"
    )


def test_dates_and_numbers_in_vietnamese_form():
    assert labels.fmt_date(date(2023, 10, 5)) == "05/10/2023"
    assert labels.fmt_date(datetime(2023, 10, 5, 17, 30, tzinfo=UTC)) == "06/10/2023 00:30"
    assert labels.fmt_number(1234567.5, 1) == "1.234.567,5"
    assert labels.fmt_percent(0.915) == "92%"
    assert labels.mask_ids("Số CCCD: 001099012345.") == "Số CCCD: ••••••••2345."
    assert labels.mask_ids("ho\u0302\u0300 so\u031b") == "hồ sơ"  # decomposed OCR text, composed
    assert labels.fmt_value("2023-11-10") == "10/11/2023"
    assert labels.fmt_value(2823.7) == "2.823,7" and labels.fmt_value(840000000) == "840.000.000"
