"""One-stop offices, the bodies that issue documents, procedures, and dossier codes.

Office identifiers follow QCVN 102:2016 (`000.00.24.H18`) or the portal's short codes
(`H44.45`, `G09.20`); dossier codes follow Circular 01/2018/TT-VPCP art. 19 (TAXONOMY.md).
The office list is small and plausible, not an official register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from samples.vocab import PROVINCES, Place, Province

MINISTRY_RENAMED = date(2025, 3, 1)  # Bộ/Sở Tài nguyên và Môi trường -> Nông nghiệp và Môi trường


@dataclass(frozen=True)
class Office:
    code: str  # the office part of dossier codes
    style: str  # "official" (yymmdd-NNNN) | "short" (yyyymmdd-NNNNNNN)
    h_code: str
    kind: (
        str  # "pc" (People's Committee), "dept" (Sở), "land" (land registration office), "ministry"
    )
    district: str | None  # for district and commune offices
    commune: str | None  # for commune offices
    domains: tuple[str, ...]  # "land", "env"

    @property
    def province(self) -> Province:
        return PROVINCES[self.h_code]


OFFICES: tuple[Office, ...] = (
    Office("000.00.24.H18", "official", "H18", "land", None, None, ("land",)),
    Office("000.00.07.H26", "official", "H26", "pc", "huyện Đông Anh", None, ("land", "env")),
    Office("000.12.07.H26", "official", "H26", "pc", "huyện Đông Anh", "xã Uy Nỗ", ("land",)),
    Office("000.00.15.H26", "official", "H26", "dept", None, None, ("env",)),
    Office("000.46.24.H44", "official", "H44", "pc", "huyện Lâm Thao", "xã Xuân Lũng", ("land",)),
    Office("H44.45", "short", "H44", "land", "huyện Lâm Thao", None, ("land",)),
    Office("000.00.00.H41", "official", "H41", "pc", None, None, ("env",)),
    Office("000.00.12.H41", "official", "H41", "dept", None, None, ("env", "land")),
    Office("000.00.13.H29", "official", "H29", "pc", "thành phố Thủ Đức", None, ("land",)),
    Office("H29.100", "short", "H29", "dept", None, None, ("env",)),
    Office("G09.20", "short", "H26", "ministry", None, None, ("env",)),
)


def _bare(name: str) -> str:
    """'huyện Đông Anh' -> 'Đông Anh'."""
    for prefix in ("thành phố ", "thị xã ", "huyện ", "quận ", "thị trấn ", "phường ", "xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _title_case(caps: str) -> str:
    """'SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG' -> 'Sở Tài nguyên và Môi trường' (how bodies are named)."""
    words = caps.lower().split()
    out = [words[0].capitalize()]
    for prev, word in zip(words, words[1:], strict=False):
        out.append(word.capitalize() if prev in ("sở", "bộ", "và") else word)
    return " ".join(out)


def _unit_caps(name: str) -> str:
    """'huyện Đông Anh' -> 'HUYỆN ĐÔNG ANH', 'thành phố Hà Nội' -> 'THÀNH PHỐ HÀ NỘI'."""
    return name.upper()


@dataclass(frozen=True)
class Issuer:
    """Who signs a document: header lines, number suffix, place for the date line, seal text."""

    header: tuple[str, ...]
    suffix: str  # "QĐ-UBND" style suffix after the number: the part after "QĐ-"
    place: str
    seal: str
    signer: tuple[str, ...]  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    body: str  # the body's name in running text


def _department(province: Province, on: date) -> tuple[str, str]:
    if on >= MINISTRY_RENAMED:
        return "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SNNMT"
    return "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "STNMT"


def province_pc(province: Province, rng: random.Random) -> Issuer:
    unit = _unit_caps(province.name)
    return Issuer(
        ("ỦY BAN NHÂN DÂN", unit),
        "UBND",
        province.short,
        f"ỦY BAN NHÂN DÂN {unit}",
        ("TM. ỦY BAN NHÂN DÂN", rng.choice(["KT. CHỦ TỊCH", "CHỦ TỊCH"]), "PHÓ CHỦ TỊCH"),
        f"Ủy ban nhân dân {province.name}",
    )


def district_pc(province: Province, district: str, rng: random.Random) -> Issuer:
    unit = _unit_caps(district)
    return Issuer(
        ("ỦY BAN NHÂN DÂN", unit),
        "UBND",
        _bare(district),
        f"ỦY BAN NHÂN DÂN {unit} * {province.short.upper()}",
        ("TM. ỦY BAN NHÂN DÂN", rng.choice(["KT. CHỦ TỊCH", "CHỦ TỊCH"]), "PHÓ CHỦ TỊCH"),
        f"Ủy ban nhân dân {district}",
    )


def commune_pc(province: Province, district: str, commune: str, rng: random.Random) -> Issuer:
    unit = _unit_caps(commune)
    return Issuer(
        ("ỦY BAN NHÂN DÂN", unit),
        "UBND",
        _bare(commune),
        f"ỦY BAN NHÂN DÂN {unit} * {_unit_caps(district)}",
        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        f"Ủy ban nhân dân {commune}",
    )


def department(province: Province, on: date, rng: random.Random) -> Issuer:
    name, abbr = _department(province, on)
    return Issuer(
        (f"UBND {_unit_caps(province.name)}", name),
        abbr,
        province.short,
        f"{name} * {province.short.upper()}",
        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") if rng.random() < 0.6 else ("GIÁM ĐỐC",),
        f"{_title_case(name)} {province.name}",
    )


def land_office(
    province: Province, on: date, rng: random.Random, branch: str | None = None
) -> Issuer:
    name, _ = _department(province, on)
    if branch:
        header = ("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", f"CHI NHÁNH {_unit_caps(_bare(branch))}")
    else:
        header = (f"{name} {province.short.upper()}", "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI")
    return Issuer(
        header,
        "VPĐK",
        _bare(branch) if branch else province.short,
        f"VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI * {province.short.upper()}",
        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") if rng.random() < 0.5 else ("GIÁM ĐỐC",),
        "Văn phòng đăng ký đất đai" + (f" - Chi nhánh {_bare(branch)}" if branch else ""),
    )


def ministry(on: date, rng: random.Random) -> Issuer:
    name = (
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" if on >= MINISTRY_RENAMED else "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    )
    return Issuer(
        (name,),
        "BNNMT" if on >= MINISTRY_RENAMED else "BTNMT",
        "Hà Nội",
        f"{name} * CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"),
        _title_case(name),
    )


def office_issuer(office: Office, on: date, rng: random.Random) -> Issuer:
    """The body behind an office's counter (prints its receipts and results)."""
    province = office.province
    if office.kind == "ministry":
        return ministry(on, rng)
    if office.kind == "dept":
        return department(province, on, rng)
    if office.kind == "land":
        return land_office(province, on, rng, branch=office.district)
    if office.commune:
        return commune_pc(province, office.district or "", office.commune, rng)
    if office.district:
        return district_pc(province, office.district, rng)
    return province_pc(province, rng)


