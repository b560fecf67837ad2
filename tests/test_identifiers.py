from datetime import date

import pytest

from ocr.identifiers import (
    PROVINCE_CODES,
    cccd_problems,
    find_cccds,
    find_dossier_codes,
    find_serials,
    is_office_code,
    is_valid_cccd,
    mask_id,
    normalize_cccd,
    normalize_serial,
    office_code_of,
    parse_dossier_code,
)


def test_official_code_parses_into_parts():
    code = parse_dossier_code("000.00.24.H18-231015-0042")
    assert code is not None
    assert code.office_code == "000.00.24.H18"
    assert code.received_date == date(2023, 10, 15)
    assert code.sequence == "0042"


@pytest.mark.parametrize(
    ("text", "office", "day"),
    [
        ("G09.20-20260609-0092637", "G09.20", date(2026, 6, 9)),
        ("H44-231015-0001", "H44", date(2023, 10, 15)),
        ("H44.45-20231015-0000042", "H44.45", date(2023, 10, 15)),
        ("H29.100-240229-0007", "H29.100", date(2024, 2, 29)),
        ("000.46.24.H44-250101-9999", "000.46.24.H44", date(2025, 1, 1)),
    ],
)
def test_variants_and_short_office_codes(text, office, day):
    code = parse_dossier_code(text)
    assert code is not None and code.office_code == office and code.received_date == day
    assert office_code_of(text) == office


@pytest.mark.parametrize(
    "text",
    [
        "000.00.24.H18-231315-0042",  # month 13
        "000.00.24.H18-230230-0042",  # 30 February
        "000.00.24.H18-231015-42",  # sequence too short
        "00.00.24.H18-231015-0042",  # level-4 part too short
        "000.00.24.18-231015-0042",  # no level-1 letter
        "H44.45-19991015-0000042",  # 8-digit date outside 20xx
    ],
)
def test_invalid_codes_are_rejected(text):
    assert parse_dossier_code(text) is None
    assert find_dossier_codes(text) == []


@pytest.mark.parametrize(
    "noisy",
    [
        "Mã hồ sơ: OOO.0O.24.H18 - 231O15 - OO42",  # O for 0, spaces around dashes
        "Ma ho so: 000 . 00 . 24 . H18-231015-0042",  # spaces around dots
        "Mã hồ sơ:000.00.24.H18231015-0042",  # dash before the date lost
        "Mã hồ sơ: 000.00.24.H18 2310150042",  # both dashes lost
        "Mã hồ sơ: 000.00.24.Hl8-23lO15-0042",  # l for 1 in the office and date
        "Mã hồ sơ: 000.0024.H18-231015-0042",  # a dot lost
    ],
)
def test_finder_tolerates_ocr_noise(noisy):
    codes = find_dossier_codes(noisy)
    assert [c.code for c in codes] == ["000.00.24.H18-231015-0042"]


def test_finder_ignores_other_numbers_and_keeps_order():
    text = (
        "Số: 123/QĐ-UBND ngày 15/10/2023, ĐT 0912345678\n"
        "Mã hồ sơ: H44.45-20231015-0000042 (thay hồ sơ 000.00.24.H18-231015-0042)"
    )
    assert [c.code for c in find_dossier_codes(text)] == [
        "H44.45-20231015-0000042",
        "000.00.24.H18-231015-0042",
    ]


def test_office_codes():
    assert is_office_code("000.00.00.G22") and is_office_code("H44.100") and is_office_code("H44")
    assert not is_office_code("000.00.G22") and not is_office_code("44.100")


def test_cccd_validation_and_finding():
    assert is_valid_cccd("001085012345")
    assert not is_valid_cccd("000085012345")  # province 000 does not exist
    assert not is_valid_cccd("097085012345")  # above 096
    assert not is_valid_cccd("00108501234")  # 11 digits
    assert normalize_cccd("0010 8501 2345") == "001085012345"
    assert normalize_cccd("OO1O85O12345") == "001085012345"
    text = "Số CCCD: 025 190 001 234; tài khoản 1234567890123456; SĐT 0912345678"
    assert find_cccds(text) == ["025190001234"]


def test_cccd_structure_fits_the_holder():
    assert len(PROVINCE_CODES) == 63
    # Hà Nội, male born 1985 / Phú Thọ, female born 1990 / Hồ Chí Minh, female born 2004
    assert cccd_problems("001085012345", date(1985, 3, 1), "Nam") == []
    assert cccd_problems("025190001234", date(1990, 12, 31), "Nữ") == []
    assert cccd_problems("079304123456", date(2004, 1, 2), "Nữ") == []
    assert cccd_problems("079304123456") == []  # nothing to compare but the province


