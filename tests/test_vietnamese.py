"""Vietnamese syllable validator and OCR post-corrector (ocr.vietnamese)."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest
from rapidfuzz.distance import Levenshtein

from ocr.vietnamese import correct_text, correct_words, is_valid_syllable
from ocr.vietnamese.noise import corrupt
from ocr.vietnamese.syllables import all_syllables, canonical, is_new_style

REAL_SYLLABLES = """
a ai an anh ăn ấy bà bác bản bạn bằng biết bộ bồi cá các cách cần cấp chỉ chính chủ chuyển
chứng có của cũng cư cứ cửa dân di diện dụng dưới đã đai đăng đất đây để đề điều định đó đô đồ
đổi đơn được gì già giấy giữa gia giao giếng gìn hà hạn hành hiện hòa hoà họ hộ hồ hồi hợp
huyện hữu kê kế khác khẩu khoản khu không kinh ký kỹ lại làm lập lý luật lực mã mặt môi một mục
năm nay nghĩa nghị ngoài người nguyễn nguyên nhà nhân nhận nhượng như nơi nước ông phải phí phố
phúc phường quá quả quận quốc quy quý quyền quyết quỳnh sản sau số sở sử tài tại tân tặng thành
thể thế theo thị thời thông thu thuế thủy thuỷ thửa thừa tích tiền tỉnh tờ trả trạng trên trích
trong trung trường tư tự tục ủy uỷ văn vào về việc viên vụ xã xác xây xin ý yêu khuya khuỷu
thuở nghiêng ngoằn oái Ủy BAN NHÂN DÂN Giấy Chứng Nhận
""".split()  # noqa: SIM905

NON_SYLLABLES = """
ưung qđ ubnd cccd gcn tnmt kông gế cê nghiã tóan ngòai qúy thíêu đât bàc ẩp gịa xyz trưong
quyêt đươc biêt hòan ngh bb ăa
""".split()  # noqa: SIM905

# Correct administrative Vietnamese written for this test (old-style tone placement).
PARAGRAPH = """ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH
Căn cứ Luật Tổ chức chính quyền địa phương và Luật Đất đai hiện hành;
Xét đơn đề nghị của bà Trần Thị Hương, địa chỉ thường trú tại xã Vân Nội, về việc cấp giấy chứng
nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất đối với Thửa đất số
215, Tờ bản đồ số 12, diện tích 180 mét vuông, mục đích sử dụng là đất ở tại nông thôn, thời hạn
sử dụng lâu dài; nguồn gốc sử dụng đất do nhận chuyển nhượng của hộ gia đình ông Lê Văn Tâm năm
2009, hiện không có tranh chấp. Ủy ban nhân dân xã đã kiểm tra hiện trạng, niêm yết công khai
kết quả trong thời hạn mười lăm ngày và không nhận được khiếu nại. Phòng Tài nguyên và Môi trường
đã thẩm định hồ sơ, xác định đủ điều kiện cấp giấy chứng nhận theo quy định của pháp luật.
QUYẾT ĐỊNH:
Điều 1. Cấp giấy chứng nhận quyền sử dụng đất cho người sử dụng đất nêu trên. Người được cấp
có trách nhiệm thực hiện nghĩa vụ tài chính, nộp lệ phí trước bạ và tiền sử dụng đất vào ngân sách
nhà nước theo thông báo của cơ quan thuế.
Điều 2. Văn phòng đăng ký đất đai có trách nhiệm cập nhật sổ địa chính, chỉnh lý hồ sơ địa chính
và trao giấy chứng nhận cho người sử dụng đất tại Bộ phận tiếp nhận và trả kết quả.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Hội đồng nhân dân và Ủy ban
nhân dân huyện, Trưởng phòng Tài nguyên và Môi trường, Chủ tịch Ủy ban nhân dân xã và bà Trần Thị
Hương chịu trách nhiệm thi hành Quyết định này.
Nơi nhận: Như Điều 3; Lưu: VT, TNMT. Số 1234/QĐ-UBND ngày 05/3/2024. Mã hồ sơ
000.00.24.H18-231015-0042. CCCD số 001199012345."""


def cer(truth: str, text: str) -> float:
    return Levenshtein.distance(truth, text) / len(truth)


# --- syllable validator -------------------------------------------------------------------------


@pytest.mark.parametrize("word", REAL_SYLLABLES)
def test_real_syllables_are_valid(word: str) -> None:
    assert is_valid_syllable(word)


@pytest.mark.parametrize("word", NON_SYLLABLES)
def test_non_syllables_are_rejected(word: str) -> None:
    assert not is_valid_syllable(word)


def test_stop_finals_take_only_sac_or_nang() -> None:
    assert is_valid_syllable("đất") and is_valid_syllable("đặt")
    for word in ("đầt", "đẩt", "đãt", "hoc", "bàc", "tiềp"):
        assert not is_valid_syllable(word), word


def test_spelling_rules_k_gh_ngh() -> None:
    assert all(is_valid_syllable(w) for w in ("kê", "ghi", "nghề", "ca", "ga", "nga"))
    assert not any(is_valid_syllable(w) for w in ("cê", "gi̇e", "ghe ", "ngê", "ka", "gha", "ngha"))


def test_tone_placement_both_styles_accepted_other_places_rejected() -> None:
    assert is_valid_syllable("hòa") and is_valid_syllable("hoà")
    assert is_new_style("hoà") is True and is_new_style("hòa") is False
    assert canonical("thuỷ") == canonical("thủy") == "thủy"
    assert not is_valid_syllable("tòan") and not is_valid_syllable("ngừơi")


def test_case_and_normalisation_insensitive() -> None:
    assert is_valid_syllable("ĐỊNH") and is_valid_syllable("Nguyễn")
    assert is_valid_syllable(unicodedata.normalize("NFD", "nghĩa"))


def test_syllable_set_size_is_plausible() -> None:
    distinct = {canonical(s) for s in all_syllables()}
    assert 12_000 < len(distinct) < 20_000


# --- corrector: the known confusions in context -----------------------------------------------


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Cộng hoà xã hôi chủ nghĩa Viêt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("Công hòa xã hội chu nghĩa Việt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Thừa đất số 12, Tờ bản đô số 5", "Thửa đất số 12, Tờ bản đồ số 5"),
        ("ưung tâm phục vụ hành chính công", "trung tâm phục vụ hành chính công"),
        ("Ưung tâm phát triển quỹ đất", "Trung tâm phát triển quỹ đất"),
        ("Căn cứ quyết lịnh số 12/QĐ-UBND", "Căn cứ quyết định số 12/QĐ-UBND"),
        ("GIÂY CHỨNG NHÂN QUYỀN SỬ DỤNG ĐẤT", "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"),
        ("Uy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh"),
        ("Độc lâp - Tự do - Hạnh phục", "Độc lập - Tự do - Hạnh phúc"),
        ("chuyển nhưỡng quyền sử dung đất", "chuyển nhượng quyền sử dụng đất"),
        ("báo cáo dánh giá tác đông môi trường", "báo cáo đánh giá tác động môi trường"),
    ],
)
def test_repairs_known_confusions(read: str, expected: str) -> None:
    assert correct_text(read) == expected


def test_keeps_codes_numbers_abbreviations_names_and_spacing() -> None:
    text = (
        "Số: 123/QĐ-UBND\n\tMã  000.00.24.H18-231015-0042 ; CS 123456\r\nUBND, QĐ, CCCD, GCN, TNMT."
    )
    assert correct_text(text) == text
    names = "Ông Nguyễn Văn Thừa và bà Lê Thị Lịnh, sinh năm 1970"
    assert correct_text(names) == names


def test_random_codes_and_numbers_pass_byte_identical() -> None:
    rng = random.Random(7)
    alphabet = "0123456789ABCDĐGHKLMNQTUXabcdđhnqtx"
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 6)):
            kind = rng.random()
            if kind < 0.4:
                parts.append(str(rng.randint(0, 10 ** rng.randint(1, 12))))
            elif kind < 0.8:
                parts.append(
                    "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
                    + rng.choice("/-.")
                    + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
                    + str(rng.randint(0, 99))
                )
            else:
                parts.append(
                    f"{rng.randint(1, 31):02d}/{rng.randint(1, 12):02d}/{rng.randint(1990, 2030)}"
                )
        text = rng.choice([" ", "  ", "\n", "\t", " ; "]).join(parts)
        assert correct_text(text) == text


def test_words_api_keeps_alignment_and_uses_confidence() -> None:
    words = [
        ("Căn", 0.95),
        ("cứ", 0.95),
        ("quyết", 0.9),
        ("lịnh", 0.4),
        ("số", 0.9),
        ("12/QĐ-UBND", 0.5),
    ]
    assert correct_words(words) == ["Căn", "cứ", "quyết", "định", "số", "12/QĐ-UBND"]
    # a valid syllable Tesseract is sure of is never changed; an unsure one yields to context
    assert correct_words([("Thừa", 0.99), ("đất", 0.99)]) == ["Thừa", "đất"]
    assert correct_words([("Thừa", 0.6), ("đất", 0.99)]) == ["Thửa", "đất"]
    # a non-syllable is repaired whatever the confidence
    assert correct_words([("quyêt", 1.0), ("định", 1.0)]) == ["quyết", "định"]
    assert correct_words([]) == []
    assert correct_words([("", 0.5), ("đất", 0.9)]) == ["", "đất"]


def test_clean_text_is_left_alone_and_correction_is_idempotent() -> None:
    once = correct_text(PARAGRAPH)
    changed = Levenshtein.distance(PARAGRAPH, once)
    assert changed / len(PARAGRAPH) < 0.005, (changed, once)
    assert correct_text(once) == once


def test_preserves_case_patterns() -> None:
    assert correct_text("QUYÊT ĐỊNH") == "QUYẾT ĐỊNH"
    assert correct_text("Quyêt định") == "Quyết định"


def test_follows_the_documents_tone_style() -> None:
    new = correct_text("Uỷ ban nhân dân xã, thuỷ lợi. Cộng hoa xã hội chủ nghĩa")
    old = correct_text("Ủy ban nhân dân xã, thủy lợi. Cộng hoa xã hội chủ nghĩa")
    assert new.endswith("Cộng hoà xã hội chủ nghĩa")
    assert old.endswith("Cộng hòa xã hội chủ nghĩa")


def test_names_after_a_form_of_address_or_family_name_are_kept() -> None:
    text = "Người sử dụng đất: bà Đỗ Thị Lịnh và ông Hà Văn Đô cùng anh Lê Văn Thừa"
    assert correct_text(text, confidence=0.5) == text


def test_arbitrary_input_never_crashes_and_keeps_whitespace() -> None:
    rng = random.Random(3)
    alphabet = (
        "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữự"
        'ỳýỷỹỵ AĂÂĐÊÔƠƯ0123456789.,;:/-()"\n\t中文ﬁ😀\u0301\u0323'
    )
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        out = correct_text(text, confidence=rng.random())
        assert re.findall(r"\s+", out) == re.findall(r"\s+", text)
    weird = [("", float("nan")), ("đất", -1.0), ("x" * 200, 2.0), ("\u0301", 0.5)]
    assert len(correct_words(weird)) == len(weird)


# --- measured on a synthetic corruption of the paragraph -------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corrected_cer_well_below_corrupted_cer(seed: int) -> None:
    damaged = corrupt(PARAGRAPH, rate=0.15, seed=seed)
    before = cer(PARAGRAPH, damaged)
    after = cer(PARAGRAPH, correct_text(damaged))
    assert before > 0.01
    assert after < 0.5 * before, (before, after)


@pytest.fixture
def without_wordfreq(monkeypatch: pytest.MonkeyPatch):
    """The lexicon rebuilt as if wordfreq were not installed (domain phrases only)."""
    from ocr.vietnamese import correct as corrector
    from ocr.vietnamese.lexicon import lexicon

    def clear() -> None:
        lexicon.cache_clear()
        corrector.candidates.cache_clear()
        corrector._reading.cache_clear()

    monkeypatch.setitem(sys.modules, "wordfreq", None)
    clear()
    yield lexicon()
    monkeypatch.undo()
    clear()


def test_works_without_wordfreq(without_wordfreq) -> None:
    assert without_wordfreq.source.startswith("phrases only")
    assert Levenshtein.distance(PARAGRAPH, correct_text(PARAGRAPH)) / len(PARAGRAPH) < 0.005
    damaged = corrupt(PARAGRAPH, rate=0.15, seed=1)
    assert cer(PARAGRAPH, correct_text(damaged)) < 0.5 * cer(PARAGRAPH, damaged)
