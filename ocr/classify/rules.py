"""Title and header rules: what a page is, read the way a clerk reads it (its printed title).

Titles are printed in capitals under the national header. We take the capitalised lines near the
top (and runs of them, since long titles wrap), fold them (no diacritics, lowercase) and
fuzzy-match them against each type's typical titles. Form numbers (04a/ĐK, 09/ĐK, 01/LPTB...) and
"Mã hồ sơ" on receipts are extra cues. The result is a score per type in 0..1; no title at all
means a continuation page (or a page of type `khac`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ocr.fields.text import fold
from ocr.taxonomy import DOC_TYPES  # noqa: F401 (re-exported)

TITLES: dict[str, tuple[str, ...]] = {
    "phieu_tiep_nhan": (
        "giay tiep nhan ho so va hen tra ket qua",
        "phieu tiep nhan ho so va hen tra ket qua",
        "giay tiep nhan ho so",
        "phieu tiep nhan ho so",
    ),
    "don_dang_ky_dat_dai": (
        "don dang ky, cap giay chung nhan quyen su dung dat, quyen so huu nha o va tai san khac "
        "gan lien voi dat",
        "don dang ky dat dai, tai san gan lien voi dat",
        "don dang ky cap giay chung nhan",
        "don de nghi cap giay chung nhan",
    ),
    "don_dang_ky_bien_dong": (
        "don dang ky bien dong dat dai, tai san gan lien voi dat",
        "don dang ky bien dong",
    ),
    "giay_chung_nhan_qsdd": (
        "giay chung nhan quyen su dung dat, quyen so huu nha o va tai san khac gan lien voi dat",
        "giay chung nhan quyen su dung dat",
        "giay chung nhan quyen su dung dat, quyen so huu tai san gan lien voi dat",
    ),
    "hop_dong_chuyen_nhuong": (
        "hop dong chuyen nhuong quyen su dung dat",
        "hop dong chuyen nhuong quyen su dung dat va tai san gan lien voi dat",
        "hop dong tang cho quyen su dung dat",
        "hop dong the chap quyen su dung dat",
    ),
    "trich_luc_ban_do": (
        "trich luc ban do dia chinh",
        "trich do dia chinh thua dat",
        "trich luc ban do dia chinh thua dat",
    ),
    "to_khai_thue": (
        "to khai le phi truoc ba",
        "to khai thue thu nhap ca nhan",
        "to khai le phi truoc ba nha, dat",
    ),
    "quyet_dinh": ("quyet dinh",),
    "bao_cao_dtm": (
        "bao cao danh gia tac dong moi truong",
        "bao cao danh gia tac dong moi truong cua du an",
    ),
    "giay_phep_moi_truong": (
        "giay phep moi truong",
        "van ban de nghi cap giay phep moi truong",
    ),
    "dang_ky_moi_truong": (
        "phieu dang ky moi truong",
        "van ban dang ky moi truong",
        "dang ky moi truong",
    ),
    "can_cuoc": (
        "can cuoc cong dan",
        "can cuoc",
        "chung minh nhan dan",
        "citizen identity card",
        "identity card",
    ),
    "giay_uy_quyen": ("giay uy quyen", "hop dong uy quyen"),
}

# Form numbers printed in the top corner ("Mẫu số 04a/ĐK"), folded.
FORM_CUES: dict[str, tuple[str, ...]] = {
    "don_dang_ky_dat_dai": ("04a/dk", "04/dk", "04b/dk"),
    "don_dang_ky_bien_dong": ("09/dk", "11/dk"),
    "to_khai_thue": ("01/lptb", "03/bds-tncn", "11/kk-tncn", "02/lptb"),
}

HEADER_LINES = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "doc lap tu do hanh phuc",
)

TITLE_THRESHOLD = 0.86
TOP_LINES = 22


@dataclass
class RuleResult:
    scores: dict[str, float]  # per type, 0..1 (best title match, boosted by cues)
    title: str | None  # the folded title text that matched best
    has_title: bool  # some type's title matched above the threshold
    best: str  # argmax type ("khac" if no title)

    @property
    def confidence(self) -> float:
        return self.scores.get(self.best, 0.0)


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= 0.75


def _is_header(folded: str) -> bool:
    return any(fuzz.partial_ratio(h, folded) >= 85 for h in HEADER_LINES) and len(folded) < 60


def title_candidates(text: str) -> list[tuple[int, str]]:
    """(line index, folded text) of capitalised lines near the top, plus runs of 2-3 consecutive
    ones (wrapped titles)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:TOP_LINES]
    caps = [(i, fold(ln)) for i, ln in enumerate(lines) if _is_caps(ln)]
    caps = [(i, f) for i, f in caps if not _is_header(f)]
    out = list(caps)
    for k in (2, 3):
        for j in range(len(caps) - k + 1):
            run = caps[j : j + k]
            if run[-1][0] - run[0][0] == k - 1:
                out.append((run[0][0], " ".join(f for _, f in run)))
    return out


