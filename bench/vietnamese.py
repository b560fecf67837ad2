"""Micro-benchmark of the Vietnamese post-corrector (ocr.vietnamese) on real Tesseract output.

Pages are rendered from administrative paragraphs written here (not from samples), degraded
at four levels (clean, mild, medium, hard), read by `tesseract -l vie` with per-word confidences,
and scored before and after `correct_words`: CER and WER (NFC, whitespace collapsed), the share of
words the corrector changed, and its CPU time against Tesseract's on the same pages (CPU time,
so that other work on the machine does not skew the ratio). A second section
damages the same paragraphs with the synthetic diacritic model of `ocr.vietnamese.noise`.

    .venv/bin/python -m bench.vietnamese [--workers 2] [--fonts 2]   (bench/ocr.py would shadow
    the ocr package if this file were run by path)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from ocr.vietnamese import correct_text, correct_words
from ocr.vietnamese.lexicon import lexicon
from ocr.vietnamese.noise import corrupt

OUT = Path(__file__).parent / "out" / "vietnamese.json"
FONTS = [
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
]
LEVELS = {  # name: (scan dpi, blur sigma, noise sigma, jpeg quality)
    "clean": (300, 0.0, 0.0, 95),
    "mild": (200, 0.6, 8.0, 70),
    "medium": (150, 0.9, 14.0, 45),
    "hard": (120, 1.1, 20.0, 30),
}

TEXTS = [
    """ỦY BAN NHÂN DÂN TỈNH BẮC NINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
QUYẾT ĐỊNH
Về việc phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của dự án đầu tư xây
dựng nhà máy sản xuất linh kiện điện tử tại khu công nghiệp Quế Võ.
Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020; căn cứ Nghị định số 08/2022/NĐ-CP
ngày 10 tháng 01 năm 2022 của Chính phủ quy định chi tiết một số điều của Luật Bảo vệ môi
trường; xét đề nghị của Giám đốc Sở Tài nguyên và Môi trường tại Tờ trình số 45/TTr-STNMT.
Điều 1. Phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của dự án với các nội
dung chính sau: quy mô diện tích sử dụng đất khoảng 52.000 mét vuông; công suất thiết kế mười
triệu sản phẩm mỗi năm; hệ thống xử lý nước thải tập trung công suất 800 mét khối mỗi ngày đêm.
Điều 2. Chủ dự án có trách nhiệm thực hiện đầy đủ các biện pháp giảm thiểu tác động xấu đến môi
trường, quan trắc chất lượng nước thải, khí thải và quản lý chất thải rắn, chất thải nguy hại
theo đúng quy định của pháp luật.""",
    """HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT
Hôm nay, ngày 14 tháng 6 năm 2023, tại Văn phòng công chứng Nguyễn Trãi, chúng tôi gồm có:
Bên chuyển nhượng: ông Phạm Đức Thắng, sinh năm 1968, và vợ là bà Vũ Thị Mai, sinh năm 1971,
cùng thường trú tại thôn Đông, xã Tiên Dương. Bên nhận chuyển nhượng: anh Hoàng Minh Quân, sinh
năm 1990. Hai bên đồng ý thực hiện việc chuyển nhượng quyền sử dụng đất với các thỏa thuận sau:
Điều 1. Quyền sử dụng đất chuyển nhượng là thửa đất số 318, tờ bản đồ số 7, diện tích 96 mét
vuông, mục đích sử dụng đất ở tại nông thôn, thời hạn sử dụng lâu dài, đã được cấp giấy chứng
nhận quyền sử dụng đất số vào sổ CH 01234.
Điều 2. Giá chuyển nhượng và phương thức thanh toán do hai bên tự thỏa thuận và chịu trách nhiệm
trước pháp luật. Bên nhận chuyển nhượng có nghĩa vụ nộp lệ phí trước bạ, bên chuyển nhượng nộp
thuế thu nhập cá nhân. Việc đăng ký biến động đất đai được thực hiện tại Chi nhánh Văn phòng
đăng ký đất đai trong thời hạn ba mươi ngày kể từ ngày hợp đồng có hiệu lực.""",
    """ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT
