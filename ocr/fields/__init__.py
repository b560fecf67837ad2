"""Field extraction: `extract(doc_type, pages, qr_codes)` -> `(fields, details)`, with the keys
each document type carries and where to read them (`ocr.fields.extractors`); one module per kind
of value (ids, dates, people, land, env), `normalise` for values typed by staff, `consensus` for
the values a dossier's documents agree on."""

from ocr.fields.extractors import EXTRACTORS, KEY_FIELDS, expected_fields, extract

__all__ = ["EXTRACTORS", "KEY_FIELDS", "expected_fields", "extract"]
