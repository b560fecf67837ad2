"""Examples for the OpenAPI schema (what an integrator reads first)."""

from __future__ import annotations

DESCRIPTION = (
    "Exchange between a one-stop system and sohoa. Authenticate with "
    "`Authorization: Bearer <token>` (made by `sohoa token add`). Errors are "
    '`{"error": code, "message": Vietnamese text, "details": …}`. A token sees the dossiers of '
    "its office and the offices below it; another office's dossier answers 404."
)

_ROW = {
    "dossier_code": "000.01.24.H18-231015-0001",
    "procedure_code": "1.004227",
    "received_at": "2023-10-15",
    "channel": "counter",
    "resolved_at": "2023-10-30",
    "result_kind": "electronic",
}

REGISTER_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["rows"],
                "properties": {
                    "rows": {
                        "type": "array",
                        "maxItems": 10_000,
                        "items": {
                            "type": "object",
                            "required": ["dossier_code"],
                            "properties": {
                                "dossier_code": {"type": "string"},
                                "procedure_code": {"type": "string"},
                                "received_at": {"type": "string", "format": "date"},
                                "channel": {"enum": ["counter", "online", "post"]},
                                "resolved_at": {"type": "string", "format": "date"},
                                "result_kind": {"enum": ["paper", "electronic", "none"]},
                            },
                            "additionalProperties": {"type": "string"},
                        },
                    }
                },
            },
            "example": {"rows": [_ROW]},
        }
    },
}


def _ok(example, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"example": example}}}


REGISTER_RESPONSE = _ok(
    {
        "rows": 2,
        "inserted": 1,
        "updated": 1,
        "unchanged": 0,
        "bad": [{"index": 2, "reason": "received_at '31/02/2023' is not a date"}],
    },
    "Counts; bad rows by index (nothing of a bad row is written)",
)

DOSSIER_RESPONSE = _ok(
    {
        "code": "000.01.24.H18-231015-0001",
        "office_code": "000.01.24.H18",
        "register": {
            "source": "register",
            "procedure_code": "1.004227",
            "received_at": "2023-10-15",
            "channel": "counter",
            "resolved_at": None,
            "result_kind": "unknown",
            "attributes": {},
        },
        "digitization": {
            "components_digitized": True,
            "result_digitized": False,
            "reused": False,
            "scans": [
                {
                    "id": 7,
                    "status": "stored",
                    "pages": 2,
                    "ingested_at": "2023-10-15T08:01:02+00:00",
                    "error": None,
                    "links": {
                        "original": "https://sohoa.example/api/v1/scans/7/files/original?t=1&e=1700000000&s=…",
                        "searchable_pdf": "https://sohoa.example/api/v1/scans/7/files/pdf?t=1&e=1700000000&s=…",
                    },
                }
            ],
        },
        "documents": [
            {
                "id": 11,
                "scan_id": 7,
                "type": "don_dang_ky_dat_dai",
                "pages": [1, 2],
                "confidence": 0.91,
                "review": {
                    "needs_review": False,
                    "reasons": [],
                    "fields": [],
                    "reviewed_by": None,
                    "reviewed_at": None,
                },
                "fields": {"applicant_name": "Nguyễn Văn An", "citizen_id": "********2345"},
                "links": {"pdf": "https://sohoa.example/api/v1/documents/11/pdf?t=1&e=…&s=…"},
            }
        ],
        "links_expire_at": "2023-10-15T08:11:02+00:00",
    }
)

FEED_RESPONSE = _ok(
    {
        "items": [
            {
                "code": "000.01.24.H18-231015-0001",
                "office_code": "000.01.24.H18",
                "changed_at": "2023-10-15T08:01:02+00:00",
                "received_at": "2023-10-15",
                "components_digitized": True,
                "result_digitized": False,
                "reused": False,
            }
        ],
        "next_cursor": "WyIyMDIzLTEwLTE1VDA4OjAxOjAyKzAwOjAwIiwgIjAwMC4wMS4y…",
    },
    "One page; `next_cursor` is null on the last page",
)

RATES_RESPONSE = _ok(
    [
        {
            "office_code": "000.01.24.H18",
            "level": "commune",
            "period": "2023-Q3",
            "received": 120,
            "digitized_rate": 0.83,
            "points": 7.5,
        }
    ],
    "Rows as `sohoa rates --json` prints them (abridged here)",
)
