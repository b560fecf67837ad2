"""Recognition of generated pages with real Tesseract, and the reading-order rules on their own."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from ocr import recognize as rec
from ocr.result import Word


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _cer(truth: str, text: str) -> float:
    return Levenshtein.distance(_norm(truth), _norm(text)) / len(_norm(truth))


@pytest.fixture(scope="module")
def decision_page():
    """A clean decision page (header, body, signature with a red seal) as Tesseract gets it."""
    from ocr.preprocess import prepare
    from samples.generate import sample_page

    image, truth = sample_page(seed=1, doc_type="quyet_dinh", level="clean")
    return prepare(image, 300).ocr_image, truth


@pytest.fixture(scope="module")
def recognised(decision_page):
    gray, _ = decision_page
    return rec.recognize(gray, dpi=300)


def test_clean_page_is_read_close_to_the_truth(decision_page, recognised) -> None:
    _, truth = decision_page
    assert _cer(truth.text, recognised.text) < 0.02


def test_words_have_boxes_on_the_page_and_confidences_in_0_1(decision_page, recognised) -> None:
    gray, _ = decision_page
    height, width = gray.shape
    assert len(recognised.words) > 50
    for word in recognised.words:
        x0, y0, x1, y1 = word.box
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        assert 0.0 <= word.confidence <= 1.0
    assert 0.7 < recognised.mean_confidence <= 1.0
    assert (recognised.width, recognised.height) == (width, height)


def test_a_300_dpi_page_is_read_at_200_dpi_with_boxes_in_page_pixels(
    decision_page, recognised
) -> None:
    """The default reading (downsampled to RECOGNITION_DPI) puts each word where the full-size
    reading does: boxes are mapped back to the page, not left in the smaller image's pixels."""
    gray, _ = decision_page
    assert rec.RECOGNITION_DPI < 300
    full = rec.recognize(gray, dpi=300, max_dpi=None)
    once = {w.text: w for w in full.words if sum(v.text == w.text for v in full.words) == 1}
    pairs = [(w, once[w.text]) for w in recognised.words if w.text in once and len(w.text) > 3]
    assert len(pairs) > 30
    for small, big in pairs:
        cx = (small.box[0] + small.box[2]) / 2 - (big.box[0] + big.box[2]) / 2
        cy = (small.box[1] + small.box[3]) / 2 - (big.box[1] + big.box[3]) / 2
        assert abs(cx) < 8 and abs(cy) < 8, (small, big)
        assert 0.8 < (small.box[2] - small.box[0]) / (big.box[2] - big.box[0]) < 1.25


def test_national_header_is_read_left_column_then_right(decision_page, recognised) -> None:
    _, truth = decision_page
    text = _norm(recognised.text)
    number = text.index("Số:")
    motto = text.index("CỘNG HÒA")
    title = text.index("QUYẾT ĐỊNH")
    assert number < motto < title  # the whole left column comes before the right one
    tesseract_order = rec.finish_words(
        rec.parse_tsv(rec.run_tesseract(decision_page[0], dpi=300)["tsv"].decode("utf-8")),
        *decision_page[0].shape[::-1],
        order="tesseract",
    )
    ours, theirs = _cer(truth.text, recognised.text), _cer(truth.text, tesseract_order.text)
    assert ours <= theirs


def test_missing_language_is_a_missing_dependency() -> None:
    from ocr.errors import MissingDependency

    page = np.full((200, 400), 255, np.uint8)
    with pytest.raises(MissingDependency):
        rec.recognize(page, dpi=300, lang="xyz_not_installed")


# --- reading order on hand-placed words (no Tesseract) -------------------------------------


def _line(text: str, x: int, y: int, conf: float = 0.95, line_id: int | None = None) -> list[Word]:
    words, cursor = [], x
    for part in text.split():
        width = 22 * len(part)
        words.append(Word(part, conf, (cursor, y, cursor + width, y + 40), 1, line_id or y))
        cursor += width + 14
    return words


def _read(words: list[Word], width: int = 2480) -> str:
    return rec.finish_words(words, width, 3508, correct=False).text


