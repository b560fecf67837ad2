"""`sohoa search` (issue 5): documents found by certificate serial, citizen ID, parcel/map sheet
and full text, each with a presigned link that downloads the stored searchable PDF."""

from __future__ import annotations

import urllib.request

import pytest

from models.db import session_scope
from models.scans import record_scan
from sohoa.runtime import open_database, open_store
from storage import keys

DOSSIER = "000.00.24.H18-231015-0042"
SHA = "d" * 64
PREFIX = keys.digitized_prefix("000.00.24.H18", None, DOSSIER, SHA)
FIELDS = {
    "gcn_serial": "CS 123456",
    "citizen_id": "001203004567",
    "parcel_number": "125",
    "map_sheet": "17",
    "area_m2": 1234.5,
}


@pytest.fixture
def stored(settings_env, s3_env):
    from sohoa.settings import get_settings

    settings = get_settings()
    engine = open_database(settings)
    sha, prefix = SHA, PREFIX
    pdf = b"%PDF-1.4 the certificate"
    with open_store(settings) as store:
        store.put_bytes(prefix + "searchable.pdf", pdf)
        store.put_bytes(prefix + "documents/01-giay_chung_nhan_qsdd.pdf", pdf + b" alone")
    page = {
        "number": 1,
        "doc_type": "giay_chung_nhan_qsdd",
        "doc_type_confidence": 0.98,
        "mean_confidence": 0.9,
        "rotation": 0,
        "skew_degrees": 0.0,
        "blank": False,
        "text": "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số: 125 Tờ bản đồ số: 17",
    }
    doc = {
        "doc_type": "giay_chung_nhan_qsdd",
        "pages": [1],
        "confidence": 0.97,
        "fields": FIELDS,
        "field_details": {},
        "needs_review": False,
        "review_reasons": [],
    }
    with session_scope(engine) as session:
        record_scan(
            session,
            sha256=sha,
            source_name="gcn.pdf",
            dossier_code=DOSSIER,
            office_code="000.00.24.H18",
            page_count=1,
            original_key=None,
            digitized_prefix=prefix,
            manifest_key=None,
            pages=[page],
            documents=[doc],
        )
    engine.dispose()
    return settings, pdf + b" alone"


@pytest.mark.parametrize(
    "query",
    [
        {"gcn_serial": "CS 123456"},
        {"citizen_id": "001203004567"},
        {"parcel_number": "125", "map_sheet": "17"},
        {"text": "quyen su dung dat"},
        {"dossier_code": DOSSIER},
    ],
)
def test_search_finds_document_with_working_link(stored, query):
    from sohoa.services.search import search

    settings, content = stored
    hits = search(settings, **query)
    assert [(h.doc_type, h.key) for h in hits] == [
        ("giay_chung_nhan_qsdd", PREFIX + "documents/01-giay_chung_nhan_qsdd.pdf")
    ]
    with urllib.request.urlopen(hits[0].url, timeout=10) as response:
        assert response.read() == content


def test_search_misses_other_values(stored):
    from sohoa.services.search import search

    settings, _ = stored
    assert search(settings, gcn_serial="CS 654321") == []
    assert search(settings, parcel_number="125", map_sheet="18") == []