def dossier_code(office: Office, received: date, sequence: int) -> str:
    """`000.00.24.H18-231015-0042` or, for short-code offices, `H44.45-20231015-0000042`."""
    if office.style == "short":
        return f"{office.code}-{received:%Y%m%d}-{sequence:07d}"
    return f"{office.code}-{received:%y%m%d}-{sequence:04d}"


@dataclass(frozen=True)
class Procedure:
    key: str
    code: str  # national procedure code (synthetic, same shape as the portal's)
    name: str
    domain: str
    components: tuple[tuple[str, float], ...]  # (doc_type, probability) after the receipt
    results: tuple[str, ...]  # doc types a result can be
    days: int  # working days to settle


PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        "land_first",
        "1.004227",
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
        "gắn liền với đất lần đầu",
        "land",
        (
            ("don_dang_ky_dat_dai", 1.0),
            ("can_cuoc", 0.9),
            ("trich_luc_ban_do", 0.85),
            ("giay_uy_quyen", 0.3),
            ("khac", 0.25),
        ),
        ("giay_chung_nhan_qsdd",),
        30,
    ),
    Procedure(
        "land_transfer",
        "1.003003",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển "
        "nhượng",
        "land",
        (
            ("don_dang_ky_bien_dong", 1.0),
            ("hop_dong_chuyen_nhuong", 1.0),
            ("giay_chung_nhan_qsdd", 0.95),
            ("to_khai_thue", 0.9),
            ("can_cuoc", 0.5),
            ("giay_uy_quyen", 0.15),
            ("khac", 0.2),
        ),
        ("giay_chung_nhan_qsdd",),
        10,
    ),
    Procedure(
        "land_use_change",
        "1.004203",
        "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
        "land",
        (
            ("don_dang_ky_bien_dong", 1.0),
            ("giay_chung_nhan_qsdd", 1.0),
            ("trich_luc_ban_do", 0.6),
            ("can_cuoc", 0.5),
            ("khac", 0.2),
        ),
        ("quyet_dinh",),
        15,
    ),
    Procedure(
        "env_permit",
        "1.010727",
        "Cấp giấy phép môi trường",
        "env",
        (
            ("giay_phep_moi_truong", 1.0),
            ("bao_cao_dtm", 0.9),
            ("quyet_dinh", 0.7),
            ("giay_uy_quyen", 0.2),
            ("khac", 0.15),
        ),
        ("giay_phep_moi_truong",),
        30,
    ),
    Procedure(
        "env_registration",
        "1.010728",
        "Đăng ký môi trường",
        "env",
        (("dang_ky_moi_truong", 1.0), ("can_cuoc", 0.4), ("giay_uy_quyen", 0.2), ("khac", 0.3)),
        (),
        5,
    ),
    Procedure(
        "env_dtm",
        "1.010734",
        "Thẩm định báo cáo đánh giá tác động môi trường",
        "env",
        (("bao_cao_dtm", 1.0), ("khac", 0.5), ("giay_uy_quyen", 0.2)),
        ("quyet_dinh",),
        25,
    ),
)


