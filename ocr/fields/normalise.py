"""A value typed by staff (`sohoa review set --field key=value`) → the stored value of that key,
normalised as TAXONOMY.md "Field keys" says and as the extractors store it.

Dates `YYYY-MM-DD` (typed `dd/mm/yyyy` or ISO); `area_m2` a float (`1.234,5` → 1234.5);
`price_vnd` an int; citizen IDs 12 digits with a province code; serials `CS 123456`; `sex` `Nam`
or `Nữ`; parcel and map sheet numbers, document, form, register numbers and dossier/office codes
as the extractors write them. Other keys (names, subjects, keys the taxonomy does not list: more
keys are allowed) are text: NFC, single spaces. Blank text gives None (the key is to be
removed). An invalid value raises ValueError with the reason (the caller names the key).

The parsers are the extractors' own, which also forgive OCR's look-alikes (`O` for `0`); here
a value must be the whole text, not the first match in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ocr import identifiers
from ocr.fields import dates, ids, land
from ocr.fields.numbers import parse_int, parse_number
from ocr.fields.text import fold, nfc


def normalise(key: str, text: str) -> object:
    """The stored value of `key` for the typed `text`; None if the text is blank."""
    if not isinstance(text, str):
        raise TypeError(f"normalise takes the typed text, not {type(text).__name__}")
    if not text.strip():
        return None
    return _rule(key)(text.strip())


def _text(text: str) -> str:
    return re.sub(r"\s+", " ", nfc(text)).strip()


def _name(text: str) -> str:
    return _text(text).replace("Ð", "Đ")  # the Icelandic eth some keyboards give for Đ


def _date(text: str) -> str:
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        y, m, d = text.split("-")
        found = dates.make_date(d, m, y)
        if found:
            return found.isoformat()
    else:
        folded = fold(text)
        found_all = dates.find_dates(folded)
        if len(found_all) == 1 and found_all[0][1:] == (0, len(folded)):
            return found_all[0][0].isoformat()
    raise ValueError("not a valid date (write dd/mm/yyyy or yyyy-mm-dd, year 1900-2100)")


def _citizen_id(text: str) -> str:
    value = identifiers.normalize_cccd(text)
    if value:
        return value
    digits = re.sub(r"[ .]", "", text)
    if not re.fullmatch(r"\d{12}", digits):
        raise ValueError(f"a citizen ID is 12 digits (got {len(digits)} characters)")
    raise ValueError(f"a citizen ID starts with a province code 001-096, not {digits[:3]}")


def _serial(text: str) -> str:
    value = identifiers.normalize_serial(text)
    if not value:
        raise ValueError("a certificate serial is 2 letters and 6 or 8 digits (CS 123456)")
    return value


def _after_label(text: str, label: str) -> str:
    """The text after a leading printed label typed with the value ("Số: 12", "Mẫu số 01/ĐK")."""
    m = re.match(label + r"\s*[:.]?\s*", fold(text))
    return text[m.end() :] if m else text


def _whole(parse: Callable[[str], tuple[object, str] | None], text: str) -> object | None:
    """An extractor's parser applied to the typed text, only if what it read is all of it."""
    found = parse(text)
    return found[0] if found and re.sub(r"\s", "", found[1]) == re.sub(r"\s", "", text) else None


def _small_number(text: str) -> str:
    value = _whole(land._small_number, _after_label(text, r"so\b"))
    if value is None:
        raise ValueError("a parcel or map sheet number is up to 5 digits and a letter (12, 12a)")
    return str(value)


def _book_number(text: str) -> str:
    value = _whole(ids._book, _after_label(text, r"so\b"))
    if value is None:
        raise ValueError("a register number is 1-3 letters and 3-7 digits (CS51186)")
    return str(value)


_AREA_UNIT = re.compile(r"\s*(?:m²|m2|m\s2|m\^2)$", re.I)


def _area(text: str) -> float:
    value = parse_number(_AREA_UNIT.sub("", text))
    if value is None:
        raise ValueError("an area is a number of m² (1.234,5 or 1234.5)")
    if value <= 0:
        raise ValueError("an area is more than 0 m²")
    return value


_MONEY_UNIT = re.compile(r"\s*(?:đồng|dong|đ|vnđ|vnd)$", re.I)


def _price(text: str) -> int:
    value = parse_int(_MONEY_UNIT.sub("", nfc(text)))
    if value is None:
        raise ValueError("a price is a whole number of đồng (1.250.000.000)")
    return value


def _document_number(text: str) -> str:
    value = ids.canonical_code(_after_label(text, r"so\b"))
    if not re.match(r"[0-9]", value):
        raise ValueError("a document number starts with its number (123/QĐ-UBND)")
    return value


_FORM_SHAPE = re.compile(r"[0-9]{1,2}[a-z]?/[A-ZĐ]{1,6}(?:-[A-ZĐ]{1,6})?")


def _form_number(text: str) -> str:
    value = ids.canonical_code(_after_label(text, r"mau(?:\s*so)?\b"))
    if value not in ids.KNOWN_FORMS and not _FORM_SHAPE.fullmatch(value):
        raise ValueError(f"a form number looks like {', '.join(ids.KNOWN_FORMS[:3])}")
    return value


def _dossier_code(text: str) -> str:
    parsed = identifiers.parse_dossier_code(text.upper())
    if parsed is None:
        raise ValueError("not a dossier code with a valid date (000.00.24.H18-231015-0042)")
    return parsed.code


def _office_code(text: str) -> str:
    value = text.upper()
    if not identifiers.is_office_code(value):
        raise ValueError("not an office code (000.00.24.H18, H44.45)")
    return value


_SEX = {"nam": "Nam", "male": "Nam", "m": "Nam", "nu": "Nữ", "female": "Nữ", "f": "Nữ"}


def _sex(text: str) -> str:
    value = _SEX.get(fold(text))
    if value is None:
        raise ValueError("sex is Nam or Nữ")
    return value


_RULES: dict[str, Callable[[str], object]] = {
    "gcn_serial": _serial,
    "gcn_book_number": _book_number,
    "parcel_number": _small_number,
    "map_sheet": _small_number,
    "area_m2": _area,
    "price_vnd": _price,
    "document_number": _document_number,
    "form_number": _form_number,
    "dossier_code": _dossier_code,
    "office_code": _office_code,
    "sex": _sex,
    "date_of_birth": _date,
}


def _rule(key: str) -> Callable[[str], object]:
    if key in _RULES:
        return _RULES[key]
    if key == "citizen_id" or key.endswith("_citizen_id"):
        return _citizen_id
    if key.endswith("_date"):
        return _date
    if key.endswith("_name"):
        return _name
    return _text
