"""Vietnamese words for what sohoa stores in codes: document types (the taxonomy's codes,
shared/domain/TAXONOMY.md), upload states, roles, field keys, quarantine reasons; dates as
dd/mm/yyyy and numbers with Vietnamese separators (1.234,5)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ocr.taxonomy import DOC_TYPES

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DOC_TYPE_NAMES = {
    "phieu_tiep_nhan": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "don_dang_ky_dat_dai": "Đơn đăng ký đất đai",
    "don_dang_ky_bien_dong": "Đơn đăng ký biến động đất đai",
    "giay_chung_nhan_qsdd": "Giấy chứng nhận quyền sử dụng đất",
    "hop_dong_chuyen_nhuong": "Hợp đồng chuyển nhượng quyền sử dụng đất",
    "trich_luc_ban_do": "Trích lục bản đồ địa chính",
    "to_khai_thue": "Tờ khai thuế, lệ phí trước bạ",
    "quyet_dinh": "Quyết định",
    "bao_cao_dtm": "Báo cáo đánh giá tác động môi trường",
    "giay_phep_moi_truong": "Giấy phép môi trường",
    "dang_ky_moi_truong": "Đăng ký môi trường",
    "can_cuoc": "Căn cước công dân",
    "giay_uy_quyen": "Giấy ủy quyền",
    "khac": "Tài liệu khác",
}
assert set(DOC_TYPE_NAMES) == set(DOC_TYPES), "every taxonomy type needs a Vietnamese name"

STATE_NAMES = {
    "queued": "Đang chờ",
    "reading": "Đang nhận dạng",
    "stored": "Đã lưu",
    "review": "Cần kiểm tra",
    "quarantined": "Bị cách ly",
    "duplicate": "Trùng, đã có",
    "failed": "Lỗi hệ thống",
}

ROLE_NAMES = {
    "counter": "Cán bộ một cửa",
    "reviewer": "Cán bộ kiểm tra",
    "manager": "Lãnh đạo",
    "admin": "Quản trị",
}

FIELD_NAMES = {
    "dossier_code": "Mã hồ sơ",
    "office_code": "Mã cơ quan",
    "received_date": "Ngày tiếp nhận",
    "appointment_date": "Ngày hẹn trả",
    "issue_date": "Ngày ban hành",
    "document_number": "Số văn bản",
    "form_number": "Mẫu số",
    "subject": "Trích yếu",
    "citizen_id": "Số CCCD",
    "applicant_name": "Người nộp",
    "owner_name": "Chủ sử dụng",
    "taxpayer_name": "Người nộp thuế",
    "full_name": "Họ và tên",
    "transferor_name": "Bên chuyển nhượng",
    "transferor_citizen_id": "CCCD bên chuyển nhượng",
    "transferee_name": "Bên nhận chuyển nhượng",
    "transferee_citizen_id": "CCCD bên nhận",
    "price_vnd": "Giá (đồng)",
    "principal_name": "Bên ủy quyền",
    "principal_citizen_id": "CCCD bên ủy quyền",
    "agent_name": "Bên được ủy quyền",
    "agent_citizen_id": "CCCD bên được ủy quyền",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "parcel_number": "Thửa đất số",
    "map_sheet": "Tờ bản đồ số",
    "area_m2": "Diện tích (m²)",
    "gcn_serial": "Số phát hành GCN",
    "gcn_register_number": "Số vào sổ cấp GCN",
    "procedure": "Thủ tục",
}

# Reasons the ingest flow gives (ocr.load, flows.scan), in the order they are tried.
_REASONS = [
    (r"empty file", "tệp rỗng (0 byte)"),
    (r"truncated PDF", "PDF bị cắt cụt (tải lên chưa hết)"),
    (r"named \.pdf but", "tên là .pdf nhưng nội dung không phải PDF"),
    (r"unsupported file type", "loại tệp không được hỗ trợ (chỉ nhận PDF, TIFF, JPEG, PNG)"),
    (r"encrypted PDF", "PDF có mật khẩu"),
    (r"corrupt PDF", "PDF bị hỏng"),
    (r"zero pages", "tệp không có trang nào"),
    (r"(?:exceeds|decompression bomb|pixels|Mpx limit)", "trang ảnh quá lớn"),
    (r"unreadable image", "ảnh hỏng, không đọc được"),
    (r"took over \d+ s to render", "trang quá lớn, không dựng được ảnh"),
    (r"cannot be rendered|rendered unreadably", "trang không dựng được ảnh"),
    (r"folder (?:holds no|without) page images", "thư mục không có ảnh trang"),
    (r"no such file", "không tìm thấy tệp"),
    (r"already stored", "tệp này đã được tải lên và lưu trước đó (trùng SHA-256)"),
]


def doc_type_name(code: str | None) -> str:
    return DOC_TYPE_NAMES.get(code or "khac", code or "")


def state_name(state: str) -> str:
    return STATE_NAMES.get(state, state)


def field_name(key: str) -> str:
    return FIELD_NAMES.get(key, key.replace("_", " "))


def reason_vi(reason: str | None) -> str:
    """A quarantine or failure reason in Vietnamese (the original English kept for staff who
    report it to IT, after the translation)."""
    if not reason:
        return ""
    for pattern, text in _REASONS:
        if re.search(pattern, reason, re.IGNORECASE):
            return text
    return f"không xử lý được ({reason[:200]})"


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (Vietnamese: dot for thousands, comma for decimals)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_percent(value: float | None) -> str:
    return "" if value is None else f"{fmt_number(value * 100, 0)}%"


def fmt_size(size: int) -> str:
    if size >= 1 << 20:
        return f"{fmt_number(size / (1 << 20), 1)} MB"
    return f"{fmt_number(size / 1024, 0)} KB"


_CITIZEN_ID = re.compile(r"(?<!\d)\d{8}(\d{4})(?!\d)")


def mask_ids(text: str | None) -> str:
    """12-digit citizen IDs in recognised text shown as ••••••••1234 (the last 4 digits); the
    text in composed form (NFC), so a monospace font draws no loose accents."""
    composed = unicodedata.normalize("NFC", text or "")
    return _CITIZEN_ID.sub(lambda m: "•" * 8 + m.group(1), composed)


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def fmt_value(value: object) -> str:
    """A field value for display: ISO dates as dd/mm/yyyy, numbers with Vietnamese separators."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return fmt_number(value)
    if isinstance(value, float):
        return fmt_number(value, 0 if value.is_integer() else 1)
    text = str(value)
    if m := _ISO_DATE.fullmatch(text):
        return f"{m[3]}/{m[2]}/{m[1]}"
    return unicodedata.normalize("NFC", text)


