"""QR codes on generated receipts are read; pages without one give nothing."""

from __future__ import annotations

import pytest

from ocr.qr import decode_qr, speaks_of_a_dossier


@pytest.fixture(scope="module")
def receipt():
    from samples.generate import sample_page

    for seed in range(1, 40):  # the receipt variants that print a QR code
        image, truth = sample_page(seed=seed, doc_type="phieu_tiep_nhan", level="medium")
        if truth.qr_codes:
            return image, truth
    pytest.fail("the generator printed no QR code on 40 receipts")


def test_receipt_qr_is_decoded(receipt) -> None:
    image, truth = receipt
    assert decode_qr(image, 300) == truth.qr_codes


@pytest.fixture(scope="module")
def moved(receipt):
    """The receipt shifted to the page's bottom-right quarter: its QR far from the corner."""
    image, _ = receipt
    height, width = image.shape[:2]
    page = image.copy()
    page[:] = 255
    page[height // 2 :, width // 2 :] = image[: height - height // 2, : width - width // 2]
    return page


def test_qr_away_from_the_corner_is_still_found(receipt, moved) -> None:
    assert decode_qr(moved, 300) == receipt[1].qr_codes


def test_page_without_qr_gives_nothing() -> None:
    from samples.generate import sample_page

    image, truth = sample_page(seed=2, doc_type="quyet_dinh", level="clean")
    assert truth.qr_codes == []
    assert decode_qr(image, 300) == []


def test_whole_page_search_only_where_the_text_speaks_of_a_dossier(receipt, moved) -> None:
    from samples.generate import sample_page

    image, truth = receipt
    assert decode_qr(moved, 300, anywhere=False) == []  # corner only: the moved code is missed
    assert decode_qr(image, 300, anywhere=False) == truth.qr_codes  # in its corner: found
    assert speaks_of_a_dossier(truth.text)
    assert speaks_of_a_dossier("Mã hồ sơ: 000.00.24.H18-231015-0042")
    assert speaks_of_a_dossier("GIAY TIẾP NHẠN HỒ SƠ")  # OCR-damaged receipt title
    _, decision = sample_page(seed=2, doc_type="quyet_dinh", level="clean")
    assert not speaks_of_a_dossier("Thọ Sơn, ngày 15 tháng 10 năm 2023")
    assert not speaks_of_a_dossier(decision.text) or "hồ sơ" in decision.text.lower()
