"""Dossier and office code parsing (models.codes) and rate periods: no database."""

from __future__ import annotations

from datetime import date

import pytest

from models.codes import ancestor_candidates, level1_of, parse_dossier_code
from models.rates import Period


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("000.00.24.H18-231015-0042", ("000.00.24.H18", date(2023, 10, 15))),
        ("G09.20-20260609-0092637", ("G09.20", date(2026, 6, 9))),
        (" H44.45-20231015-0000042 ", ("H44.45", date(2023, 10, 15))),
        ("000.00.24.H18-230229-0042", None),  # 2023 has no 29 February
        ("000.00.24.H18-231015-42", None),  # sequence too short
        ("000.0.24.H18-231015-0042", None),  # malformed office part
        ("19990101-0042", None),
        ("", None),
    ],
)
def test_parse_dossier_code(code, expected):
    assert parse_dossier_code(code) == expected


def test_office_ancestors_in_both_forms():
    assert level1_of("000.46.24.H44") == "H44"
    assert ancestor_candidates("000.46.24.H44") == [
        ("000.00.24.H44", "H44.24"),
        ("000.00.00.H44", "H44"),
    ]
    assert ancestor_candidates("G09.20") == [("000.00.00.G09", "G09")]
    assert ancestor_candidates("000.00.00.H41") == []
    assert level1_of("not a code") is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023", date(2023, 1, 1), date(2024, 1, 1)),
        ("2023-Q3", date(2023, 7, 1), date(2023, 10, 1)),
        ("2023-Q4", date(2023, 10, 1), date(2024, 1, 1)),
        ("2023-09", date(2023, 9, 1), date(2023, 10, 1)),
        ("2023-12", date(2023, 12, 1), date(2024, 1, 1)),
        ("2023-01..2023-09", date(2023, 1, 1), date(2023, 10, 1)),
        ("2022-Q4..2023-Q1", date(2022, 10, 1), date(2023, 4, 1)),
        ("all", None, None),
        (None, None, None),
    ],
)
def test_period_parse(text, start, end):
    p = Period.parse(text)
    assert (p.start, p.end) == (start, end)


def test_period_previous_year():
    p = Period.parse("2023-01..2023-09").previous_year()
    assert (p.start, p.end, p.label) == (date(2022, 1, 1), date(2022, 10, 1), "2022-01..2022-09")
    assert Period.parse("2024-Q1").previous_year().label == "2023-Q1"


@pytest.mark.parametrize("text", ["2023-13", "2023-Q5", "23", "2023-09..2023-01", "last year"])
def test_period_rejects(text):
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)