def _id_problem_vi(problem: str) -> str:
    """ocr.identifiers.cccd_problems' reasons, in Vietnamese."""
    if m := re.fullmatch(r"province code (\d+) does not exist", problem):
        return f"mã tỉnh {m[1]} không tồn tại"
    if m := re.fullmatch(r"century digit (\d) does not fit birth year (\d+)", problem):
        return f"chữ số thế kỷ {m[1]} không hợp với năm sinh {m[2]}"
    if m := re.fullmatch(r"birth-year digits (\d+) do not fit birth year (\d+)", problem):
        return f"hai số năm sinh {m[1]} không hợp với năm sinh {m[2]}"
    if m := re.fullmatch(r"sex digit (\d) does not fit sex (\w+)", problem):
        return f"chữ số giới tính {m[1]} không hợp với giới tính {m[2]}"
    if problem == "not 12 digits":
        return "không đủ 12 chữ số"
    return problem


def review_reason_vi(reason: str) -> str:
    """Why a document waits for review (ocr.understand's reasons), in Vietnamese."""
    if m := re.fullmatch(r"type confidence ([\d.]+) < ([\d.]+)", reason):
        return f"chưa chắc loại tài liệu (độ tin cậy {fmt_percent(float(m[1]))})"
    if m := re.fullmatch(r"split confidence ([\d.]+) < ([\d.]+)", reason):
        return f"chưa chắc ranh giới tài liệu (độ tin cậy {fmt_percent(float(m[1]))})"
    if m := re.fullmatch(r"(\d+) fields not found", reason):
        return f"không tìm thấy {m[1]} trường"
    if reason == "no listed type":
        return "loại tài liệu ngoài danh mục"
    if reason == "no type and no sign of a document's first page":
        return "không rõ loại tài liệu, không thấy trang đầu"
    if m := re.fullmatch(r"no sign of a start on page (\d+)", reason):
        return f"trang {m[1]} không có dấu hiệu trang đầu tài liệu"
    if m := re.fullmatch(r"same type as the doubted pages ([\d-]+)", reason):
        return f"cùng loại với các trang {m[1]} đang chờ kiểm tra (có thể là một tài liệu)"
    if m := re.fullmatch(r"(missing|low confidence) (\w+)", reason):
        what = "thiếu" if m[1] == "missing" else "chưa chắc"
        return f"{what} trường {field_name(m[2])}"
    if reason == "dossier code invalid":
        return "mã hồ sơ không hợp lệ"
    if m := re.fullmatch(r"unreadable page\(s\) (.+)", reason):
        return f"trang không đọc được: {m[1]}"
    if m := re.fullmatch(r"(\w+) check: (.+)", reason):
        return f"trường {field_name(m[1])} không khớp: {_id_problem_vi(m[2])}"
    if m := re.fullmatch(r"issue date (\S+) long after reception (\S+)", reason):
        return f"ngày ban hành {m[1]} sau ngày tiếp nhận {m[2]} quá xa"
    return reason
