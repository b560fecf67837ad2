"""The sample generator: exact, deterministic truth that downstream scores rely on."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from samples import (
    DOC_TYPES,
    VARIANTS,
    iter_documents,
    load_truth,
    make_dossier,
    read_register,
    sample_page,
    split_variants,
)
from samples.content import document_record
from samples.defects import degrade
from samples.generate import REGISTER_HEADER, generate, generate_pages
from samples.render import render_page

TAXONOMY_KEYS = {
    "dossier_code",
    "office_code",
    "received_date",
    "appointment_date",
    "issue_date",
    "document_number",
    "form_number",
    "subject",
    "citizen_id",
    "applicant_name",
    "owner_name",
    "taxpayer_name",
    "full_name",
    "transferor_name",
    "transferor_citizen_id",
    "transferee_name",
    "transferee_citizen_id",
    "price_vnd",
    "principal_name",
    "principal_citizen_id",
    "agent_name",
    "agent_citizen_id",
    "date_of_birth",
    "sex",
    "parcel_number",
    "map_sheet",
    "area_m2",
    "gcn_serial",
    "gcn_book_number",
    "project_name",
    "project_owner",
    "expiry_date",
}
DATE_KEYS = {"received_date", "appointment_date", "issue_date", "date_of_birth", "expiry_date"}
ID_KEYS = {
    "citizen_id",
    "transferor_citizen_id",
    "transferee_citizen_id",
    "principal_citizen_id",
    "agent_citizen_id",
}
NAME_KEYS = {
    "applicant_name",
    "owner_name",
    "taxpayer_name",
    "full_name",
    "transferor_name",
    "transferee_name",
    "principal_name",
    "agent_name",
    "project_name",
    "project_owner",
}
OFFICIAL_CODE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[GH]\d{2})-(\d{6})-(\d{4})$")
SHORT_CODE = re.compile(r"^([GH]\d{2}(?:\.\d{1,3})?)-(\d{8})-(\d{7})$")
SERIAL = re.compile(r"^[A-Z]{2} (\d{6}|\d{8})$")


def code_parts(code: str) -> tuple[str, date]:
    """(office code, reception date) of a dossier code in either format."""
    if m := OFFICIAL_CODE.match(code):
        d = m.group(2)
        return m.group(1), date(2000 + int(d[:2]), int(d[2:4]), int(d[4:]))
    m = SHORT_CODE.match(code)
    assert m, f"dossier code {code!r} matches neither format"
    d = m.group(2)
    return m.group(1), date(int(d[:4]), int(d[4:6]), int(d[6:]))


def printed_dates(d: date) -> set[str]:
    day, month = f"{d.day:02d}", f"{d.month:02d}" if d.month < 3 else str(d.month)
    return {
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"ngày {day} tháng {month} năm {d.year}",
        f"ngày {d.day} tháng {d.month} năm {d.year}",
        f"Ngày {day} tháng {month} năm {d.year}",
    }


def printed_areas(text: str) -> set[float]:
    found = re.findall(r"(\d{1,3}(?:\.\d{3})*(?:,\d+)?) ?m²", text)
    found += re.findall(r"\| ?(\d{1,3}(?:\.\d{3})*(?:,\d+)?)$", text)
    return {float(a.replace(".", "").replace(",", ".")) for a in found}


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- text level ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents():
    return list(iter_documents(seed=11, n=700))


def test_every_type_and_layout_variant_is_generated(documents):
    seen = Counter((d.doc_type, d.variant) for d in documents)
    assert {t for t, _ in seen} == set(DOC_TYPES)
    missing = [(t, v) for t, vs in VARIANTS.items() for v in vs if (t, v) not in seen]
    assert not missing
    assert all(len(vs) >= 2 for vs in VARIANTS.values())


def test_fields_use_taxonomy_keys_and_normalisation(documents):
    for doc in documents:
        assert set(doc.fields) <= TAXONOMY_KEYS, (doc.doc_type, set(doc.fields) - TAXONOMY_KEYS)
        for key, value in doc.fields.items():
            if key in DATE_KEYS:
                assert date.fromisoformat(value).isoformat() == value
            elif key in ID_KEYS:
                assert re.fullmatch(r"\d{12}", value), (key, value)
            elif key in NAME_KEYS:
                assert value == unicodedata.normalize("NFC", " ".join(value.split()))
            elif key == "area_m2":
                assert isinstance(value, float) and value > 0
            elif key == "price_vnd":
                assert isinstance(value, int) and value > 0
            elif key == "gcn_serial":
                assert SERIAL.match(value), value
            elif key == "sex":
                assert value in ("Nam", "Nữ")
            elif key == "dossier_code":
                office, _ = code_parts(value)
                assert doc.fields["office_code"] == office


def test_every_truth_field_is_printed_on_its_document(documents):
    """Only what a reader can see is truth: each value appears in the document's text."""
    for doc in documents:
        text = "\n".join(p.text for p in doc.pages)
        flat = one_line(text)
        for key, value in doc.fields.items():
            where = f"{doc.doc_type}/{doc.variant} {key}={value!r}"
            if key in DATE_KEYS:
                assert any(s in flat for s in printed_dates(date.fromisoformat(value))), where
            elif key == "area_m2":
                assert value in printed_areas(text) or value in {
                    float(a.replace(".", "").replace(",", "."))
                    for a in re.findall(r"(?<![\d.,/])(\d{1,3}(?:\.\d{3})*,\d+)(?![\d,])", flat)
                }, where
            elif key == "price_vnd":
                assert f"{value:,}".replace(",", ".") in flat, where
            elif key == "subject":
                assert f"Về việc {value}" in flat, where
            elif key == "form_number":
                assert f"Mẫu số {value}" in flat, where
            elif key == "document_number":
                assert f"Số: {value}" in flat, where
            else:
                assert str(value) in flat, where