Kính gửi: Chi nhánh Văn phòng đăng ký đất đai huyện Gia Lâm.
Người sử dụng đất: bà Đỗ Thị Thanh Hòa, năm sinh 1975, số định danh cá nhân được ghi trong hồ
sơ kèm theo; địa chỉ: số 12 ngõ 45 đường Cổ Bi, thị trấn Trâu Quỳ.
Nội dung biến động: tách thửa đất số 201 thành hai thửa để tặng cho con gái một phần diện tích;
lý do biến động: tặng cho quyền sử dụng đất theo hợp đồng đã được công chứng.
Giấy tờ nộp kèm theo đơn gồm: bản gốc giấy chứng nhận đã cấp, hợp đồng tặng cho, bản trích đo
địa chính thửa đất, tờ khai lệ phí trước bạ và giấy ủy quyền của các thành viên trong hộ gia
đình. Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu
trách nhiệm trước pháp luật. Ý kiến của Ủy ban nhân dân xã: đất không có tranh chấp, phù hợp với
quy hoạch sử dụng đất đã được phê duyệt.""",
]


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def rates(truth: str, text: str) -> tuple[float, float]:
    t, h = norm(truth), norm(text)
    return Levenshtein.distance(t, h) / len(t), Levenshtein.distance(t.split(), h.split()) / len(
        t.split()
    )


def render(text: str, font_path: str) -> np.ndarray:
    """A 300-dpi A4-width page with 11-point text, gray uint8."""
    font = ImageFont.truetype(font_path, 46)
    lines = text.split("\n")
    page = Image.new("L", (2480, 120 + 66 * len(lines) + 120), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((150, 120 + 66 * i), line, font=font, fill=0)
    return np.asarray(page)


def degrade(gray: np.ndarray, level: str, seed: int) -> np.ndarray:
    dpi, blur, noise, quality = LEVELS[level]
    rng = np.random.default_rng(seed)
    h, w = gray.shape
    img = cv2.resize(gray, (w * dpi // 300, h * dpi // 300), interpolation=cv2.INTER_AREA)
    if blur:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    if noise:
        img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return cv2.resize(img, (w, h), interpolation=cv2.INTER_CUBIC) if dpi != 300 else img


def recognise(job: tuple[int, int, str]) -> dict:
    """One page through Tesseract: words with confidences, in reading order."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    text_index, font_index, level = job
    truth = TEXTS[text_index]
    image = degrade(render(truth, FONTS[font_index]), level, seed=text_index * 10 + font_index)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = pytesseract.image_to_data(
        image, lang="vie", config="--psm 6", output_type=pytesseract.Output.DICT
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    words, lines = [], []
    for i, text in enumerate(data["text"]):
        if text.strip():
            words.append((text, max(0.0, float(data["conf"][i]) / 100)))
            lines.append((data["block_num"][i], data["par_num"][i], data["line_num"][i]))
    return {"level": level, "truth": truth, "words": words, "lines": lines, "seconds": seconds}


def join(words: list[str], lines: list[tuple[int, int, int]]) -> str:
    out = []
    for i, word in enumerate(words):
        if i:
            out.append("\n" if lines[i] != lines[i - 1] else " ")
        out.append(word)
    return "".join(out)


def section_tesseract(workers: int, n_fonts: int) -> dict:
    jobs = [(t, f, lv) for lv in LEVELS for t in range(len(TEXTS)) for f in range(n_fonts)]
    with ProcessPoolExecutor(workers) as pool:
        pages = list(pool.map(recognise, jobs))
    lexicon()
    results: dict[str, dict] = {}
    for level in LEVELS:
        rows = {"raw_cer": [], "cor_cer": [], "raw_wer": [], "cor_wer": []}
        changed = total = 0
        tess, fix = [], []
        for page in (p for p in pages if p["level"] == level):
            start = time.process_time()
            fixed = correct_words(page["words"])
            fix.append(time.process_time() - start)
            tess.append(page["seconds"])
            raw_text = join([w for w, _ in page["words"]], page["lines"])
            cor_text = join(fixed, page["lines"])
            for name, text in (("raw", raw_text), ("cor", cor_text)):
                c, w = rates(page["truth"], text)
                rows[f"{name}_cer"].append(c)
                rows[f"{name}_wer"].append(w)
            changed += sum(a != b for (a, _), b in zip(page["words"], fixed, strict=True))
            total += len(fixed)
        results[level] = {
            "pages": len(fix),
            **{k: statistics.mean(v) for k, v in rows.items()},
            "words_changed": changed / max(1, total),
            "tesseract_s_median": statistics.median(tess),
            "correct_ms_median": 1000 * statistics.median(fix),
        }
    return results


def section_synthetic() -> dict:
    results = {}
    for rate in (0.0, 0.05, 0.15, 0.30):
        before, after, times = [], [], []
        for seed in range(10):
            for truth in TEXTS:
                damaged = corrupt(truth, rate=rate, seed=seed) if rate else truth
                start = time.process_time()
                fixed = correct_text(damaged)
                times.append(time.process_time() - start)
                before.append(rates(truth, damaged)[0])
                after.append(rates(truth, fixed)[0])
        results[f"{rate:.2f}"] = {
            "cer_before": statistics.mean(before),
            "cer_after": statistics.mean(after),
            "ms_per_2000_chars": 1000
            * statistics.median(times)
            * 2000
            / statistics.mean(len(t) for t in TEXTS),
        }
    return results


def table(title: str, header: list[str], rows: list[list]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for row in [header, *rows]:
        print("  ".join(str(x).rjust(n) for x, n in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--fonts", type=int, default=2, choices=range(1, len(FONTS) + 1))
    args = parser.parse_args(argv)

    start = time.perf_counter()
    lexicon()
    load_s = time.perf_counter() - start
    tess = section_tesseract(args.workers, args.fonts)
    table(
        "Tesseract vie + correct_words (baseline: raw Tesseract, same pages and run)",
        [
            "level",
            "pages",
            "CER raw",
            "CER fixed",
            "ratio",
            "WER raw",
            "WER fixed",
            "changed",
            "tess cpu s",
            "fix cpu ms",
            "fix/tess",
        ],  # fmt: skip
        [
            [
                lv,
                r["pages"],
                f"{r['raw_cer']:.4f}",
                f"{r['cor_cer']:.4f}",
                f"{r['cor_cer'] / r['raw_cer']:.2f}" if r["raw_cer"] else "-",
                f"{r['raw_wer']:.4f}",
                f"{r['cor_wer']:.4f}",
                f"{r['words_changed']:.3f}",
                f"{r['tesseract_s_median']:.2f}",
                f"{r['correct_ms_median']:.1f}",
                f"{r['correct_ms_median'] / 1000 / r['tesseract_s_median']:.4f}",
            ]  # fmt: skip
            for lv, r in tess.items()
        ],
    )
    synth = section_synthetic()
    table(
        "Synthetic diacritic damage (ocr.vietnamese.noise) + correct_text",
        ["rate", "CER damaged", "CER fixed", "ratio", "cpu ms/2000 chars"],
        [
            [
                rate,
                f"{r['cer_before']:.4f}",
                f"{r['cer_after']:.4f}",
                f"{r['cer_after'] / r['cer_before']:.2f}" if r["cer_before"] else "-",
                f"{r['ms_per_2000_chars']:.1f}",
            ]  # fmt: skip
            for rate, r in synth.items()
        ],
    )
    print(f"\nlexicon: {lexicon().source}, loaded in {load_s:.2f} s (once per process)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "tesseract": tess,
                "synthetic": synth,
                "lexicon": lexicon().source,
                "lexicon_load_s": load_s,
            },  # fmt: skip
            indent=2,
        )
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
