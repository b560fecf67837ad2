"""Building blocks every document builder uses: the dossier context, headers, titles, fields."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from samples.formats import area_text, date_line, nfc, wrap
from samples.layout import (
    Block,
    Columns,
    Line,
    PageSpec,
    Signature,
    SignCol,
    Space,
    paginate,
)
from samples.offices import Issuer, Office, Procedure
from samples.vocab import (
    LAND_ORIGINS,
    LAND_USES,
    PROJECT_KINDS,
    Person,
    Place,
    company_name,
    street_address,
)

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
WIDTH = 80  # characters per body line (font-independent wrapping)

# Where the local frame of a parcel sits in VN-2000 (northing X, easting Y), per province.
VN2000_ORIGIN = {
    "H26": (2_330_000, 585_000),
    "H18": (2_365_000, 425_000),
    "H44": (2_360_000, 555_000),
    "H41": (2_075_000, 590_000),
    "H29": (1_200_000, 605_000),
}


@dataclass(frozen=True)
class Parcel:
    number: str
    sheet: str
    area: float
    place: Place
    address: str
    use: tuple[str, str]
    origin: str
    term: str
    points: tuple[tuple[float, float], ...]  # local metres, counter-clockwise
    gcn_serial: str
    gcn_book: str
    gcn_date: date
    price: int  # transfer price, VND


@dataclass(frozen=True)
class Project:
    name: str
    owner: str
    address: str
    capacity: str
    representative: Person


@dataclass
class Ctx:
    """Everything one dossier's documents share, so the documents agree with each other."""

    rng: random.Random
    office: Office
    procedure: Procedure
    received: date
    dossier_code: str
    place: Place
    issuer: Issuer
    applicant: Person
    counterpart: Person  # transferee
    agent: Person
    parcel: Parcel
    project: Project
    appointment: date
    components: list[str] = field(default_factory=list)  # doc types after the receipt


@dataclass
class DocumentSpec:
    doc_type: str
    variant: str
    pages: list[PageSpec]
    fields: dict[str, Any]
    name: str = ""  # how a receipt lists it ("Bản sao Căn cước công dân")


def polygon_area(points: tuple[tuple[float, float], ...]) -> float:
    total = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        total += x0 * y1 - x1 * y0
    return abs(total) / 2


def make_parcel(rng: random.Random, place: Place, on: date) -> Parcel:
    """A parcel whose printed area is the area of its boundary polygon (to 0.1 m²)."""
    urban = place.commune.startswith(("phường", "thị trấn"))
    use = rng.choice([u for u in LAND_USES if (u[1] == "ODT") == urban or u[1] == "CLN"])
    low, high, price_low, price_high = {  # m², and VND per m² (millions)
        "ODT": (40, 300, 20, 90),
        "ONT": (80, 800, 2, 12),
        "CLN": (300, 5000, 0.3, 1.5),
        "LUC": (300, 5000, 0.1, 0.5),
        "BHK": (300, 5000, 0.1, 0.5),
    }[use[1]]
    target = rng.uniform(low, high)
    ratio = rng.uniform(0.35, 0.9)
    width = math.sqrt(target * ratio)
    depth = target / width
    corners = [(0.0, 0.0), (width, 0.0), (width, depth), (0.0, depth)]
    if rng.random() < 0.35:  # a fifth corner on one side
        corners.insert(2, (width + rng.uniform(0.5, 3), depth * rng.uniform(0.4, 0.6)))
    points = tuple(
        (round(x + rng.uniform(-0.8, 0.8), 2), round(y + rng.uniform(-0.8, 0.8), 2))
        for x, y in corners
    )
    area = round(polygon_area(points), 1)
    letters = rng.choice(["CS", "CT", "CX", "CY", "CH", "BY", "BX", "AA", "DB", "DK"])
    digits = 8 if letters in ("AA", "DB", "DK") else 6  # the 2024 forms use 8 digits
    serial = f"{letters} {rng.randrange(10**digits):0{digits}d}"
    gcn_date = date(rng.randint(2008, on.year - 1), rng.randint(1, 12), rng.randint(1, 28))
    per_m2 = rng.uniform(price_low, price_high) * 1_000_000
    price = max(50_000_000, round(area * per_m2 / 10_000_000) * 10_000_000)
    return Parcel(
        number=str(rng.randint(1, 1500)),
        sheet=str(rng.randint(1, 85)),
        area=area,
        place=place,
        address=street_address(rng, place),
        use=use,
        origin=rng.choice(LAND_ORIGINS),
        term="Lâu dài"
        if use[1] in ("ONT", "ODT")
        else f"Đến ngày {gcn_date.day:02d}/{gcn_date.month:02d}/{gcn_date.year + 50}",
        points=points,
        gcn_serial=serial,
        gcn_book=f"{rng.choice(['CS', 'CH', 'VP', 'CN'])}{rng.randrange(10**5):05d}",
        gcn_date=gcn_date,
        price=price,
    )


def make_project(rng: random.Random, place: Place, representative: Person) -> Project:
    kind = rng.choice(PROJECT_KINDS)
    name = f"{kind} {place.short_name}" if rng.random() < 0.7 else f"{kind} tại {place.commune}"
    capacity = rng.choice(
        [
            f"{rng.randint(2, 40) * 1000} con lợn thịt/lứa",
            f"{rng.randint(5, 120)} triệu viên/năm",
            f"{rng.randint(10, 300) * 100} m³ sản phẩm/năm",
            f"{rng.randint(5, 80) * 100} m³ nước thải/ngày đêm",
            f"{rng.randint(2, 60) * 10} tấn/ngày",
            f"{rng.randint(5, 90)} ha",
        ]
    )
    return Project(
        nfc(name), nfc(company_name(rng)), street_address(rng, place), capacity, representative
    )