def test_text_is_nfc_with_national_header_and_capital_titles(documents):
    for doc in documents:
        first = doc.pages[0]
        assert first.text == unicodedata.normalize("NFC", first.text)
        if doc.doc_type not in ("can_cuoc", "khac") and not (
            doc.doc_type == "bao_cao_dtm" and doc.variant == "a"
        ):
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first.text, doc.doc_type
            assert "Độc lập - Tự do - Hạnh phúc" in first.text
        for page in doc.pages[1:]:
            assert not page.has_title, f"continuation page of {doc.doc_type} has a title"


def test_multi_page_documents_span_their_page_ranges():
    pages = Counter()
    for doc in iter_documents(
        5, 300, doc_types=["hop_dong_chuyen_nhuong", "bao_cao_dtm", "quyet_dinh"]
    ):
        pages[doc.doc_type, len(doc.pages)] += 1
    assert {n for (t, n) in pages if t == "hop_dong_chuyen_nhuong"} == {2, 3, 4}
    assert {n for (t, n) in pages if t == "bao_cao_dtm"} >= {3, 4, 5}
    assert {n for (t, n) in pages if t == "bao_cao_dtm"} <= {3, 4, 5, 6}
    assert {n for (t, n) in pages if t == "quyet_dinh"} == {1, 2}


def test_dossier_is_receipt_plus_components_and_receipt_carries_code():
    for seed in range(60):
        spec = make_dossier(random.Random(seed))
        office, received = code_parts(spec.dossier_code)
        assert office == spec.office_code and received == spec.received
        receipt, *rest = spec.documents
        assert receipt.doc_type == "phieu_tiep_nhan"
        assert receipt.fields["dossier_code"] == spec.dossier_code
        assert receipt.fields["received_date"] == spec.received.isoformat()
        assert f"Mã hồ sơ: {spec.dossier_code}" in receipt.pages[0].text
        if receipt.variant != "c":
            assert receipt.pages[0].qr_codes == [spec.dossier_code]
        assert 2 <= len(rest) <= 7  # 2-6 components, plus the result when digitized
        for page in spec.pages:
            assert page.blank == (page.text == "")


def test_same_seed_same_text_and_different_seed_differs():
    first = [document_record(d) for d in iter_documents(3, 40)]
    again = [document_record(d) for d in iter_documents(3, 40)]
    other = [document_record(d) for d in iter_documents(4, 40)]
    assert json.dumps(first, ensure_ascii=False) == json.dumps(again, ensure_ascii=False)
    assert first != other