def test_header_zone_reads_left_column_first() -> None:
    words = (
        _line("UBND HUYỆN A", 300, 200)
        + _line("CỘNG HÒA XÃ HỘI", 1300, 200)
        + _line("PHÒNG TÀI NGUYÊN", 280, 260)
        + _line("Độc lập Tự do", 1350, 260)
        + _line("Số: 12/QĐ", 330, 320)
        + _line("QUYẾT ĐỊNH", 1000, 500)
        + _line("Điều 1. Cấp giấy chứng nhận cho ông An thửa đất số 5", 300, 600)
    )
    assert _read(words).split("\n") == [
        "UBND HUYỆN A",
        "PHÒNG TÀI NGUYÊN",
        "Số: 12/QĐ",
        "",
        "CỘNG HÒA XÃ HỘI",
        "Độc lập Tự do",
        "",
        "QUYẾT ĐỊNH",
        "Điều 1. Cấp giấy chứng nhận cho ông An thửa đất số 5",
    ]


def test_two_segments_mid_page_are_one_row_and_table_rows_stay_rows() -> None:
    words = (
        _line("QUYẾT ĐỊNH", 1000, 200)
        + _line("Thửa đất số: 427", 300, 400)
        + _line("Tờ bản đồ số: 52", 1400, 400)
        + _line("Diện tích: 120 m²", 300, 460)
        + _line("1", 300, 520)
        + _line("2360084,97", 700, 520)
        + _line("547197,93", 1300, 520)
        + _line("Trang 1/2", 1100, 3300)
    )
    lines = [line for line in _read(words).split("\n") if line]
    assert lines[1:4] == [
        "Thửa đất số: 427 Tờ bản đồ số: 52",
        "Diện tích: 120 m²",
        "1 2360084,97 547197,93",
    ]


def test_signature_zone_at_the_foot_reads_left_then_right() -> None:
    words = (
        _line("Điều 3. Quyết định này có hiệu lực kể từ ngày ký ban hành", 300, 2500)
        + _line("Nơi nhận:", 300, 2700)
        + _line("TM. ỦY BAN NHÂN DÂN", 1400, 2700)
        + _line("Như Điều 3;", 300, 2760)
        + _line("CHỦ TỊCH", 1500, 2760)
        + _line("Lưu: VT.", 300, 2820)
        + _line("Nguyễn Văn An", 1450, 3100)
    )
    assert _norm(_read(words)).endswith(
        "Nơi nhận: Như Điều 3; Lưu: VT. TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Văn An"
    )


def test_a_body_line_with_a_lost_word_does_not_start_the_signature_zone() -> None:
    """A degraded body line read with a gap where a word was lost is two segments a line height
    or two apart: the signature block under it is a zone, the body line is not part of it."""
    words = (
        _line("Điều 3. Quyết định này có hiệu lực kể từ ngày ký ban hành", 300, 2400)
        + _line("Bên được ủy quyền cam kết thực", 300, 2500)  # "hiện" lost: a gap
        + _line("đúng phạm vi được ủy quyền", 912 + 70, 2500)
        + _line("lại cho người khác.", 300, 2560)
        + _line("BÊN ĐƯỢC ỦY QUYỀN", 400, 2700)
        + _line("BÊN ỦY QUYỀN", 1600, 2700)
        + _line("Bùi Duy Dũng", 450, 3000)
        + _line("Trần Duy Huy", 1620, 3000)
    )
    text = _norm(_read(words))
    assert "thực đúng phạm vi được ủy quyền lại cho người khác." in text
    assert text.endswith("BÊN ĐƯỢC ỦY QUYỀN Bùi Duy Dũng BÊN ỦY QUYỀN Trần Duy Huy")