@pytest.mark.parametrize(
    ("cccd", "birth", "sex", "says"),
    [
        ("003085012345", None, None, "province code 003"),  # 001..096, but no province 003
        ("050085012345", date(1985, 3, 1), "Nam", "province code 050"),
        ("001085012345", date(1986, 3, 1), "Nam", "birth-year digits 85"),  # one year off
        ("001285012345", date(1985, 3, 1), "Nam", "century digit 2"),  # 2085, not 1985
        ("001004012345", date(2004, 5, 30), "Nam", "century digit 0"),  # 1904
        ("001185012345", date(1985, 3, 1), "Nam", "sex digit 1"),  # female digit, male holder
        ("001085012345", None, "Nữ", "sex digit 0"),
        ("00108501234", None, None, "not 12 digits"),
    ],
)
def test_cccd_structure_mismatches_are_named_without_the_number(cccd, birth, sex, says):
    problems = cccd_problems(cccd, birth, sex)
    assert len(problems) == 1 and says in problems[0]
    assert cccd not in problems[0] and cccd[-6:] not in problems[0]


def test_serials():
    assert normalize_serial("cs123456") == "CS 123456"
    assert normalize_serial("AA  01695788") == "AA 01695788"
    assert normalize_serial("CS 12345") is None
    assert normalize_serial("C5 l23456") == "CS 123456"
    assert find_serials("Số phát hành: CS 123456, sổ AA01695788") == ["CS 123456", "AA 01695788"]


def test_mask_keeps_last_four_digits():
    assert mask_id("001085012345") == "********2345"


@pytest.mark.parametrize(
    "noisy",
    [
        "Mã hồ sơ: 000.00.24.H 18-231015-0042",  # a space inside the level-1 code
        "Mahồ sơ.000.00.24.H18-231015-0042",  # the label glued on with a dot
        "Mã hồ sơ: 000.00.24.H18-2310 15-0042",  # a space inside the date
        "Mã hồ sơ: 0c0.00.24.H18-231015-0c42",  # c for 0
    ],
)
def test_finder_tolerates_more_ocr_noise(noisy):
    assert [c.code for c in find_dossier_codes(noisy)] == ["000.00.24.H18-231015-0042"]


def test_short_office_code_with_its_dot_lost():
    codes = find_dossier_codes("Mã hồ sơ: G0920-20260609-0092637")
    assert [(c.code, c.office_code) for c in codes] == [("G09.20-20260609-0092637", "G09.20")]


def test_receipt_date_and_sequence_repair_only_an_invalid_code():
    # "231315": month 13 is no date; the receipt's reception date is one character away
    text = "Mã hồ sơ: 000.00.24.H18-231315-0042"
    assert find_dossier_codes(text) == []
    repaired = find_dossier_codes(text, received=date(2023, 10, 15), sequence="42")
    assert [c.code for c in repaired] == ["000.00.24.H18-231015-0042"]
    # a valid reading is kept even if the hint (OCR text too) disagrees
    valid = find_dossier_codes("000.00.24.H18-231016-0042", received=date(2023, 10, 15))
    assert [c.code for c in valid] == ["000.00.24.H18-231016-0042"]
    # a hint far from the reading repairs nothing
    assert find_dossier_codes(text, received=date(2022, 4, 1)) == []


@pytest.mark.parametrize(
    "noisy, code",
    [
        ("Mã hồ sơ: 000.00.24.h18-231015-0042", "000.00.24.H18-231015-0042"),  # lower-case letter
        ("Mã hồ sơ: 000.00.24.H18-231015-00 42", "000.00.24.H18-231015-0042"),  # space in the seq
        ("Mã hồ sơ: 000.00.24.H18-231015-0 042", "000.00.24.H18-231015-0042"),
        ("Mã hồ sơ: g09.20-20260609-0092 637", "G09.20-20260609-0092637"),
        ("Mã hồ sơ: 000.00.24.H18-231015-0042 12 tờ", "000.00.24.H18-231015-0042"),  # a count after
        ("Mã hồ sơ: 000.00.24.H18-231015-0042 2023", "000.00.24.H18-231015-0042"),
    ],
)
def test_finder_reads_a_lower_case_office_letter_and_a_split_sequence(noisy, code):
    assert [c.code for c in find_dossier_codes(noisy)] == [code]
