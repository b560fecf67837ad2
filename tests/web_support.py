"""Shared set-up for the web app tests: two offices with a stored scan each (real objects in the
embedded S3 server, real rows through models.repository), accounts of every role, and a
signed-in client. Page files are generated here (Pillow PDFs), never checked in."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from models import repository
from models.db import session_scope
from sohoa.services import accounts
from sohoa.settings import Settings
from storage.embedded import EndpointInfo
from storage.objects import ObjectStore

PASSWORD = "mat-khau-thu-nghiem"
PROVINCE = "000.00.00.H18"
DISTRICT_A = "000.00.24.H18"
OFFICE_A = "000.01.24.H18"
OFFICE_B = "000.02.25.H18"
DOSSIER_A = f"{OFFICE_A}-231015-0001"
DOSSIER_B = f"{OFFICE_B}-231016-0002"
CITIZEN_ID = "001099012345"
NAME = "Nguyễn Văn An"
SERIAL = "CS 012345"


@dataclass
class Seeded:
    scan_a: int
    scan_b: int
    document_a: int
    document_b: int
    upload_b: int


def web_settings(data_dir: Path, db_url: str, s3: EndpointInfo) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=db_url,
        s3_endpoint=s3.endpoint,
        s3_access_key=s3.access_key,
        s3_secret_key=s3.secret_key,
        s3_bucket=f"t-{uuid.uuid4().hex[:12]}",
    )


def page_pdf(pages: int, label: str) -> bytes:
    """A small PDF of `pages` white A4-ish pages with a line of text (the stored 'searchable'
    PDF the viewer renders thumbnails from)."""
    images = []
    for n in range(1, pages + 1):
        img = Image.new("L", (620, 877), 255)
        ImageDraw.Draw(img).text((60, 80), f"{label} trang {n}", fill=0)
        images.append(img)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return out.getvalue()


def store_scan(engine, store: ObjectStore, *, dossier: str, label: str) -> int:
    """Objects as the ingest flow lays them out, then the rows through the repository."""
    pdf = page_pdf(2, label)
    sha = hashlib.sha256(pdf).hexdigest()
    office = dossier.split("-")[0]
    original = f"originals/{office}/2023/10/{dossier}/{sha}.pdf"
    prefix = f"digitized/{office}/2023/10/{dossier}/{sha}/"
    store.put_bytes(original, pdf)
    store.put_bytes(prefix + "searchable.pdf", pdf)
    for n in (1, 2):
        store.put_bytes(prefix + f"alto/{n:04d}.xml", f"<alto>{label} {n}</alto>".encode())
        store.put_bytes(prefix + f"hocr/{n:04d}.hocr", f"<html>{label} {n}</html>".encode())
        store.put_bytes(prefix + f"pages/{n:04d}.txt", f"{label} trang {n}".encode())
    store.put_bytes(prefix + "text.txt", f"{label}".encode())
    store.put_bytes(prefix + "documents/01-don_dang_ky_dat_dai.pdf", pdf)
    store.put_bytes(prefix + "manifest.json", json.dumps({"source": {"sha256": sha}}).encode())
    with session_scope(engine) as session:
        scan = repository.record_scan(
            session,
            sha256=sha,
            source_name=f"{office}/{dossier}/{label}.pdf",
            office_code=office,
            dossier_code=dossier,
            page_count=2,
            original_key=original,
            digitized_prefix=prefix,
            manifest_key=prefix + "manifest.json",
            pages=[
                {
                    "number": n,
                    "doc_type": "don_dang_ky_dat_dai",
                    "text": f"{label} trang {n}\nNgười nộp: {NAME}\nSố CCCD: {CITIZEN_ID}",
                }
                for n in (1, 2)
            ],
            documents=[
                {
                    "doc_type": "don_dang_ky_dat_dai",
                    "pages": [1, 2],
                    "confidence": 0.91,
                    "fields": {
                        "applicant_name": NAME,
                        "citizen_id": CITIZEN_ID,
                        "gcn_serial": SERIAL,
                        "parcel_number": "12",
                        "map_sheet": "5",
                    },
                    "field_details": {"applicant_name": {"confidence": 0.58, "page": 1}},
                    "needs_review": True,  # the review queue has one item per office
                    "review_reasons": ["low confidence applicant_name"],
                }
            ],
        )
        return scan.id


def seed(engine, store: ObjectStore, data_dir: Path) -> Seeded:
    from models import accounts as db

    with session_scope(engine) as session:
        for code in (PROVINCE, DISTRICT_A, OFFICE_A, OFFICE_B):
            repository.ensure_office(session, code)
    users = [
        ("counter_a", "counter", OFFICE_A),
        ("reviewer_a", "reviewer", OFFICE_A),
        ("counter_b", "counter", OFFICE_B),
        ("manager_a", "manager", DISTRICT_A),
        ("admin", "admin", None),
    ]
    for name, role, office in users:
        accounts.add_user(engine, name, PASSWORD, role=role, office=office, full_name=name)
    scan_a = store_scan(engine, store, dossier=DOSSIER_A, label="ho-so-A")
    scan_b = store_scan(engine, store, dossier=DOSSIER_B, label="ho-so-B")
    with session_scope(engine) as session:
        docs = {d.scan_id: d.id for d in db.scan_documents(session, [scan_a, scan_b])}
        upload = db.Upload(office_code=OFFICE_B, filename="b.pdf", relative="x", state="stored")
        session.add(upload)
        session.flush()
        upload_b = upload.id
    return Seeded(scan_a, scan_b, docs[scan_a], docs[scan_b], upload_b)


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the form like a browser; returns the POST's response."""
    client.cookies.clear()
    form = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