# --- lines and headers -----------------------------------------------------------------------


def line(text: str, **style: Any) -> Line:
    return Line(nfc(text), **style)


def title(*texts: str, size: float = 1.15) -> list[Block]:
    return [Space(0.6)] + [Line(nfc(t), align="center", bold=True, size=size) for t in texts]


def subtitle(text: str, italic: bool = False) -> Line:
    return Line(nfc(text), align="center", bold=not italic, italic=italic)


def para(text: str, *, width: int = WIDTH, indent: float = 0.0, **style: Any) -> list[Line]:
    """A paragraph wrapped to `width` characters (first line indented like Vietnamese prose)."""
    wrapped = wrap(nfc(text), width)
    return [Line(t, indent=indent if i == 0 else 0.0, **style) for i, t in enumerate(wrapped)]


def fields_line(*pairs: tuple[str, str]) -> Line:
    """Several short 'label: value' pairs on one line, separated by spaces (as forms print)."""
    return Line(nfc("   ".join(f"{k}: {v}" for k, v in pairs)))


def motto(rule: bool = True) -> tuple[Line, Line]:
    return (
        Line(MOTTO, align="center", bold=True, size=0.95),
        Line(MOTTO_2, align="center", bold=True, rule=rule),
    )


def official_header(issuer: Issuer, number: str | None, dated: str | None) -> list[Block]:
    """Two-column header: issuing body (and 'Số: …') at left, motto (and date line) at right."""
    left = [Line(issuer.header[0], align="center", size=0.95)] if len(issuer.header) > 1 else []
    left.append(Line(issuer.header[-1], align="center", bold=True, size=0.95, rule=True))
    if number:
        left.append(Line(f"Số: {number}", align="center"))
    right = list(motto())
    if dated:
        right.append(Line(dated, align="center", italic=True))
    return [Columns(tuple(left), tuple(right))]


def citizen_header(form: str | None = None) -> list[Block]:
    """Header of a citizen's form: optional form number top right, motto centred."""
    blocks: list[Block] = []
    if form:
        blocks.append(Line(form, align="right", italic=True, size=0.9))
    blocks += list(motto())
    return blocks


def place_date(place: str, d: date, rng: random.Random) -> str:
    return date_line(place, d, padded=rng.random() < 0.85)


def area_phrase(area: float, rng: random.Random) -> str:
    return f"{area_text(area, rng)} m²"


def official_signature(
    issuer: Issuer, signer: str, recipients: list[str] | None, sealed: bool = True
) -> Signature:
    left = None
    if recipients is not None:
        left = SignCol(
            (Line("Nơi nhận:", bold=True, italic=True, size=0.85),)
            + tuple(Line(r, size=0.85) for r in recipients),
            signed=False,
        )
    right = SignCol(
        tuple(Line(t, align="center", bold=True) for t in issuer.signer),
        (Line(signer, align="center", bold=True),),
        seal=issuer.seal if sealed else None,
    )
    return Signature(left, right)


def citizen_signature(
    role: str, name: str, dated: str | None = None, left: SignCol | None = None
) -> Signature:
    top = [Line(dated, align="center", italic=True)] if dated else []
    top += [
        Line(role, align="center", bold=True),
        Line("(Ký, ghi rõ họ tên)", align="center", italic=True, size=0.9),
    ]
    return Signature(left, SignCol(tuple(top), (Line(name, align="center", bold=True),)))


def build_pages(
    doc_type: str,
    variant: str,
    head: list[Block],
    body: list[Block],
    tail: list[Block],
    *,
    rng: random.Random,
    numbered: bool | None = None,
    qr: str | None = None,
) -> list[PageSpec]:
    """Paginate a document; continuation pages carry no title, optionally 'Trang i/n'."""
    chunks = paginate(head, body, tail)
    numbered = rng.random() < 0.5 if numbered is None else numbered
    pages = []
    for i, blocks in enumerate(chunks):
        footer = f"Trang {i + 1}/{len(chunks)}" if numbered and len(chunks) > 1 else None
        pages.append(PageSpec(doc_type, variant, blocks, footer=footer))
    if qr:
        pages[0].qr_codes.append(qr)
    return pages


def filled_pages(
    doc_type: str,
    variant: str,
    head: list[Block],
    core: list[Block],
    extra: list[list[Block]],
    tail: list[Block],
    target: int,
    *,
    rng: random.Random,
) -> list[PageSpec]:
    """Add optional body sections (in order) until the document reaches `target` pages."""
    body = list(core)
    for section in extra:
        if len(paginate(head, body + section, tail)) > target:
            break
        body += section
    return build_pages(doc_type, variant, head, body, tail, rng=rng)


def person_lines(
    p: Person,
    *,
    id_label: str = "Số CCCD",
    with_birth: bool = True,
    role: str = "Họ và tên",
    upper: bool = False,
) -> list[Line]:
    name = p.name.upper() if upper else p.name
    out = [line(f"{role}: {name}")]
    if with_birth:
        out.append(fields_line(("Năm sinh", str(p.birth.year)), (id_label, p.citizen_id)))
    else:
        out.append(line(f"{id_label}: {p.citizen_id}"))
    out += para(f"Địa chỉ thường trú: {p.residence}")
    return out


def new_rng(rng: random.Random) -> random.Random:
    """A child generator: documents stay identical when an earlier one changes its draws."""
    return random.Random(rng.getrandbits(64))
