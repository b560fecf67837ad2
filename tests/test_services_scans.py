"""The scans service both front doors call: the scan list with statuses and one dossier's view
(documents with type, pages, confidence, fields, and the keys of every stored object)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models.scans import record_quarantine
from tests.test_models_repository import record

DOSSIER = "000.46.24.H44-231015-0042"
CERT = "giay_chung_nhan_qsdd"


@pytest.fixture
def settings(engine, db_url, tmp_path):
    from sohoa.settings import Settings

    with Session(engine) as s:
        record(
            s,
            "a",
            DOSSIER,
            [
                {
                    "doc_type": "don_dang_ky_dat_dai",
                    "pages": [1],
                    "fields": {"parcel_number": "12"},
                },
                {"doc_type": CERT, "pages": [3, 4], "confidence": 0.876543},
                {"doc_type": "khac", "pages": [2], "needs_review": True, "review_reasons": ["?"]},
            ],
        )
        record_quarantine(
            s, sha256="q" * 64, source_name="bad.pdf", reason="truncated PDF", dossier_code=DOSSIER
        )
        record(s, "b", "000.46.24.H44-231016-0001", [{"doc_type": "khac"}])
        s.commit()
    return Settings(database_url=db_url, data_dir=tmp_path)


def test_scan_list_shows_statuses_and_reasons(settings):
    from sohoa.services.scans import scan_list

    assert [(s.source_name, s.status, s.error) for s in scan_list(settings)] == [
        ("b.pdf", "stored", None),
        ("bad.pdf", "quarantined", "truncated PDF"),
        ("a.pdf", "stored", None),
    ]
    quarantined = scan_list(settings, status="quarantined")
    assert [(s.sha256, s.dossier_code) for s in quarantined] == [("q" * 64, DOSSIER)]
    assert [s.source_name for s in scan_list(settings, dossier_code=DOSSIER)] == [
        "bad.pdf",
        "a.pdf",
    ]


def test_dossier_view_lists_documents_and_object_keys(settings):
    from sohoa.services.scans import dossier_view

    view = dossier_view(settings, DOSSIER)
    assert (view.office_code, view.received_at.isoformat()) == ("000.46.24.H44", "2023-10-15")
    assert (view.components_digitized, view.result_digitized) == (True, True)
    assert sorted(s.status for s in view.scans) == ["quarantined", "stored"]
    stored = next(s for s in view.scans if s.status == "stored")
    assert list(view.objects) == [stored.id]  # a quarantined scan has no objects
    objects = view.objects[stored.id]
    assert objects.original == "originals/a"
    assert objects.manifest == "digitized/a/manifest.json"
    assert objects.searchable_pdf == "digitized/a/searchable.pdf"
    assert objects.alto == [f"digitized/a/alto/{n:04d}.xml" for n in (1, 2, 3, 4)]
    assert objects.hocr[-1] == "digitized/a/hocr/0004.hocr"
    # in page order; each document's PDF numbered by its position in the scan
    assert [(d.doc_type, d.pages, d.confidence, d.pdf) for d in view.documents] == [
        ("don_dang_ky_dat_dai", [1], 0.9, "digitized/a/documents/01-don_dang_ky_dat_dai.pdf"),
        ("khac", [2], 0.9, "digitized/a/documents/02-khac.pdf"),
        (CERT, [3, 4], 0.877, f"digitized/a/documents/03-{CERT}.pdf"),
    ]
    assert view.documents[0].fields == {"parcel_number": "12"}
    assert view.documents[1].needs_review and view.documents[1].review_reasons == ["?"]


def test_dossier_view_of_an_unknown_dossier_says_so(settings):
    from sohoa.services.scans import dossier_view

    with pytest.raises(LookupError, match="no dossier 000.46.24.H44-991231-0001"):
        dossier_view(settings, "000.46.24.H44-991231-0001")
