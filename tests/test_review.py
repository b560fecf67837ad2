"""`sohoa review`: staff corrections are normalised like extracted values, keep the document's
derived state (is_result, the dossier's result fact, indexed columns, reuse links) current, and
an invalid value changes nothing."""

from __future__ import annotations

import pytest

from ocr.fields.normalise import normalise


@pytest.mark.parametrize(
    "key, text, expected",
    [
        ("area_m2", "1.234,5", 1234.5),
        ("area_m2", "120,5 m²", 120.5),
        ("area_m2", "85", 85.0),
        ("price_vnd", "1.250.000.000 đồng", 1_250_000_000),
        ("price_vnd", "950000000", 950_000_000),
        ("citizen_id", "001085012345", "001085012345"),
        ("citizen_id", "001 085 012 345", "001085012345"),
        ("transferee_citizen_id", "0010850l2345", "001085012345"),  # l read for 1
        ("issue_date", "15/10/2023", "2023-10-15"),
        ("issue_date", "5/3/2024", "2024-03-05"),
        ("expiry_date", "2031-01-09", "2031-01-09"),
        ("date_of_birth", "ngày 02 tháng 9 năm 1985", "1985-09-02"),
        ("gcn_serial", "cs123456", "CS 123456"),
        ("gcn_serial", "AA  01695788", "AA 01695788"),
        ("gcn_book_number", "CS 51186", "CS51186"),
        ("parcel_number", "012", "12"),
        ("parcel_number", "Số: 12a", "12a"),
        ("map_sheet", "4", "4"),
        ("document_number", "123 / qd-ubnd", "123/QĐ-UBND"),
        ("form_number", "Mẫu số 04a/dk", "04a/ĐK"),
        ("dossier_code", "000.00.24.h18-231015-0042", "000.00.24.H18-231015-0042"),
        ("office_code", "h44.45", "H44.45"),
        ("sex", "nữ", "Nữ"),
        ("sex", "NAM", "Nam"),
        ("owner_name", "  Nguyễn   Văn\tAn ", "Nguyễn Văn An"),
        ("full_name", "NGUYE\u0302\u0303N THI\u0323 HOA", "NGUYỄN THỊ HOA"),  # NFD → NFC
        ("ghi_chu", "một  ghi\n chú", "một ghi chú"),  # a key the taxonomy does not list
        ("citizen_id", "   ", None),  # blank: remove the key
    ],
)
def test_normalise(key, text, expected):
    value = normalise(key, text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "key, text, reason",
    [
        ("citizen_id", "123", "12 digits"),
        ("citizen_id", "0010850123456", "12 digits"),
        ("agent_citizen_id", "000085012345", "province code"),
        ("area_m2", "abc", "area"),
        ("area_m2", "12,3,4", "area"),
        ("area_m2", "0", "more than 0"),
        ("price_vnd", "1,5", "whole number"),
        ("issue_date", "31/02/2023", "date"),
        ("issue_date", "2023-02-30", "date"),
        ("issue_date", "15/10/23", "date"),
        ("received_date", "15/10/2023 sáng", "date"),
        ("gcn_serial", "C 12345", "serial"),
        ("gcn_book_number", "12345", "register number"),
        ("parcel_number", "2 12", "parcel"),
        ("map_sheet", "123456", "map sheet"),
        ("document_number", "QĐ-UBND", "document number"),
        ("form_number", "xyz", "form number"),
        ("dossier_code", "000.00.24.H18-231345-0042", "dossier code"),  # month 13
        ("office_code", "H4", "office code"),
        ("sex", "x", "Nam or Nữ"),
    ],
)
def test_normalise_refuses_invalid_values(key, text, reason):
    with pytest.raises(ValueError, match=reason):
        normalise(key, text)
