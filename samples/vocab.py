"""Vietnamese names, places and stock phrases the synthetic documents are made of.

Place names are real provinces, districts and communes (before the mid-2025 reorganisation, which
matches the 2022-2025 dates the generator uses); people, companies and numbers are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from samples.formats import random_date

SURNAMES = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Phan"] * 4
    + ["Huỳnh"] * 3
    + ["Vũ"] * 4
    + ["Võ"] * 3
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Đoàn", "Lương", "Tạ", "Cao"]
    + ["Chu", "Hà", "Vi", "Lò", "Quàng", "Lường", "Kiều", "Tô", "Thái", "Khuất"]
)
MIDDLE_MALE = [
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quang",
    "Xuân",
    "Công",
    "Thành",
    "Trọng",
    "Đình",
    "Ngọc",
    "Tiến",
    "Mạnh",
    "Thế",
    "Anh",
    "Hoàng",
    "Văn",
    "Văn",
    "Duy",
    "Bá",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Minh",
    "Thùy",
    "Hồng",
    "Phương",
    "Kim",
    "Bích",
    "Diệu",
    "Hải",
    "Mai",
    "Thúy",
    "Khánh",
]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Dương",
    "Đạt",
    "Đông",
    "Giang",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Long",
    "Lợi",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tú",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
    "Đức",
    "Hưng",
    "Chiến",
    "Thuận",
    "Lộc",
    "Bảo",
    "Khải",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Huệ",
    "Hương",
    "Hường",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Quỳnh",
    "Thảo",
    "Thoa",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Ngọc",
    "Thư",
    "Uyên",
    "Xuân",
    "Lý",
    "Nguyệt",
]


@dataclass(frozen=True)
class Province:
    h_code: str
    name: str  # as printed in addresses: "tỉnh Phú Thọ"
    short: str  # as in headers and date lines: "Phú Thọ"
    id_code: str  # first three CCCD digits for births registered here
    districts: dict[str, tuple[str, ...]]  # district -> communes
    hamlet: str  # local word for a hamlet: thôn, bản, ấp, tổ dân phố


PROVINCES: dict[str, Province] = {
    "H26": Province(
        "H26",
        "thành phố Hà Nội",
        "Hà Nội",
        "001",
        {
            "huyện Đông Anh": ("xã Uy Nỗ", "xã Vân Nội", "xã Kim Chung", "thị trấn Đông Anh"),
            "huyện Gia Lâm": ("xã Đa Tốn", "xã Kiêu Kỵ", "thị trấn Trâu Quỳ"),
            "quận Cầu Giấy": ("phường Dịch Vọng", "phường Mai Dịch", "phường Quan Hoa"),
            "huyện Sóc Sơn": ("xã Phù Linh", "xã Tiên Dược", "xã Mai Đình"),
        },
        "thôn",
    ),
    "H18": Province(
        "H18",
        "tỉnh Điện Biên",
        "Điện Biên",
        "011",
        {
            "thành phố Điện Biên Phủ": ("phường Him Lam", "phường Mường Thanh", "phường Tân Thanh"),
            "huyện Điện Biên": ("xã Thanh Xương", "xã Thanh An", "xã Noong Hẹt"),
            "huyện Mường Ảng": ("thị trấn Mường Ảng", "xã Ẳng Nưa", "xã Ẳng Tở"),
            "huyện Tuần Giáo": ("thị trấn Tuần Giáo", "xã Quài Tở", "xã Chiềng Sinh"),
        },
        "bản",
    ),
    "H44": Province(
        "H44",
        "tỉnh Phú Thọ",
        "Phú Thọ",
        "025",
        {
            "thành phố Việt Trì": ("phường Gia Cẩm", "phường Tiên Cát", "xã Trưng Vương"),
            "huyện Lâm Thao": ("thị trấn Lâm Thao", "xã Xuân Lũng", "xã Tiên Kiên"),
            "thị xã Phú Thọ": ("phường Âu Cơ", "xã Hà Lộc", "xã Văn Lung"),
            "huyện Thanh Sơn": ("thị trấn Thanh Sơn", "xã Sơn Hùng", "xã Giáp Lai"),
        },
        "khu",
    ),
    "H41": Province(
        "H41",
        "tỉnh Nghệ An",
        "Nghệ An",
        "040",
        {
            "thành phố Vinh": ("phường Hưng Dũng", "phường Bến Thủy", "xã Nghi Phú"),
            "huyện Nghi Lộc": ("thị trấn Quán Hành", "xã Nghi Xá", "xã Nghi Long"),
            "huyện Diễn Châu": ("thị trấn Diễn Châu", "xã Diễn Thành", "xã Diễn Kỷ"),
            "thị xã Cửa Lò": ("phường Nghi Hải", "phường Thu Thủy", "phường Nghi Tân"),
        },
        "xóm",
    ),
    "H29": Province(
        "H29",
        "Thành phố Hồ Chí Minh",
        "TP. Hồ Chí Minh",
        "079",
        {
            "thành phố Thủ Đức": ("phường Hiệp Bình Chánh", "phường Linh Trung", "phường An Phú"),
            "huyện Củ Chi": ("xã Tân Thông Hội", "xã Phước Vĩnh An", "xã Tân An Hội"),
            "huyện Bình Chánh": ("xã Vĩnh Lộc A", "xã Bình Hưng", "xã Tân Kiên"),
            "quận Gò Vấp": ("phường 5", "phường 10", "phường 17"),
        },
        "ấp",
    ),
}

# Hometowns (quê quán) and birth provinces of people who moved: (commune, district, province, id).
HOMETOWNS = [
    ("xã Hải Minh", "huyện Hải Hậu", "tỉnh Nam Định", "036"),
    ("xã Quảng Lưu", "huyện Quảng Xương", "tỉnh Thanh Hóa", "038"),
    ("xã Đông Hưng", "huyện Đông Hưng", "tỉnh Thái Bình", "034"),
    ("xã Thạch Kim", "huyện Lộc Hà", "tỉnh Hà Tĩnh", "042"),
    ("xã An Lư", "huyện Thủy Nguyên", "thành phố Hải Phòng", "031"),
    ("xã Nam Thanh", "huyện Nam Đàn", "tỉnh Nghệ An", "040"),
    ("xã Tiên Lương", "huyện Cẩm Khê", "tỉnh Phú Thọ", "025"),
    ("xã Liên Hà", "huyện Đông Anh", "thành phố Hà Nội", "001"),
    ("xã Thanh Nưa", "huyện Điện Biên", "tỉnh Điện Biên", "011"),
    ("xã Tân Phú Trung", "huyện Củ Chi", "Thành phố Hồ Chí Minh", "079"),
]

STREETS = [
    "Nguyễn Trãi",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Hùng Vương",
    "Quang Trung",
    "Lý Thường Kiệt",
    "Phan Đình Phùng",
    "Võ Nguyên Giáp",
    "Nguyễn Văn Cừ",
    "Lê Duẩn",
    "Hai Bà Trưng",
    "Nguyễn Du",
    "Tô Hiệu",
    "Kim Đồng",
    "Trường Chinh",
    "Hoàng Quốc Việt",
]

HAMLET_NAMES = [
    "Đoài",
    "Đông",
    "Thượng",
    "Hạ",
    "Trung",
    "Nam",
    "Bắc",
    "Tân Lập",
    "Phố Mới",
    "Cầu",
    "Chợ",
    "Thanh Bình",
    "Tiền Phong",
    "1",
    "2",
    "3",
    "4",
    "5",
    "7",
]

LAND_USES = [
    ("Đất ở tại nông thôn", "ONT"),
    ("Đất ở tại đô thị", "ODT"),
    ("Đất trồng cây lâu năm", "CLN"),
    ("Đất trồng lúa", "LUC"),
    ("Đất trồng cây hằng năm khác", "BHK"),
]
LAND_ORIGINS = [
    "Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được Nhà nước công nhận quyền sử dụng đất",
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhận thừa kế quyền sử dụng đất",
    "Được tặng cho quyền sử dụng đất",
]
COMPANY_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Công ty CP"]
COMPANY_TRADES = [
    "Xây dựng và Thương mại",
    "Đầu tư và Phát triển",
    "Sản xuất và Thương mại",
    "Chăn nuôi",
    "Khoáng sản",
    "Môi trường",
    "Chế biến Nông sản",
    "Vật liệu Xây dựng",
]
COMPANY_NAMES = [
    "Thành Đạt",
    "Hoàng Long",
    "Minh Phát",
    "Tân Á",
    "Phú Thịnh",
    "Đại Việt",
    "Sông Đà",
    "Hưng Thịnh",
    "An Khang",
    "Trường Sơn",
    "Hải Âu",
    "Việt Hưng",
    "Thái Bình Dương",
    "Bình Minh",
    "Đông Dương",
    "Kim Long",
]
PROJECT_KINDS = [
    "Nhà máy chế biến gỗ xuất khẩu",
    "Trang trại chăn nuôi lợn công nghệ cao",
    "Nhà máy sản xuất gạch không nung",
    "Khu dân cư đô thị mới",
    "Cơ sở giết mổ gia súc, gia cầm tập trung",
    "Nhà máy xử lý nước thải tập trung",
    "Mỏ đá vôi làm vật liệu xây dựng thông thường",
    "Nhà máy sản xuất thức ăn chăn nuôi",
    "Xưởng sản xuất bao bì nhựa",
    "Cụm công nghiệp",
]


@dataclass(frozen=True)
class Place:
    province: Province
    district: str
    commune: str

    @property
    def tail(self) -> str:
        """'xã Uy Nỗ, huyện Đông Anh, thành phố Hà Nội'."""
        return f"{self.commune}, {self.district}, {self.province.name}"

    @property
    def short_name(self) -> str:
        """The commune or district without its prefix, as used in date lines."""
        for prefix in ("thị trấn ", "phường ", "xã "):
            if self.commune.startswith(prefix) and not self.commune[len(prefix) :].isdigit():
                return self.commune[len(prefix) :]
        return self.province.short


@dataclass(frozen=True)
class Person:
    name: str
    sex: str  # "Nam" | "Nữ"
    birth: date
    citizen_id: str
    hometown: str
    residence: str
    id_issued: date
    phone: str

    @property
    def title(self) -> str:
        return "Ông" if self.sex == "Nam" else "Bà"


def random_place(rng: random.Random, province: Province, district: str | None = None) -> Place:
    district = district or rng.choice(sorted(province.districts))
    return Place(province, district, rng.choice(province.districts[district]))


def street_address(rng: random.Random, place: Place) -> str:
    """A house address in the place: 'Số 12, ngõ 45, đường Lê Lợi, ...' or 'thôn Đoài, ...'."""
    if place.commune.startswith(("phường", "thị trấn")):
        if rng.random() < 0.3:
            return f"tổ dân phố {rng.randint(1, 25)}, {place.tail}"
        street = f"Số {rng.randint(1, 250)}"
        if rng.random() < 0.4:
            street += f", ngõ {rng.randint(2, 120)}"
        return f"{street}, đường {rng.choice(STREETS)}, {place.tail}"
    return f"{place.province.hamlet} {rng.choice(HAMLET_NAMES)}, {place.tail}"


def person_name(rng: random.Random, sex: str) -> str:
    middle = rng.choice(MIDDLE_MALE if sex == "Nam" else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if sex == "Nam" else GIVEN_FEMALE)
    if rng.random() < 0.15:  # four-part names are common
        extra = rng.choice(MIDDLE_MALE if sex == "Nam" else MIDDLE_FEMALE)
        if extra != middle:
            middle = f"{middle} {extra}"
    return f"{rng.choice(SURNAMES)} {middle} {given}"


def citizen_id(rng: random.Random, birth_code: str, sex: str, birth: date) -> str:
    """12 digits: birth province (3), century+sex (1), year (2), random (6)."""
    century = 0 if birth.year < 2000 else 2
    return f"{birth_code}{century + (sex == 'Nữ')}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def make_person(
    rng: random.Random, province: Province, *, on: date, sex: str | None = None
) -> Person:
    """A citizen living in the province, adult on date `on`."""
    sex = sex or rng.choice(["Nam", "Nữ"])
    birth = random_date(rng, date(1950, 1, 1), date(on.year - 20, 12, 31))
    if rng.random() < 0.6:
        home_place = random_place(rng, province)
        hometown = f"{home_place.commune}, {home_place.district}, {province.name}"
        birth_code = province.id_code
    else:
        commune, district, prov, birth_code = rng.choice(HOMETOWNS)
        hometown = f"{commune}, {district}, {prov}"
    residence = street_address(rng, random_place(rng, province))
    issued = random_date(rng, date(2016, 1, 1), min(on, date(2024, 12, 31)))
    phone = (
        "0" + rng.choice(["9", "8", "3", "7"]) + "".join(str(rng.randrange(10)) for _ in range(8))
    )
    return Person(
        person_name(rng, sex),
        sex,
        birth,
        citizen_id(rng, birth_code, sex, birth),
        hometown,
        residence,
        issued,
        phone,
    )


def company_name(rng: random.Random) -> str:
    name = rng.choice(COMPANY_NAMES)
    if rng.random() < 0.6:
        return f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_TRADES)} {name}"
    return f"{rng.choice(COMPANY_KINDS)} {name}"