def procedures_for(office: Office) -> list[Procedure]:
    return [p for p in PROCEDURES if p.domain in office.domains]


def office_locality(office: Office, rng: random.Random) -> Place:
    """A place inside the office's remit (its commune, district, or anywhere in the province)."""
    province = office.province
    district = office.district or rng.choice(sorted(province.districts))
    commune = office.commune or rng.choice(province.districts[district])
    return Place(province, district, commune)


_KIND_LEVEL = {"land": "department", "dept": "department", "ministry": "ministry"}


def office_name(office: Office) -> str:
    """A readable name for the registry (the generator's offices are plausible, not official)."""
    province = office.province.name
    if office.kind == "ministry":
        return "Bộ Nông nghiệp và Môi trường"
    if office.kind == "land":
        where = _bare(office.district) if office.district else province
        return f"Chi nhánh Văn phòng đăng ký đất đai {where}"
    if office.kind == "dept":
        return f"Sở Nông nghiệp và Môi trường {province}"
    if office.commune:
        return f"UBND {office.commune}"
    return f"UBND {office.district}" if office.district else f"UBND {province}"


def office_level(office: Office) -> str:
    if office.kind == "pc":
        return "commune" if office.commune else "district" if office.district else "province"
    return _KIND_LEVEL[office.kind]


def write_offices_csv(path) -> None:
    """`code,name,level,parent_code` for every sample office, and the province People's
    Committees above them, for `sohoa offices import` (so no sample office is "unknown")."""
    import csv

    from models.codes import province_office_code
    from models.provinces import PROVINCES

    listed = {office.code for office in OFFICES}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "level", "parent_code"])
        for h_code in sorted({o.h_code for o in OFFICES if o.h_code.startswith("H")}):
            code = province_office_code(h_code)
            if code not in listed:
                writer.writerow([code, PROVINCES.get(h_code, h_code), "province", ""])
        for office in OFFICES:
            level = office_level(office)
            parent = (
                "" if level in ("province", "ministry") else province_office_code(office.h_code)
            )
            if office.code == parent:
                parent = ""
            parent = _district_office(office) or parent
            writer.writerow([office.code, office_name(office), level, parent])


def _district_office(office: Office) -> str | None:
    """A commune's parent: the district People's Committee of the same district, if listed."""
    if not office.commune:
        return None
    return next(
        (
            o.code
            for o in OFFICES
            if o.kind == "pc"
            and not o.commune
            and (o.h_code, o.district) == (office.h_code, office.district)
        ),
        None,
    )
