"""The parcel: Thửa đất số, Tờ bản đồ số, Diện tích (m²), and the transfer price.

Values are validated as numbers; labels are matched on folded text, fuzzily, and also inside
running text ("... thửa đất số 123, tờ bản đồ số 4, diện tích 120,5 m² ...") wrapped over lines.
"""

from __future__ import annotations

import re

from ocr.fields.numbers import parse_area, parse_int, parse_number
from ocr.fields.text import DocText, Found, Line, fold, value_after, values_after

_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def _small_number(text: str):
    m = re.match(
        r"\s*(?:s[oố6]\s*)?[:.]?\s*([0-9OoIl|]{1,5}(?:[a-zA-Z](?![^\W\d_]))?)"
        r"(?![0-9]|[.,][0-9]|[^\s\w,.;:/()\-][0-9])",
        text,
    )  # "12a", but "99Tờ" is 99 glued to the next label; "9@3" is a damaged number, not 9
    if not m or not any(c.isdigit() for c in m.group(1)):
        return None
    raw = m.group(1)
    value = raw.translate(_FIX)
    if not re.fullmatch(r"\d{1,5}[a-z]?", value, flags=re.I):
        return None
    return value.lstrip("0") or "0", raw


_ADDRESS = re.compile(r"\W*d\S{0,2}a\s*ch")


PARCEL_LABELS = ("thua dat so", "thua so", "so thua")
MAP_LABELS = ("to ban do so", "to ban do")


def _parcel_lines(doc: DocText) -> list[Line]:
    return [ln for ln in doc.lines if not _ADDRESS.match(ln.folded)]  # "Địa chỉ thửa đất: Số 2"


def parcel_number(doc: DocText) -> Found | None:
    lines = _parcel_lines(doc)
    return value_after(doc, PARCEL_LABELS, _small_number, min_score=0.8, lines=lines)


def map_sheet(doc: DocText) -> Found | None:
    return value_after(doc, MAP_LABELS, _small_number)


# Every value printed under each parcel label (a form line and the table of changes), for the
# dossier's vote (ocr.fields.consensus.vote_printed).
def parcel_numbers(doc: DocText) -> list[object]:
    return values_after(doc, PARCEL_LABELS, _small_number, min_score=0.8, lines=_parcel_lines(doc))


def map_sheets(doc: DocText) -> list[object]:
    return values_after(doc, MAP_LABELS, _small_number)


def areas(doc: DocText) -> list[object]:
    return values_after(doc, ("dien tich",), _area, min_score=0.88)


def _area(text: str):
    text = re.sub(r"^\s*\(m\S{0,2}\)\s*:?", "", text)  # the unit heading a cell: "(m²)", "(m?)"
    text = re.sub(r"(?<=\d):(?=\d{3}\b)", ".", text)  # "2:628,3": a thousands dot read as ":"
    text = re.sub(r"(?<=\d)[„‚¸](?=\d)", ",", text)  # "567„4": the decimal comma read as a quote
    text = re.sub(r"(?<=\d)[.,](?=m\b|m\W)", " ", text)  # "2.016,90.m?": a speck before the unit
    found = parse_area(text)
    if found:
        return found if found[0] >= MIN_AREA else None
    m = re.match(r"\s*(\d{1,3}(?: \d{3})+(?:,\d+|(?=\s*m(?![a-z])))|[0-9][0-9.,]*+)(?=\s|$)", text)
    # table cells: "Diện tích (m²)  1.234,5"; "2 829,1" or "2 829 m?": the digits of a value
    # written by hand, or grouped by spaces, read with a gap before a group of three (with its
    # decimals or unit, so two table cells "150 300" stay apart; not "3." of "3.B35,2": a number
    # running into letters or marks is a damaged one: "2{Z,2")
    if m:
        value = parse_number(m.group(1))
        if value and value >= MIN_AREA:
            return round(value, 2), m.group(1)
    return None


MIN_AREA = 10.0  # m²: a smaller "area" is what is left of a damaged one ("2" of "2{Z,2")


def area_m2(doc: DocText) -> Found | None:
    return value_after(doc, ("dien tich",), _area, min_score=0.88)


def _price(text: str):
    m = re.search(r"([0-9OoIl][0-9OoIl.,\s]{3,}[0-9OoIl])\s*(?:d[oô]ng|đ|vnd|vnđ)", text, re.I)
    if not m:
        return None
    value = parse_int(m.group(1))
    return (value, m.group(1)) if value and value >= 1000 else None


def price_vnd(doc: DocText) -> Found | None:
    """The transfer price in figures, after "Giá chuyển nhượng ... là:" (may wrap)."""
    lines = doc.lines
    for i, line in enumerate(lines):
        if "gia chuyen nhuong" in line.folded or "gia tri chuyen nhuong" in line.folded:
            window = " ".join(ln.text for ln in lines[i : i + 3])
            cut = fold(window).find(" la")
            result = _price(window[cut:] if cut >= 0 else window)
            if result:
                return doc.found(result[0], result[1].strip(), line)
    return None