def test_variant_split_holds_one_layout_out():
    train, test = split_variants()
    for doc_type in DOC_TYPES:
        assert set(train[doc_type]).isdisjoint(test[doc_type])
        assert set(train[doc_type]) | set(test[doc_type]) == set(VARIANTS[doc_type])
    held = {(d.doc_type, d.variant) for d in iter_documents(2, 200, variants=test)}
    assert all(v in test[t] for t, v in held)
    kept = {(d.doc_type, d.variant) for d in iter_documents(2, 200, variants=train)}
    assert all(v in train[t] for t, v in kept)
    for seed in range(20):  # whole dossiers honour the split too
        spec = make_dossier(random.Random(seed), variants=train)
        assert all(d.variant in train[d.doc_type] for d in spec.documents)


# --- images ------------------------------------------------------------------------------------


def test_rendered_page_has_one_box_per_truth_line():
    doc = next(iter_documents(8, 1, doc_types=["trich_luc_ban_do"]))
    page = doc.pages[0]
    rendered = render_page(page, seed=1)
    assert rendered.image.shape == (3508, 2480, 3)
    assert [text for text, _ in rendered.boxes] == page.lines
    dark = rendered.image.min(axis=2) < 128
    for _, (x0, y0, x1, y1) in rendered.boxes:
        assert dark[y0:y1, x0:x1].any()  # ink inside every line box


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_truth_is_the_clockwise_correction(rotation):
    upright, _ = sample_page(21, doc_type="quyet_dinh", dpi=120)
    turned, truth = sample_page(21, doc_type="quyet_dinh", rotation=rotation, dpi=120)
    assert truth.rotation == rotation
    corrected = np.rot90(turned, -rotation // 90)  # clockwise by `rotation`
    assert np.array_equal(corrected, upright)


def test_skew_truth_has_the_cv2_counter_clockwise_sign():
    upright, _ = sample_page(22, doc_type="don_dang_ky_dat_dai", dpi=150)
    skewed, truth = sample_page(22, doc_type="don_dang_ky_dat_dai", skew=3.0, dpi=150)
    assert truth.skew_degrees == 3.0 and "skew_+3.00" in truth.defects
    h, w = skewed.shape[:2]

    def turn(image, degrees):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        return cv2.warpAffine(image, m, (w, h), borderValue=(255, 255, 255))

    removed = np.abs(turn(skewed, -truth.skew_degrees).astype(int) - upright).mean()
    doubled = np.abs(turn(skewed, truth.skew_degrees).astype(int) - upright).mean()
    assert removed < doubled / 3


def test_defects_follow_the_level_limits():
    clean = render_page(next(iter_documents(9, 1)).pages[0], dpi=100, seed=0).image
    limits = {"mild": 1.5, "medium": 4.0, "hard": 10.0}
    for level, limit in limits.items():
        for seed in range(6):
            _, applied = degrade(clean, level, random.Random(seed), dpi=100)
            assert abs(applied.skew_degrees) <= limit
            assert applied.rotation in (0, 90, 180, 270)
    image, applied = degrade(clean, "clean", random.Random(0), dpi=100)
    assert applied.defects == [] and np.array_equal(image, clean)


def test_clean_page_is_readable_by_tesseract():
    """The drawn text is the truth text: real Tesseract reads it back (order-insensitive CER)."""
    pytesseract = pytest.importorskip("pytesseract")
    from rapidfuzz.distance import Levenshtein

    image, truth = sample_page(5, doc_type="don_dang_ky_bien_dong")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    text = pytesseract.image_to_string(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), lang="vie")
    # Columns of the header may be read side by side: compare the words, not their order.
    got, want = " ".join(sorted(text.split())), " ".join(sorted(truth.text.split()))
    cer = Levenshtein.distance(got, want) / len(want)
    assert cer < 0.15, cer


# --- files -----------------------------------------------------------------------------------


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    truths = generate(out, seed=7, dossiers=3, unscanned=2, dpi=150, workers=2)
    return out, truths


