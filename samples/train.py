"""Train the page model from generated documents (plus staff corrections); reproducible by seed.

    python -m samples.train --seed 1 --out ocr/classify/model-v1.npz

Training text is the generator's clean page text passed through the OCR-noise model at mixed
defect levels; one layout variant per type is held out (`samples.content.split_variants`)
and the text is worded in the training wording family only (`samples.families`), so the
benchmark measures layouts and wording the model never saw. Corrections are pages staff fixed in
`sohoa review` ({"text": ..., "doc_type": ..., "is_start": optional bool}); they are added
as extra training pages (weighted), so the next model learns from them.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from ocr.classify.features import Featurizer, PageInput, is_blank_text
from ocr.classify.model import DEFAULT_PATH, MODEL_VERSION, PageModel
from ocr.classify.noise import LEVELS, add_noise
from ocr.classify.rules import DOC_TYPES
from samples.families import FAMILIES, TRAIN, retone

# the one training wording family (tone-mark style); the others are held out
TRAINING_WORDING = next(m for m, s in FAMILIES["wording"].items() if s == TRAIN)

DEFAULT_MODEL_PATH = DEFAULT_PATH  # the shipped model, ocr/classify/model-v1.npz

DEFAULT_CONFIG: dict = {
    "n_docs": 2400,
    "copies": 2,  # noisy copies per page
    "level_weights": [0.2, 0.3, 0.3, 0.2],  # clean, light, medium, hard
    "drop_qr": 0.3,  # receipts without a readable QR code
    "char_ngrams": [2, 5],
    "char_features": 20000,
    "word_features": 8000,
    "head_features": 3000,
    "cue_weight": 1.0,
    "C_type": 8.0,
    "C_start": 4.0,
    "held_out": -1,  # variant index held out per type (split_variants)
    "correction_weight": 3,
    "title_swap": 0.3,  # title pages whose title is replaced by another printed title of the type
}

# Titles as printed, per type (TAXONOMY.md): used to vary the titles of training pages so the
# model ties every listed title to its type, not only the ones the generator's layouts print.
PRINTED_TITLES: dict[str, list[list[str]]] = {
    "phieu_tiep_nhan": [["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"],
                        ["PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"]],
    "don_dang_ky_dat_dai": [
        ["ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT,",
         "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"],
        ["ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT"]],
    "don_dang_ky_bien_dong": [["ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI,", "TÀI SẢN GẮN LIỀN VỚI ĐẤT"],
                              ["ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT"]],
    "giay_chung_nhan_qsdd": [
        ["GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT",
         "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"],
        ["GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT,", "QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"]],
    "hop_dong_chuyen_nhuong": [["HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT"],
                               ["HỢP ĐỒNG TẶNG CHO QUYỀN SỬ DỤNG ĐẤT"],
                               ["HỢP ĐỒNG THẾ CHẤP QUYỀN SỬ DỤNG ĐẤT"]],
    "trich_luc_ban_do": [["TRÍCH LỤC BẢN ĐỒ ĐỊA CHÍNH"], ["TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT"]],
    "to_khai_thue": [["TỜ KHAI LỆ PHÍ TRƯỚC BẠ"], ["TỜ KHAI THUẾ THU NHẬP CÁ NHÂN"]],
    "quyet_dinh": [["QUYẾT ĐỊNH"]],
    "bao_cao_dtm": [["BÁO CÁO ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG"],
                    ["BÁO CÁO", "ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG"]],
    "giay_phep_moi_truong": [["GIẤY PHÉP MÔI TRƯỜNG"],
                             ["VĂN BẢN ĐỀ NGHỊ", "CẤP GIẤY PHÉP MÔI TRƯỜNG"]],
    "dang_ky_moi_truong": [["PHIẾU ĐĂNG KÝ MÔI TRƯỜNG"], ["VĂN BẢN ĐĂNG KÝ MÔI TRƯỜNG"]],
    "can_cuoc": [["CĂN CƯỚC CÔNG DÂN"], ["CĂN CƯỚC"], ["CHỨNG MINH NHÂN DÂN"]],
    "giay_uy_quyen": [["GIẤY ỦY QUYỀN"], ["HỢP ĐỒNG ỦY QUYỀN"]],
}  # fmt: skip


def swap_title(text: str, doc_type: str, rng: random.Random) -> str:
    """Replace the printed title lines of a title page by another listed title of its type."""
    from ocr.classify.rules import TITLE_THRESHOLD, _clean, _score
    from ocr.fields.text import fold

    options = PRINTED_TITLES.get(doc_type)
    if not options:
        return text
    lines = text.splitlines()
    titles = [_clean(fold(" ".join(t))) for t in options]
    for i in range(min(len(lines), 20)):
        for k in (3, 2, 1):
            cand = _clean(fold(" ".join(lines[i : i + k])))
            block = lines[i : i + k]
            if (
                cand
                and len(block) == k
                and all(ln.isupper() for ln in block)
                and max(_score(cand, t) for t in titles) >= TITLE_THRESHOLD
            ):
                return "\n".join(lines[:i] + rng.choice(options) + lines[i + k :])
    return text


@dataclass
class Sample:
    text: str
    qr_codes: tuple[str, ...]
    doc_type: str
    is_start: bool | None
    variant: str = ""
    level: str = "clean"


@dataclass
class TrainReport:
    version: str
    seed: int
    out_path: str
    size_bytes: int
    seconds: float
    n_documents: int
    n_pages: int
    n_corrections: int
    train_type_accuracy: float
    train_start_accuracy: float
    held_out_variants: dict[str, list[str]]
    config: dict = field(default_factory=dict)


def training_variants(held_out: int = -1) -> tuple[dict, dict]:
    """(train, held-out) layout families (`samples.families.layout_variants` uses the same)."""
    from samples.content import split_variants

    return split_variants(held_out)


def generate_samples(seed: int, config: dict) -> list[Sample]:
    """Noisy page samples from `n_docs` generated documents of the training variants."""
    from samples.content import iter_documents

    train_variants, _ = training_variants(config["held_out"])
    rng = random.Random(seed * 7919 + 17)
    samples: list[Sample] = []
    for doc in iter_documents(seed, config["n_docs"], variants=train_variants):
        for i, page in enumerate(doc.pages):
            if page.blank or is_blank_text(page.text):
                continue
            for _ in range(config["copies"]):
                level = rng.choices(LEVELS, weights=config["level_weights"])[0]
                qr = tuple(page.qr_codes) if rng.random() >= config["drop_qr"] else ()
                text = retone(page.text, TRAINING_WORDING)
                if i == 0 and rng.random() < config["title_swap"]:
                    text = swap_title(text, doc.doc_type, rng)
                text = add_noise(text, level, rng)
                samples.append(Sample(text, qr, doc.doc_type, i == 0, doc.variant, level))
    return samples


def correction_samples(corrections: list[dict] | None, weight: int) -> list[Sample]:
    out = []
    for c in corrections or []:
        doc_type = c.get("doc_type")
        text = c.get("text") or ""
        if doc_type not in DOC_TYPES or is_blank_text(text):
            continue
        start = c.get("is_start")
        out += [Sample(text, tuple(c.get("qr_codes") or ()), doc_type, start, "staff")] * weight
    return out


def corrections_from_document(doc_type: str, page_texts: list[str]) -> list[dict]:
    """Training corrections from one reviewed document: its pages in order, the first one
    starting the document (so the start model learns from staff splits too)."""
    return [
        {"text": text, "doc_type": doc_type, "is_start": i == 0}
        for i, text in enumerate(page_texts)
        if text.strip()
    ]


def fit(samples: list[Sample], config: dict) -> tuple[PageModel, float, float]:
    pages = [PageInput(s.text, s.qr_codes) for s in samples]
    featurizer, x = Featurizer.fit(pages, config)
    y = np.array([s.doc_type for s in samples])
    type_lr = LogisticRegression(C=config["C_type"], max_iter=300, tol=1e-4)
    type_lr.fit(x, y)
    known = np.array([s.is_start is not None for s in samples])
    y_start = np.array([bool(s.is_start) for s in samples])
    start_lr = LogisticRegression(C=config["C_start"], max_iter=300, tol=1e-4)
    start_lr.fit(x[known], y_start[known])
    model = PageModel(
        featurizer=featurizer,
        classes=[str(c) for c in type_lr.classes_],
        type_coef=type_lr.coef_,
        type_intercept=type_lr.intercept_,
        start_coef=start_lr.coef_.ravel(),
        start_intercept=float(start_lr.intercept_[0]),
        config=config,
    )
    type_acc = float((type_lr.predict(x) == y).mean())
    start_acc = float((start_lr.predict(x[known]) == y_start[known]).mean())
    return model, type_acc, start_acc


def train(
    seed: int,
    out_path: Path,
    corrections: list[dict] | None = None,
    config: dict | None = None,
) -> TrainReport:
    """Generate, fit, save; the same seed, config and corrections give the same model."""
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    started = time.perf_counter()
    samples = generate_samples(seed, cfg)
    extra = correction_samples(corrections, cfg["correction_weight"])
    model, type_acc, start_acc = fit(samples + extra, cfg)
    _, held = training_variants(cfg["held_out"])
    model.config = {
        **cfg,
        "version": MODEL_VERSION,
        "seed": seed,
        "n_corrections": len(corrections or []),
        "held_out_variants": {k: list(v) for k, v in held.items()},
    }
    out_path = Path(out_path)
    model.save(out_path)
    return TrainReport(
        version=MODEL_VERSION,
        seed=seed,
        out_path=str(out_path),
        size_bytes=out_path.stat().st_size,
        seconds=round(time.perf_counter() - started, 1),
        n_documents=cfg["n_docs"],
        n_pages=len(samples) + len(extra),
        n_corrections=len(corrections or []),
        train_type_accuracy=round(type_acc, 4),
        train_start_accuracy=round(start_acc, 4),
        held_out_variants={k: list(v) for k, v in held.items()},
        config=cfg,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--docs", type=int, default=DEFAULT_CONFIG["n_docs"])
    parser.add_argument("--corrections", type=Path, help="JSON list of corrected pages")
    args = parser.parse_args(argv)
    corrections = json.loads(args.corrections.read_text()) if args.corrections else None
    report = train(args.seed, args.out, corrections, {"n_docs": args.docs})
    print(json.dumps(asdict(report), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