_ISSUER = re.compile(
    r"^(?:uy ban|ubnd|so |van phong|chi nhanh|cong ty|tong cong ty|bo |cuc |tm\.|kt\.|chu tich"
    r"|pho |giam doc|noi nhan|ben |dieu |chuong|phan |quyet dinh:|xac nhan:|mo dau|ket luan)"
)


def generic_title(text: str) -> bool:
    """Some capitalised title near the top that is not an issuer or signature line."""
    return any(
        len(f.split()) >= 2 and not _ISSUER.match(f.strip()) and i <= 12
        for i, f in title_candidates(text)
    )


def _clean(s: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/ ]+", " ", s).split())


_CLEAN_TITLES = {t: tuple(_clean(x) for x in titles) for t, titles in TITLES.items()}


def _score(cand: str, ttl: str) -> float:
    """The title must start near the beginning of the line: "ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG
    NHẬN..." contains the certificate's title but is not a certificate."""
    if not cand:
        return 0.0
    if len(cand) >= len(ttl):
        al = fuzz.partial_ratio_alignment(ttl, cand, score_cutoff=60)
        if al is None:
            return 0.0
        score = al.score / 100
        if al.dest_start > 4:
            score *= 0.85
        # Long trailing text after a short title ("QUYẾT ĐỊNH" inside a sentence) weakens it.
        extra = len(cand) - al.dest_end
        if extra > max(12, len(ttl)):
            score *= 0.9
        return score
    # Candidate shorter than the title: a truncated or partly read title.
    return fuzz.ratio(ttl[: len(cand) + 2], cand) / 100 * min(1.0, 0.55 + len(cand) / len(ttl))


def form_cues(folded_text: str) -> dict[str, float]:
    head = re.sub(r"\s+", "", folded_text[:600])
    found: dict[str, float] = {}
    for doc_type, cues in FORM_CUES.items():
        for cue in cues:
            if re.search(r"(?<![0-9a-z])" + re.escape(cue), head):
                found[doc_type] = 1.0
    return found


def classify_page(text: str, qr_codes: list[str] | None = None) -> RuleResult:
    """Score each type from the page's title, form number and receipt cues.

    Titles come before the body: when several types' titles match (a permit's body repeats
    "QUYẾT ĐỊNH:"), the one printed first wins."""
    scores = {t: 0.0 for t in DOC_TYPES}
    where = {t: TOP_LINES for t in DOC_TYPES}
    best_title: dict[str, str] = {}
    for index, cand in title_candidates(text):
        clean = _clean(cand)
        for doc_type, titles in _CLEAN_TITLES.items():
            s = max(_score(clean, title) for title in titles)
            if s > scores[doc_type] + 0.02 or (s >= TITLE_THRESHOLD and index < where[doc_type]):
                scores[doc_type] = max(s, scores[doc_type])
                where[doc_type] = index
                best_title[doc_type] = cand
    folded = fold(text)
    for doc_type in form_cues(folded):
        scores[doc_type] = min(1.0, scores[doc_type] + 0.1)
    if re.search(r"ma\s*h[o0]\s*s[o0]", folded[:800]) or qr_codes:
        scores["phieu_tiep_nhan"] = min(1.0, scores["phieu_tiep_nhan"] + 0.1)
    titled = [t for t in DOC_TYPES if scores[t] >= TITLE_THRESHOLD]
    if titled:
        best = min(titled, key=lambda t: (where[t], -scores[t]))
        return RuleResult(scores, best_title.get(best), True, best)
    return RuleResult(scores, None, False, "khac")