def test_generate_writes_scans_truth_and_register(inbox):
    out, truths = inbox
    assert [t.format for t in truths] == ["pdf", "tiff", "jpeg"]
    assert load_truth(out) == sorted(truths, key=lambda t: t.dossier_code)
    for t in truths:
        office, received = code_parts(t.dossier_code)
        assert t.office_code == office and t.received_at == received.isoformat()
        scan = out / t.scan_path
        assert (
            scan.parts[-3:-1] == (t.office_code, t.dossier_code) or scan.parts[-2] == t.dossier_code
        )
        numbers = [n for d in t.documents for n in d.pages]
        assert sorted(numbers) == [p.number for p in t.pages] == list(range(1, len(t.pages) + 1))
        for doc in t.documents:
            assert all(t.pages[n - 1].doc_type == doc.doc_type for n in doc.pages)
        if t.format == "pdf":
            pdf = pikepdf.open(scan)
            assert len(pdf.pages) == len(t.pages)
            for page, truth in zip(pdf.pages, t.pages, strict=True):
                w_pt, h_pt = float(page.mediabox[2]), float(page.mediabox[3])
                portrait = (min(w_pt, h_pt), max(w_pt, h_pt))
                assert abs(portrait[0] - 595) < 3 and abs(portrait[1] - 842) < 3, truth.dpi
        elif t.format == "tiff":
            with Image.open(scan) as tif:
                assert tif.n_frames == len(t.pages)
                assert round(tif.info["dpi"][0]) == t.pages[0].dpi
        else:
            files = sorted(scan.glob("*.jpg"))
            assert [f.name for f in files] == [f"{n:04d}.jpg" for n in range(1, len(t.pages) + 1)]
            for file, truth in zip(files, t.pages, strict=True):
                image = cv2.imread(str(file))  # applies any EXIF orientation, like a viewer
                portrait = image.shape[0] > image.shape[1]
                assert portrait == (truth.rotation in (0, 180))
    register = read_register(out / "register.csv")
    assert tuple(register[0]) == REGISTER_HEADER
    codes = [r["dossier_code"] for r in register]
    assert len(codes) == len(set(codes)) == 5
    assert {t.dossier_code for t in truths} <= set(codes)
    for row in register:
        assert code_parts(row["dossier_code"])[1].isoformat() == row["received_at"]
        assert row["channel"] in ("counter", "online", "post")
        assert row["result_kind"] in ("paper", "electronic", "none")


def test_generate_is_deterministic_by_seed(inbox, tmp_path):
    out, _ = inbox
    again = tmp_path / "again"
    generate(again, seed=7, dossiers=3, unscanned=2, dpi=150, workers=1)
    assert _digest(again) == _digest(out)  # truth bytes and image bytes alike
    other = generate(tmp_path / "other", seed=8, dossiers=1, unscanned=0, dpi=100)
    assert other[0].dossier_code not in {t.dossier_code for t in load_truth(out)}


def test_generate_pages_writes_images_and_truth_list(tmp_path):
    pages = generate_pages(tmp_path, seed=4, n_pages=8, levels=("clean", "hard"), dpi=150)
    records = json.loads((tmp_path / "pages.json").read_text("utf-8"))
    assert [dict(p) for p in pages] == records
    assert [p.level for p in pages] == ["clean", "hard"] * 4
    for page in pages:
        with Image.open(tmp_path / page.file) as image:
            assert round(image.info["dpi"][0]) == page.dpi
            assert (image.height > image.width) == (page.rotation in (0, 180))


def _started_then_done(path: Path) -> None:
    import time

    path.with_suffix(".started").touch()
    time.sleep(5)
    path.with_suffix(".done").touch()


def test_ctrl_c_stops_the_sample_workers_at_once(tmp_path):
    """Ctrl-C sent to the parent alone (`kill -INT`, a test, a supervisor) must not wait for
    the jobs being drawn, let alone the queued ones: the workers are stopped mid-job."""
    import signal
    import threading
    import time

    from samples.generate import _map

    def interrupt_once_two_jobs_run() -> None:
        while len(list(tmp_path.glob("*.started"))) < 2:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_two_jobs_run, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        _map(_started_then_done, [tmp_path / f"{i}" for i in range(40)], workers=2)
    time.sleep(6)  # a job left running would be done by now
    assert not list(tmp_path.glob("*.done"))
