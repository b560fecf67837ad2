"""Vietnamese number formats: `.` groups thousands, `,` is the decimal mark.

`1.250.000.000 đồng` → 1250000000, `1.234,5 m²` → 1234.5, `120,5 m2` → 120.5. OCR and some
software print English formats too (`1,234.5`); when both marks occur the last one is decimal.
"""

from __future__ import annotations

import re

_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9Ol|]?[0-9][0-9Ol|]*(?:\s?[.,]\s?[0-9Ol|]+)*")


def parse_number(raw: str) -> float | None:
    """One printed number → float (None if it is not a well-formed number)."""
    s = re.sub(r"\s", "", raw).translate(_FIX).strip(".,")
    if not s or not re.fullmatch(r"[0-9.,]+", s):
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thou = "." if dec == "," else ","
        if s.count(dec) > 1:
            return None
        s = s.replace(thou, "").replace(dec, ".")
    elif commas:
        if commas > 1:  # 1,250,000: English thousands
            if not re.fullmatch(r"\d{1,3}(,\d{3})+", s):
                return None
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif dots > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", s):  # dots group thousands
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
            return None
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def parse_int(raw: str) -> int | None:
    value = parse_number(raw)
    return int(value) if value is not None and value == int(value) else None


def parse_area(text: str) -> tuple[float, str] | None:
    """First `<number> m²/m2/m 2` in a printed string → (value, raw)."""
    m = re.search(
        r"(?<![0-9A-Za-z.,])([0-9Il|][0-9OolSB|]*(?: [0-9]{3}(?![0-9]))*(?:[.,][0-9OolSB|]+)*)"
        r"\s*(?:m²|m2|m°|mº|m\s2|m\^2)",
        text,
    )  # "l.765,20 m²", "383S,2 m²", "3.B35,2 m²": look-alikes inside a number that ends in m²;
    # "2 829,1 m²": a gap before a group of three (hand-written digits, or space-grouped)
    if not m or sum(c.isdigit() for c in m.group(1)) < max(1, len(m.group(1)) // 2):
        return None
    raw = m.group(1).strip()
    value = parse_number(raw.replace("S", "5").replace("B", "8"))
    if value is None or value <= 0:
        return None
    return round(value, 2), raw


def parse_money(text: str) -> tuple[int, str] | None:
    """First amount written in figures (`1.250.000.000 đồng`, `1.250.000.000đ`, `VNĐ`)."""
    for m in NUMBER.finditer(text):
        raw = m.group(0).strip()
        value = parse_int(raw)
        if value is not None and value >= 1000:
            return value, raw
    return None
