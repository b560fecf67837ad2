"""How Vietnamese administrative documents print numbers, dates and amounts.

Each printer returns the text as it appears on paper; the truth keeps the normalised value
(TAXONOMY.md "Field keys": ISO dates, float areas, integer prices).
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ"]


def nfc(text: str) -> str:
    """NFC and single spaces: the form every truth string takes."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def thousands(n: int) -> str:
    """1234567 -> '1.234.567' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def area_text(area: float, rng: random.Random) -> str:
    """1234.5 -> '1.234,5' (or '1.234,50'; integers sometimes without decimals)."""
    whole = int(area)
    tenths = round((area - whole) * 10)
    if tenths == 0 and rng.random() < 0.4:
        return thousands(whole)
    decimals = f"{tenths}" if rng.random() < 0.75 else f"{tenths}0"
    return f"{thousands(whole)},{decimals}"


def money_text(amount: int) -> str:
    return thousands(amount)


def _read_triple(n: int, full: bool) -> list[str]:
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (full or hundreds):
            words += ["linh", DIGITS[units]]
        elif units:
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 5: "lăm"}.get(units, DIGITS[units]))
    return words


def number_words(n: int) -> str:
    """1250000000 -> 'Một tỷ hai trăm năm mươi triệu' (how contracts spell out prices)."""
    if n == 0:
        return "Không"
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _read_triple(value, full=index < len(groups) - 1)
        if 0 < index < len(GROUPS):
            words.append(GROUPS[index])
    text = " ".join(words)
    return text[0].upper() + text[1:]


def day_month(d: date, padded: bool = True) -> tuple[str, str]:
    """Decree 30/2020: days below 10 and months 1-2 take a leading zero."""
    if not padded:
        return str(d.day), str(d.month)
    return f"{d.day:02d}", (f"{d.month:02d}" if d.month < 3 else str(d.month))


def date_words(d: date, padded: bool = True) -> str:
    """'ngày 15 tháng 10 năm 2023'."""
    day, month = day_month(d, padded)
    return f"ngày {day} tháng {month} năm {d.year}"


def date_line(place: str, d: date, padded: bool = True) -> str:
    """'Hà Nội, ngày 15 tháng 10 năm 2023': the place-and-date line under the motto."""
    return f"{place}, {date_words(d, padded)}"


def dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def add_working_days(d: date, days: int) -> date:
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def next_working_day(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by characters (font-independent, so text truth never depends on fonts)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines
