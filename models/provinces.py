"""The 34 provinces since the July 2025 merger, with their level-1 codes (`H..`).

Source assumption (verify against the appendix of Decision 20/2020/QĐ-TTg before relying on it):
level-1 codes `H01`..`H63` were assigned to the 63 pre-2025 provinces in alphabetical order of
their unaccented names; a merged province keeps the code of the province whose name it kept.
Codes seen on public one-stop portals and agreeing with that order: H14 Cao Bằng, H18 Điện Biên,
H26 Hà Nội, H27 Hà Tĩnh, H29 TP Hồ Chí Minh, H38 Lào Cai, H41 Nghệ An, H44 Phú Thọ, H55 Thái
Nguyên, H56 Thanh Hóa (H30 Hậu Giang does not follow the order; it merged into Cần Thơ). The code
of Hải Phòng (H24) rests on the order alone. `sohoa offices import` overrides any row.

A province is registered under the full office form of its code (`000.00.00.H26`, the People's
Committee, as dossier codes write it); `models.codes` also finds it by the short form (`H26`).
"""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "H01": "Tỉnh An Giang",
    "H05": "Tỉnh Bắc Ninh",
    "H12": "Tỉnh Cà Mau",
    "H13": "Thành phố Cần Thơ",
    "H14": "Tỉnh Cao Bằng",
    "H15": "Tỉnh Đắk Lắk",
    "H17": "Thành phố Đà Nẵng",
    "H18": "Tỉnh Điện Biên",
    "H19": "Tỉnh Đồng Nai",
    "H20": "Tỉnh Đồng Tháp",
    "H21": "Tỉnh Gia Lai",
    "H24": "Thành phố Hải Phòng",
    "H26": "Thành phố Hà Nội",
    "H27": "Tỉnh Hà Tĩnh",
    "H29": "Thành phố Hồ Chí Minh",
    "H31": "Tỉnh Hưng Yên",
    "H32": "Tỉnh Khánh Hòa",
    "H35": "Tỉnh Lai Châu",
    "H36": "Tỉnh Lâm Đồng",
    "H37": "Tỉnh Lạng Sơn",
    "H38": "Tỉnh Lào Cai",
    "H41": "Tỉnh Nghệ An",
    "H42": "Tỉnh Ninh Bình",
    "H44": "Tỉnh Phú Thọ",
    "H48": "Tỉnh Quảng Ngãi",
    "H49": "Tỉnh Quảng Ninh",
    "H50": "Tỉnh Quảng Trị",
    "H52": "Tỉnh Sơn La",
    "H53": "Tỉnh Tây Ninh",
    "H55": "Tỉnh Thái Nguyên",
    "H56": "Tỉnh Thanh Hóa",
    "H57": "Thành phố Huế",
    "H60": "Tỉnh Tuyên Quang",
    "H61": "Tỉnh Vĩnh Long",
}

assert len(PROVINCES) == 34
