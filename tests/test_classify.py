"""Page classification: title rules, the OCR-noise model, the shipped model, training."""

import random

import numpy as np
import pytest

from ocr.classify import load_model, score_pages
from ocr.classify.model import DEFAULT_PATH, MODEL_VERSION, PageModel
from ocr.classify.noise import add_noise
from ocr.classify.rules import classify_page
from ocr.result import Page
from ocr.understand import understand

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "phieu_tiep_nhan"),
        (
            "ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT,\n"
            "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
            "don_dang_ky_dat_dai",  # contains the certificate's title, but is an application
        ),
        ("ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI,\nTÀI SẢN GẮN LIỀN VỚI ĐẤT", "don_dang_ky_bien_dong"),
        ("GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT", "giay_chung_nhan_qsdd"),
        ("HỢP ĐỒNG TẶNG CHO QUYỀN SỬ DỤNG ĐẤT", "hop_dong_chuyen_nhuong"),
        ("TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT", "trich_luc_ban_do"),
        ("TỜ KHAI THUẾ THU NHẬP CÁ NHÂN", "to_khai_thue"),
        ("QUYẾT ĐỊNH\nVề việc giao đất", "quyet_dinh"),
        ("BÁO CÁO\nĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG", "bao_cao_dtm"),
        ("GIẤY PHÉP MÔI TRƯỜNG\nQUYẾT ĐỊNH:", "giay_phep_moi_truong"),  # first title wins
        ("PHIẾU ĐĂNG KÝ MÔI TRƯỜNG", "dang_ky_moi_truong"),
        ("CHỨNG MINH NHÂN DÂN", "can_cuoc"),
        ("HỢP ĐỒNG ỦY QUYỀN", "giay_uy_quyen"),
        # OCR damage: lost diacritics, confusions, glued words
        ("HOP DONG CHUYEN NHUONG QUYEN SU DUNG ÐAT", "hop_dong_chuyen_nhuong"),
        ("TRÍCH LUC BẢN ĐÒ ĐJA CHÍNH", "trich_luc_ban_do"),
        ("GIẤY TIẾP NHẬN HỎ SƠVÀ HẸN TRẢ KẾT QUA", "phieu_tiep_nhan"),
    ],
)
def test_title_rules(title, doc_type):
    result = classify_page(HEADER + title + "\nKính gửi: Ủy ban nhân dân xã\nNội dung ...")
    assert result.has_title and result.best == doc_type


def test_no_title_is_a_continuation_or_khac():
    body = "Điều 3. Hai bên cam kết thực hiện đúng hợp đồng.\nBên A có nghĩa vụ giao đất ..."
    result = classify_page(body)
    assert not result.has_title and result.best == "khac"


def test_noise_is_deterministic_and_grows_with_level():
    text = "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số: 12, Tờ bản đồ số: 4\n" * 5
    assert add_noise(text, "clean", random.Random(1)) == text
    a = add_noise(text, "hard", random.Random(3))
    assert a == add_noise(text, "hard", random.Random(3))
    diffs = []
    for level in ("mild", "medium", "hard"):
        noisy = [add_noise(text, level, random.Random(s)) for s in range(20)]
        diffs.append(np.mean([sum(x != y for x, y in zip(n, text, strict=False)) for n in noisy]))
    assert diffs[0] < diffs[1] < diffs[2]


def test_shipped_model_is_small_versioned_and_loads_offline():
    assert DEFAULT_PATH.exists() and DEFAULT_PATH.stat().st_size < 2_000_000
    model = load_model()
    assert model.config["version"] == MODEL_VERSION
    assert "held_out_variants" in model.config and model.config["seed"] >= 0


def test_model_save_load_roundtrip(tmp_path):
    from samples.content import iter_documents

    model = load_model()
    path = tmp_path / "copy.npz"
    model.save(path)
    again = PageModel.load(path)
    docs = list(iter_documents(seed=5, n=6))
    pages = [Page(number=i + 1, text=d.pages[0].text) for i, d in enumerate(docs)]
    a = score_pages(pages, model)
    b = score_pages(pages, again)
    for x, y in zip(a, b, strict=True):
        assert (
            np.allclose(x.type_probs, y.type_probs, atol=1e-5) and abs(x.p_start - y.p_start) < 1e-5
        )


def test_classifier_on_held_out_layouts():
    """Documents in layouts held out of training, with OCR noise: title pages by themselves,
    whole documents through `understand` (continuations take their document's type)."""
    from samples.content import iter_documents, split_variants

    _, held = split_variants()
    rng = random.Random(11)
    titles_right = starts_right = docs_right = n_pages = n_docs = 0
    for doc in iter_documents(seed=9001, n=56, variants=held):
        pages = [
            Page(number=i + 1, text=add_noise(p.text, "mild", rng), blank=p.blank)
            for i, p in enumerate(doc.pages)
        ]
        scores = score_pages(pages)
        titles_right += scores[0].type_probs.argmax() == load_model_types().index(doc.doc_type)
        for i, s in enumerate(scores):
            if not s.blank:
                n_pages += 1
                starts_right += (s.p_start > 0.5) == (i == 0)
        result = understand(pages)
        n_docs += 1
        docs_right += [(d.doc_type, d.pages) for d in result.documents] == [
            (doc.doc_type, [p.number for p in pages])
        ]
    assert titles_right / n_docs >= 0.9
    assert starts_right / n_pages >= 0.95
    assert docs_right / n_docs >= 0.9


def load_model_types() -> list[str]:
    from ocr.classify.rules import DOC_TYPES

    return list(DOC_TYPES)


@pytest.mark.slow
def test_training_is_reproducible_and_learns_corrections(tmp_path):
    from samples.train import train

    config = {"n_docs": 40, "copies": 1, "char_features": 3000, "word_features": 2000}
    odd = "BIÊN BẢN HỌP GIA ĐÌNH\nHôm nay các thành viên gia đình thống nhất ..." * 2
    corrections = [{"text": odd, "doc_type": "giay_uy_quyen", "is_start": True}]
    reports = [train(3, tmp_path / f"m{i}.npz", corrections, config) for i in range(2)]
    assert reports[0].n_pages == reports[1].n_pages and reports[0].n_corrections == 1
    models = [PageModel.load(tmp_path / f"m{i}.npz") for i in range(2)]
    from samples.content import iter_documents

    pages = [Page(number=1, text=p.text) for d in iter_documents(77, 8) for p in d.pages[:1]]
    pages.append(Page(number=99, text=odd))
    a, b = (score_pages(pages, m) for m in models)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.type_probs, y.type_probs) and x.p_start == y.p_start
    assert load_model_types()[int(a[-1].type_probs.argmax())] == "giay_uy_quyen"