def _centred_line(text: str, centre: int, y: int) -> list[Word]:
    width = sum(22 * len(part) + 14 for part in text.split()) - 14
    return _line(text, centre - width // 2, y)


def test_a_signature_block_inside_the_page_reads_left_column_then_right() -> None:
    """A contract: the parties sign above the notary's attestation, so their two-column block
    ends neither the page nor starts it; its lines are centred on each column."""
    words = _line("theo quyết định của cơ quan nhà nước có thẩm quyền.", 300, 1500)
    for k, (left, right) in enumerate(
        [("BÊN A", "BÊN B"), ("(Ký, ghi rõ họ tên)",) * 2, ("Vũ Khánh Huệ", "Nguyễn Đình Nghĩa")]
    ):
        y = 1600 + 60 * k + (200 if k == 2 else 0)
        words += _centred_line(left, 700, y) + _centred_line(right, 1800, y)
    words += _centred_line("LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN", 1240, 2050)
    words += _line("Ngày 06 tháng 4 năm 2024, tại Văn phòng công chứng Phú Thọ", 300, 2120)
    assert _norm(_read(words)) == _norm(
        "theo quyết định của cơ quan nhà nước có thẩm quyền."
        " BÊN A (Ký, ghi rõ họ tên) Vũ Khánh Huệ BÊN B (Ký, ghi rõ họ tên) Nguyễn Đình Nghĩa"
        " LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN"
        " Ngày 06 tháng 4 năm 2024, tại Văn phòng công chứng Phú Thọ"
    )


def test_label_value_pairs_inside_the_page_stay_rows() -> None:
    """Two columns of 'label: value' inside the page line up on their left edges: rows."""
    rows = [
        ("Thửa đất số: 1022", "Tờ bản đồ số: 79"),
        ("Diện tích: 499,70 m²", "Hình thức: riêng"),
        ("Mục đích: ONT", "Thời hạn: lâu dài"),
    ]
    words = _line("Điều 1. Cấp giấy chứng nhận quyền sử dụng đất cho thửa đất sau:", 300, 1500)
    for k, (left, right) in enumerate(rows):
        words += _line(left, 300, 1600 + 60 * k) + _line(right, 1400, 1600 + 60 * k)
    words += _line("Điều 2. Quyết định này có hiệu lực kể từ ngày ký ban hành", 300, 1900)
    words += _line("Điều 3. Chánh Văn phòng và các ông, bà có tên chịu trách nhiệm", 300, 1960)
    lines = [line for line in _read(words).split("\n") if line]
    assert lines[1:4] == [f"{a} {b}" for a, b in rows]


def test_a_speck_read_as_an_accent_in_the_header_gutter_is_no_text() -> None:
    """Tesseract read a speck between the header's columns as 'ˆ' (confidence 0.64): it bridged
    the gutter, the two columns became one line and were read across."""
    words = _line("VĂN PHÒNG ĐĂNG KÝ", 300, 200, line_id=1)
    words += [Word("ˆ", 0.64, (760, 190, 790, 250), 1, 1)]
    words += _line("CỘNG HÒA XÃ HỘI", 810, 200, line_id=1)
    words += _line("CHI NHÁNH ĐÔNG ANH", 280, 260, line_id=2)
    words += _line("Độc lập - Tự do", 850, 260, line_id=2)
    words += _line("Điều 1. Cấp giấy chứng nhận cho ông An thửa đất số 5", 300, 600)
    assert _read(words).split("\n")[:4] == [
        "VĂN PHÒNG ĐĂNG KÝ",
        "CHI NHÁNH ĐÔNG ANH",
        "",
        "CỘNG HÒA XÃ HỘI",
    ]


def test_signature_scribbles_and_seal_specks_are_not_text() -> None:
    words = _line("Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024", 300, 600) + [
        Word("vVv⁄", 0.02, (1500, 900, 1600, 950), 2, 900),
        Word("`", 0.4, (1700, 900, 1720, 950), 2, 900),
        Word("Ế", 0.18, (400, 300, 430, 340), 3, 300),
        Word("eU", 0.0, (450, 300, 490, 340), 3, 300),
    ]
    assert _read(words) == "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024"


def test_a_doubted_code_is_kept_and_doubted_junk_with_one_digit_is_not() -> None:
    """Tesseract gives small italic codes ("Mẫu số 18/ĐK") confidences near 0.1 although it
    reads them right: the form number must survive the junk filter; a speck read "Ạ1" must not."""
    words = _line("Mẫu số", 1900, 200) + [
        Word("18/ĐK", 0.11, (2036, 200, 2136, 240), 1, 200),
        Word("Ạ1", 0.05, (2150, 200, 2180, 240), 1, 200),
    ]
    assert _read(words) == "Mẫu số 18/ĐK"


def test_units_and_lookalike_letters_are_repaired() -> None:
    words = _line("Diện tích: 355,6 mˆ", 300, 600) + _line("Nước thải 47 m°/ngày", 300, 700)
    words += _line("Số: 3817/TÐ-VPĐK", 300, 800)
    assert _read(words).split("\n") == [
        "Diện tích: 355,6 m²",
        "Nước thải 47 m³/ngày",
        "Số: 3817/TĐ-VPĐK",
    ]


def test_mean_confidence_weights_words_by_length() -> None:
    words = [Word("a", 0.0, (0, 0, 1, 1)), Word("abcd", 1.0, (0, 0, 1, 1))]
    assert rec.mean_confidence(words) == pytest.approx(0.8)
    assert rec.mean_confidence([]) == 0.0


def test_two_long_lines_overlapping_vertically_are_read_one_after_the_other() -> None:
    """A slanted phone photo: the next line's box reaches up into this one's; read left to right
    as one row the two lines interleaved. Tesseract's line order (it follows baselines) wins."""
    first = "Nguồn phát sinh khí thải chủ yếu từ bụi và khí thải từ phương tiện"
    second = "trong quá trình thi công và vận hành xưởng sản xuất bao bì nhựa"
    words = _line(first, 330, 600, line_id=1) + _line(second, 300, 612, line_id=2)
    assert _read(words).split("\n") == [first, second]


def test_a_speck_inside_a_row_keeps_the_row_left_to_right() -> None:
    words = _line("Chất ô nhiễm", 760, 430, line_id=2) + _line("STT", 300, 440, line_id=1)
    words += [Word("l", 0.9, (800, 440, 806, 470), 1, 3)]  # a rule tick inside its box
    assert _read(words) == "STT Chất ô nhiễm l"  # not Tesseract's order: Chất ô nhiễm STT


def test_signature_under_a_seal_reads_left_column_then_right() -> None:
    """The seal makes a right-column line tall: it spans two left-column lines, and a seal
    fragment read as a word sits under it. Left column first, each column top to bottom."""
    words = (
        _line("Nơi nhận:", 410, 2700)
        + _line("TM. ỦY BAN NHÂN DÂN", 1460, 2705)
        + _line("- Như Điều 3;", 420, 2760)
        + [Word("KT.", 0.9, (1500, 2765, 1560, 2870), 1, 5), *_line("CHỦ TỊCH", 1580, 2765, 0.9, 5)]
        + [Word("NHÀ", 0.7, (1573, 2820, 1661, 2848), 1, 6)]
        + _line("- Lưu: VT.", 420, 2828)
        + _line("PHÓ", 1500, 2880)
        + _line("CHỦ TỊCH", 1600, 2880)
        + _line("Nguyễn Văn An", 1450, 3100)
    )
    assert _norm(_read(words)).endswith(
        "Nơi nhận: - Như Điều 3; - Lưu: VT. TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH NHÀ PHÓ CHỦ TỊCH"
        " Nguyễn Văn An"
    )


def test_a_line_centred_on_the_page_ends_the_signature_zone() -> None:
    """A report cover: 'CHỦ DỰ ÁN' and 'ĐƠN VỊ TƯ VẤN' side by side, a long company name under
    the left one, then the place and date centred on the page, after both columns."""
    words = (
        _line("Địa điểm: thôn Đông, xã Kim Chung, huyện Đông Anh, thành phố Hà Nội", 300, 1800)
        + _line("CHỦ DỰ ÁN", 560, 2400)
        + _line("ĐƠN VỊ TƯ VẤN", 1700, 2400)
        + _line("Công ty TNHH Xây dựng và Thương mại Đại Việt", 214, 2460)
        + _line("Hà Nội, tháng 8 năm 2023", 840, 3000)
    )
    assert _norm(_read(words)).endswith(
        "CHỦ DỰ ÁN Công ty TNHH Xây dựng và Thương mại Đại Việt ĐƠN VỊ TƯ VẤN"
        " Hà Nội, tháng 8 năm 2023"
    )


def test_dot_leaders_and_rules_are_not_text_but_real_punctuation_stays() -> None:
    words = _line("Họ và tên:", 300, 600) + [
        Word("Quang..........................-.......", 0.6, (540, 600, 1400, 640), 1, 600),
        Word("hả::.................", 0.5, (300, 700, 900, 740), 1, 700),
        Word("........................", 0.4, (950, 700, 1700, 740), 1, 700),
        Word("————", 0.3, (300, 800, 700, 840), 1, 800),
    ]
    words += _line("Độc lập - Tự do - Hạnh phúc", 300, 900) + _line("v.v... Điều 1.-", 300, 1000)
    assert _read(words).split("\n") == [
        "Họ và tên: Quang",
        "hả:",
        "Độc lập - Tự do - Hạnh phúc",
        "v.v... Điều 1.-",
    ]


def test_table_rules_read_as_bars_are_not_text() -> None:
    words = [
        Word("|", 0.6, (280, 600, 286, 640), 1, 600),
        Word("|QCVN", 0.8, (300, 600, 400, 640), 1, 600),
        Word("19:2009", 0.9, (420, 600, 560, 640), 1, 600),
        Word("|", 0.9, (600, 600, 606, 640), 1, 600),
        Word("500|", 0.9, (700, 600, 780, 640), 1, 600),
        Word("Ì", 0.7, (800, 596, 812, 644), 1, 600),
        Word("THÌ", 0.9, (830, 600, 900, 640), 1, 600),
    ]
    assert _read(words) == "QCVN 19:2009 500 THÌ"
    word = rec.strip_leaders(Word("|QCVN", 0.8, (300, 600, 400, 640), 1, 600))
    assert word is not None and word.box == (320, 600, 400, 640)


def test_a_leader_cut_from_a_word_shrinks_its_box() -> None:
    word = rec.strip_leaders(Word("Nội.............", 0.8, (100, 10, 260, 40), 1, 1))
    assert word is not None and word.text == "Nội" and word.box == (100, 10, 130, 40)
    assert rec.strip_leaders(Word(".....", 0.8, (100, 10, 160, 40), 1, 1)) is None


def test_a_line_right_under_the_signature_comes_after_the_zone() -> None:
    """A certificate's foot: 'Số vào sổ' beside the date, the signer under the date, then
    'Số phát hành' at the left margin just under the signer's name: read last, not under 'Số
    vào sổ'. A signer's name far under its column's title still belongs to the column."""
    words = (
        _line("g) Nguồn gốc sử dụng: Được tặng cho quyền sử dụng đất", 215, 975)
        + _line("Số vào sổ cấp GCN: CS80541", 217, 1041)
        + _line("Điện Biên, ngày 25 tháng 5 năm 2024", 1100, 1043)
        + _line("GIÁM ĐỐC", 1300, 1083)
        + _line("Đặng Anh Sơn", 1280, 1276)
        + _line("Số phát hành: CY 255921", 216, 1330)
    )
    assert _norm(_read(words)).endswith(
        "Số vào sổ cấp GCN: CS80541 Điện Biên, ngày 25 tháng 5 năm 2024 GIÁM ĐỐC Đặng Anh Sơn"
        " Số phát hành: CY 255921"
    )


def test_a_line_cut_in_pieces_on_a_slanted_photo_is_joined_again() -> None:
    """Tesseract cut each line in two, the right piece higher (a slanted photo): by their
    middles the right piece of the lower line sorted before the left piece of the upper one."""
    words = (
        _line("HỘI CHỦ NGHĨA VIỆT NAM", 875, 338, line_id=1)
        + _line("- Tự do - Hạnh phúc", 877, 379, line_id=2)
        + _line("CỘNG HÒA XÃ", 640, 355, line_id=3)
        + _line("Độc lập", 700, 395, line_id=4)
        + _line("Hôm nay, ngày 06 tháng 10 năm 2022, tại Văn phòng công chứng", 360, 520)
    )
    assert _read(words).split("\n")[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]


def _first_read(gray: np.ndarray) -> tuple[np.ndarray, list[Word]]:
    small = rec.cv2.resize(gray, None, fx=2 / 3, fy=2 / 3, interpolation=rec.cv2.INTER_AREA)
    return small, rec.parse_tsv(rec.run_tesseract(small, dpi=200)["tsv"].decode())


def _strip_reader(small: np.ndarray, calls: list[np.ndarray]):
    def read(strip: np.ndarray) -> list[Word]:
        calls.append(strip)
        return rec.parse_tsv(rec.run_tesseract(strip, dpi=200, psm=rec.REREAD_PSM)["tsv"].decode())

    return read


def test_a_line_tesseract_doubts_is_read_again_on_its_own(decision_page) -> None:
    """A line whose first read is junk (as when a seal or a neighbour's strokes misled the line
    finder) gets its second, cut-out read; sure lines are not read again nor duplicated."""
    gray, _ = decision_page
    small, words = _first_read(gray)
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    target = max(lines, key=lambda k: sum(len(w.text) for w in lines[k]))
    truth = " ".join(w.text for w in lines[target])
    spoiled = [
        Word("~" + w.text[::-1] + "|", 0.2, w.box, w.block, w.line) if w.line == target else w
        for w in words
    ]
    calls: list[np.ndarray] = []
    out = rec.reread_unsure_lines(small, spoiled, _strip_reader(small, calls))
    assert len(calls) == 1  # one strip for the page, holding only the doubted line
    assert calls[0].shape[0] < 4 * (lines[target][0].box[3] - lines[target][0].box[1]) + 40
    again = [w for w in out if w.line not in lines]
    assert _cer(truth, " ".join(w.text for w in again)) < 0.05
    assert [w for w in out if w.line in lines and w.line != target] == [
        w for w in words if w.line != target
    ]
    # nothing doubted: no second read at all
    sure = [replace_conf(w, 0.95) for w in words]
    assert rec.reread_unsure_lines(small, sure, _strip_reader(small, calls)) == sure
    assert len(calls) == 1


def test_a_second_read_that_is_no_better_is_not_kept(decision_page) -> None:
    gray, _ = decision_page
    small, words = _first_read(gray)
    target = words[len(words) // 2].line
    doubted = [replace_conf(w, 0.5) if w.line == target else w for w in words]
    junk = lambda strip: [Word("~~|x", 0.9, (5, 5, 60, 30), 1, 1)]  # noqa: E731
    assert rec.reread_unsure_lines(small, doubted, junk) == doubted


def replace_conf(word: Word, confidence: float) -> Word:
    return Word(word.text, confidence, word.box, word.block, word.line)


def test_a_page_read_unsure_throughout_gets_no_line_reads(decision_page) -> None:
    """A page read below REREAD_PAGE_CONFIDENCE overall may be upside down: the probe decides,
    no strip is read."""
    gray, _ = decision_page
    small, words = _first_read(gray)
    unsure = [replace_conf(w, 0.4) for w in words]

    def never(strip: np.ndarray) -> list[Word]:
        raise AssertionError("a strip was read")

    assert rec.reread_unsure_lines(small, unsure, never) == unsure


def test_a_line_tesseract_left_out_whole_is_found_and_read(decision_page) -> None:
    """A line with no word at all (Tesseract's layout dropped it: a small-print form line with a
    hand-written value on its dots) is found as a row of letter-sized ink no word covers and
    read on its own, once; a page whose every line was read finds none and reads nothing more."""
    gray, _ = decision_page
    small, words = _first_read(gray)
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    target = max(lines, key=lambda k: sum(len(w.text) for w in lines[k]))
    truth = " ".join(w.text for w in lines[target])
    dropped = [w for w in words if w.line != target]
    assert rec.missed_lines(small, words) == []
    calls: list[np.ndarray] = []
    out = rec.read_missed_lines(small, dropped, _strip_reader(small, calls))
    assert len(calls) == 1
    again = [w for w in out if w not in dropped]
    assert _cer(truth, " ".join(w.text for w in again)) < 0.05
    assert out[: len(dropped)] == dropped
    assert rec.read_missed_lines(small, words, _strip_reader(small, calls)) == words
    assert len(calls) == 1


def test_components_found_band_by_band_are_the_whole_pages_letters() -> None:
    """The missed-line check labels ink band by band (runs of inked rows) to save time: every
    component that could be a letter must come out exactly as one labelling of the whole page
    gives it — including one in a band reaching the page's top and bottom edges, and marks
    touching each other across rows."""
    import cv2

    rng = np.random.default_rng(5)
    ink = np.zeros((400, 300), np.uint8)
    ink[0:12, 10:30] = 255  # a band touching the top edge
    ink[388:400, 50:60] = 255  # and the bottom edge
    for _ in range(60):  # letter-sized marks and specks, some touching across rows
        y, x = int(rng.integers(20, 370)), int(rng.integers(0, 290))
        h, w = int(rng.integers(1, 18)), int(rng.integers(1, 10))
        ink[y : y + h, x : x + w] = 255
    ink[200:203, :] = 0  # an empty gap cutting the page in two bands
    ink[150, 100:140] = 255  # a one-row rule: a band too low for a letter
    min_rows = 4

    count, _, whole, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    expected = sorted(map(tuple, whole[1:][whole[1:, 3] >= min_rows].tolist()))
    banded = rec._components_in_bands(ink, min_rows)
    assert sorted(map(tuple, banded[banded[:, 3] >= min_rows].tolist())) == expected
    assert len(expected) > 20
