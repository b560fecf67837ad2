# ruff: noqa: E501  (Vietnamese prose: long string literals read better unsplit)
"""Environment documents and decisions: EIA reports, environmental permits and registrations,
and the decisions (land or environment) that settle a procedure."""

from __future__ import annotations

from datetime import date, timedelta

from samples.docs_common import (
    Ctx,
    DocumentSpec,
    area_phrase,
    build_pages,
    citizen_header,
    filled_pages,
    line,
    official_header,
    official_signature,
    para,
    place_date,
    subtitle,
    title,
)
from samples.formats import date_words, wrap
from samples.layout import Block, Columns, Line, Signature, SignCol, Space, Table
from samples.offices import Issuer, department, district_pc, province_pc
from samples.vocab import person_name

LEGAL_BASES_ENV = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;",
    "Căn cứ Nghị định số 08/2022/NĐ-CP ngày 10 tháng 01 năm 2022 của Chính phủ quy định chi tiết "
    "một số điều của Luật Bảo vệ môi trường;",
    "Căn cứ Thông tư số 02/2022/TT-BTNMT ngày 10 tháng 01 năm 2022 của Bộ trưởng Bộ Tài nguyên và "
    "Môi trường quy định chi tiết thi hành một số điều của Luật Bảo vệ môi trường;",
]
LEGAL_BASES_LAND = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Nghị định số 102/2024/NĐ-CP ngày 30 tháng 7 năm 2024 của Chính phủ quy định chi tiết "
    "thi hành một số điều của Luật Đất đai;",
]
LEGAL_BASES_LAND_OLD = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;",
    "Căn cứ Nghị định số 43/2014/NĐ-CP ngày 15 tháng 5 năm 2014 của Chính phủ quy định chi tiết "
    "thi hành một số điều của Luật Đất đai;",
]
LAND_LAW_2024 = date(2024, 8, 1)

POLLUTANTS = [
    ("Bụi tổng", "mg/Nm³", 200),
    ("SO2", "mg/Nm³", 500),
    ("NOx (tính theo NO2)", "mg/Nm³", 850),
    ("CO", "mg/Nm³", 1000),
    ("H2S", "mg/Nm³", 7.5),
    ("NH3", "mg/Nm³", 50),
]
WASTEWATER = [
    ("pH", "-", "5,5 - 9"),
    ("BOD5 (20°C)", "mg/l", "50"),
    ("COD", "mg/l", "150"),
    ("Tổng chất rắn lơ lửng (TSS)", "mg/l", "100"),
    ("Amoni (tính theo N)", "mg/l", "10"),
    ("Tổng Coliforms", "MPN/100 ml", "5.000"),
]

DTM_INTRO = [
    (
        "MỞ ĐẦU",
        [
            "1. Xuất xứ của dự án",
            "{project} do {owner} làm chủ đầu tư được thực hiện tại {address}. Dự án thuộc loại "
            "hình dự án đầu tư mới, có quy mô, công suất {capacity}, phù hợp với quy hoạch phát "
            "triển kinh tế - xã hội của địa phương.",
            "Căn cứ Luật Bảo vệ môi trường năm 2020, dự án thuộc đối tượng phải lập báo cáo đánh giá "
            "tác động môi trường trình cơ quan có thẩm quyền thẩm định và phê duyệt.",
            "2. Căn cứ pháp lý và kỹ thuật của việc thực hiện đánh giá tác động môi trường",
            "Báo cáo được lập trên cơ sở Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020, Nghị định "
            "số 08/2022/NĐ-CP, Thông tư số 02/2022/TT-BTNMT và các quy chuẩn kỹ thuật quốc gia về môi "
            "trường hiện hành.",
        ],
    ),
    (
        "CHƯƠNG 1. THÔNG TIN VỀ DỰ ÁN",
        [
            "1.1. Tên dự án: {project}",
            "1.2. Chủ dự án: {owner}. Người đại diện: {representative}.",
            "1.3. Vị trí địa lý: Dự án nằm tại {address}. Phía Bắc giáp đường giao thông liên xã, "
            "phía Nam giáp đất sản xuất nông nghiệp, phía Đông và phía Tây giáp khu dân cư hiện hữu.",
            "1.4. Quy mô, công suất: {capacity}. Tổng vốn đầu tư dự kiến của dự án là {capital} "
            "tỷ đồng.",
            "1.5. Tiến độ thực hiện: dự án dự kiến thi công xây dựng trong 12 tháng và đi vào vận "
            "hành thương mại sau khi hoàn thành vận hành thử nghiệm các công trình xử lý chất thải.",
        ],
    ),
    (
        "CHƯƠNG 2. ĐIỀU KIỆN TỰ NHIÊN, KINH TẾ - XÃ HỘI VÀ HIỆN TRẠNG MÔI TRƯỜNG",
        [
            "Khu vực dự án có địa hình tương đối bằng phẳng, khí hậu nhiệt đới gió mùa với nhiệt độ "
            "trung bình năm khoảng 23 - 25°C, lượng mưa trung bình năm từ 1.500 đến 1.800 mm.",
            "Kết quả quan trắc hiện trạng cho thấy chất lượng môi trường không khí, nước mặt và đất "
            "tại khu vực dự án đều nằm trong giới hạn cho phép của các quy chuẩn kỹ thuật quốc gia.",
        ],
    ),
]
DTM_SOURCES = [
    (
        "bụi và khí thải từ phương tiện vận chuyển",
        "khí thải",
        "các hộ dân sống dọc tuyến đường vận chuyển và công nhân trên công trường",
    ),
    ("nước thải sinh hoạt của công nhân", "nước thải", "nguồn nước mặt tiếp nhận"),
    ("nước thải sản xuất", "nước thải", "hệ thống kênh mương thủy lợi khu vực"),
    ("chất thải rắn sinh hoạt", "chất thải rắn", "môi trường đất và cảnh quan khu vực"),
    ("chất thải nguy hại", "chất thải nguy hại", "môi trường đất, nước dưới đất"),
    ("tiếng ồn và độ rung của máy móc", "tiếng ồn", "công nhân vận hành và khu dân cư lân cận"),
    ("khí thải lò hơi", "khí thải", "chất lượng không khí xung quanh"),
    ("mùi hôi phát sinh", "mùi", "khu dân cư cuối hướng gió"),
    ("nước mưa chảy tràn", "nước mưa", "hệ thống thoát nước chung của khu vực"),
    ("sự cố cháy nổ và rò rỉ hóa chất", "sự cố", "người lao động và tài sản của dự án"),
]
DTM_TAIL = [
    (
        "CHƯƠNG 5. CHƯƠNG TRÌNH QUẢN LÝ VÀ GIÁM SÁT MÔI TRƯỜNG",
        [
            "Giám sát khí thải: 03 tháng/lần tại ống khói sau hệ thống xử lý; thông số giám sát gồm "
            "bụi tổng, SO2, NOx, CO.",
            "Giám sát nước thải: 03 tháng/lần tại hố ga sau hệ thống xử lý nước thải tập trung.",
        ],
    ),
    (
        "CHƯƠNG 6. KẾT QUẢ THAM VẤN",
        [
            "Chủ dự án đã tham vấn ý kiến của Ủy ban nhân dân cấp xã và cộng đồng dân cư chịu tác "
            "động trực tiếp bởi dự án; các ý kiến góp ý đã được tiếp thu và giải trình trong báo cáo.",
        ],
    ),
    (
        "KẾT LUẬN, KIẾN NGHỊ VÀ CAM KẾT",
        [
            "{owner} cam kết thực hiện đầy đủ các biện pháp giảm thiểu tác động tiêu cực đến môi "
            "trường đã nêu trong báo cáo và tuân thủ các quy định của pháp luật về bảo vệ môi trường.",
        ],
    ),
]


def _env_issuer(ctx: Ctx, on: date) -> Issuer:
    rng, office = ctx.rng, ctx.office
    if office.kind == "ministry":
        return ctx.issuer
    if office.kind == "dept" and rng.random() < 0.5:
        return department(ctx.place.province, on, rng)
    return province_pc(ctx.place.province, rng)


def _emission_table(ctx: Ctx) -> Table:
    rows = [("STT", "Chất ô nhiễm", "Đơn vị", "Nồng độ dự báo", "QCVN 19:2009/BTNMT")]
    for i, (name, unit, limit) in enumerate(ctx.rng.sample(POLLUTANTS, 4)):
        value = f"{limit * ctx.rng.uniform(0.1, 0.8):.1f}".replace(".", ",")
        rows.append((str(i + 1), name, unit, value, f"{limit}".replace(".", ",")))
    return Table(tuple(rows), (0.08, 0.32, 0.15, 0.2, 0.25))


def bao_cao_dtm(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, pr = ctx.rng, ctx.project
    values = {
        "project": pr.name,
        "owner": pr.owner,
        "address": pr.address,
        "capacity": pr.capacity,
        "representative": pr.representative.name,
        "capital": rng.randint(12, 900),
    }
    finished = ctx.received - timedelta(days=rng.randint(5, 60))
    month_line = f"{ctx.place.province.short}, tháng {finished.month} năm {finished.year}"
    if variant == "a":  # cover page, then the chapters
        head: list[Block] = [
            Line(pr.owner.upper(), align="center", bold=True),
            Space(5),
            *title("BÁO CÁO", size=1.4),
            subtitle("ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG"),
            Space(0.5),
            subtitle("của dự án", italic=True),
            *[Line(t, align="center", bold=True) for t in wrap(pr.name.upper(), 48)],
            Space(1),
            *para(f"Địa điểm: {pr.address}", width=60, align="center"),
            Space(6),
            Signature(
                SignCol(
                    (
                        Line("CHỦ DỰ ÁN", align="center", bold=True),
                        Line(pr.owner, align="center", size=0.8),
                    ),
                    seal=pr.owner.upper(),
                ),
                SignCol(
                    (Line("ĐƠN VỊ TƯ VẤN", align="center", bold=True),),
                    seal=f"CÔNG TY TNHH TƯ VẤN MÔI TRƯỜNG {ctx.place.province.short.upper()}",
                ),
            ),
            Space(3),
            Line(month_line, align="center", italic=True),
        ]
        cover_only = True
    else:  # national header, title and the first chapter on page 1
        head = [
            *citizen_header(),
            *title("BÁO CÁO ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG"),
            *[subtitle(t) for t in wrap(f"của Dự án: {pr.name}", 60)],
            line(f"Chủ dự án: {pr.owner}", align="center", italic=True),
            Space(0.5),
        ]
        cover_only = False
    sections = _dtm_sections(ctx, values)
    target = rng.randint(3, 6)
    if cover_only:
        chapter_pages = filled_pages(
            "bao_cao_dtm", variant, [], sections[0], sections[1:], [], target - 1, rng=rng
        )
        first = build_pages("bao_cao_dtm", variant, head, [], [], rng=rng, numbered=False)
        pages = first + chapter_pages
    else:
        pages = filled_pages(
            "bao_cao_dtm", variant, head, sections[0], sections[1:], [], target, rng=rng
        )
    fields = {"project_name": pr.name, "project_owner": pr.owner}
    return DocumentSpec(
        "bao_cao_dtm", variant, pages, fields, "Báo cáo đánh giá tác động môi trường"
    )


def _dtm_chapter(heading: str, paragraphs: list[str], values: dict) -> list[Block]:
    blocks: list[Block] = [Space(0.5), Line(heading, align="center", bold=True)]
    for text in paragraphs:
        if text[:1].isdigit() and len(text) < 90:
            blocks.append(line(text.format(**values), bold=True))
        else:
            blocks += para(text.format(**values), indent=2)
    return blocks


def _dtm_sections(ctx: Ctx, values: dict) -> list[list[Block]]:
    """Chapters as chunks (each chunk one subsection) so a report can grow to 3-6 pages."""
    rng = ctx.rng
    chunks = [_dtm_chapter(h, ps, values) for h, ps in DTM_INTRO]
    sources = rng.sample(DTM_SOURCES, rng.randint(5, len(DTM_SOURCES)))
    chunks.append(
        [
            Space(0.5),
            Line("CHƯƠNG 3. ĐÁNH GIÁ, DỰ BÁO TÁC ĐỘNG MÔI TRƯỜNG", align="center", bold=True),
            line("Bảng 3.1. Nồng độ các chất ô nhiễm trong khí thải", italic=True, align="center"),
            _emission_table(ctx),
        ]
    )
    for k, (source, kind, target) in enumerate(sources):
        load = f"{rng.uniform(0.5, 90):.2f}".replace(".", ",")
        chunks.append(
            [
                line(f"3.{k + 1}. Tác động do {source}", bold=True),
                *para(
                    f"Nguồn phát sinh {kind} chủ yếu từ {source} trong quá trình thi công "
                    f"và vận hành {values['project'][:1].lower()}"
                    f"{values['project'][1:]}. Tải lượng ước tính khoảng {load} "
                    f"kg/ngày. Đối tượng chịu tác động là {target}. Mức độ tác động được "
                    f"đánh giá là {rng.choice(['nhỏ', 'trung bình', 'đáng kể'])}, "
                    "mang tính cục bộ và có thể kiểm soát được.",
                    indent=2,
                ),
            ]
        )
    chunks.append(
        [
            Space(0.5),
            Line(
                "CHƯƠNG 4. BIỆN PHÁP PHÒNG NGỪA, GIẢM THIỂU TÁC ĐỘNG TIÊU CỰC",
                align="center",
                bold=True,
            ),
        ]
    )
    for k, (source, kind, _) in enumerate(sources):
        chunks.append(
            [
                line(f"4.{k + 1}. Giảm thiểu tác động do {source}", bold=True),
                *para(
                    f"Chủ dự án bố trí công trình thu gom và xử lý {kind} đạt quy chuẩn "
                    "kỹ thuật quốc gia trước khi thải ra môi trường; định kỳ kiểm tra, "
                    "bảo dưỡng thiết bị và phân công cán bộ phụ trách môi trường theo "
                    "dõi việc vận hành.",
                    indent=2,
                ),
            ]
        )
    chunks += [_dtm_chapter(h, ps, values) for h, ps in DTM_TAIL]
    return chunks


def giay_phep_moi_truong(ctx: Ctx, variant: str, *, result: bool = False) -> DocumentSpec:
    rng, pr = ctx.rng, ctx.project
    if variant == "b" and not result:
        return _permit_application(ctx)
    issued = (
        ctx.appointment - timedelta(days=rng.randint(0, 3))
        if result
        else ctx.received - timedelta(days=rng.randint(200, 1500))
    )
    issuer = _env_issuer(ctx, issued)
    number = f"{rng.randint(1, 350)}/GPMT-{issuer.suffix}"
    years = rng.choice([7, 10])
    expiry = date(issued.year + years, issued.month, min(issued.day, 28))
    head = official_header(issuer, number, place_date(issuer.place, issued, rng))
    head += title("GIẤY PHÉP MÔI TRƯỜNG")
    head.append(subtitle(issuer.body.upper()))
    body: list[Block] = [
        *[ln for t in LEGAL_BASES_ENV for ln in para(t, indent=2, italic=True)],
        *para(
            f"Xét Văn bản đề nghị cấp giấy phép môi trường của {pr.owner};", indent=2, italic=True
        ),
        Line("QUYẾT ĐỊNH:", align="center", bold=True),
        *para(
            f"Điều 1. Cấp phép cho {pr.owner}, địa chỉ tại {pr.address}, được "
            f"thực hiện các hoạt động bảo vệ môi trường của {pr.name}.",
            indent=2,
        ),
        *para(f"1. Tên dự án đầu tư, cơ sở: {pr.name}"),
        line(f"2. Quy mô, công suất: {pr.capacity}"),
        *para(f"3. Địa điểm hoạt động: {pr.address}"),
        *para(
            "Điều 2. Nội dung cấp phép môi trường: nước thải được phép xả ra "
            "môi trường phải bảo đảm đáp ứng các giới hạn sau:",
            indent=2,
        ),
    ]
    limits = rng.sample(WASTEWATER, 4)
    if variant == "c":  # limits as a list instead of a table
        body += [
            line(
                f"- {name}: trong khoảng {limit}"
                if unit == "-"
                else f"- {name}: không vượt quá {limit} {unit}"
            )
            for name, unit, limit in limits
        ]
        body += para(
            "Khí thải phát sinh được thu gom, xử lý đạt QCVN 19:2009/BTNMT trước khi "
            "xả ra môi trường.",
            indent=2,
        )
    else:
        rows = [("STT", "Chất ô nhiễm", "Đơn vị tính", "Giá trị giới hạn", "Tần suất quan trắc")]
        for i, (name, unit, limit) in enumerate(limits):
            rows.append((str(i + 1), name, unit, limit, "03 tháng/lần"))
        body.append(Table(tuple(rows), (0.08, 0.34, 0.16, 0.2, 0.22)))
    body += para(
        f"Điều 3. Thời hạn của giấy phép: {years:02d} năm, kể từ {date_words(issued)} "
        f"đến {date_words(expiry)}.",
        indent=2,
    )
    body += para(
        "Điều 4. Giao Sở Tài nguyên và Môi trường, Ủy ban nhân dân cấp huyện nơi thực "
        "hiện dự án kiểm tra, giám sát việc thực hiện giấy phép này.",
        indent=2,
    )
    tail = [
        official_signature(
            issuer, person_name(rng, rng.choice(["Nam", "Nữ"])), [f"- {pr.owner};", "- Lưu: VT."]
        )
    ]
    pages = build_pages("giay_phep_moi_truong", variant, head, body, tail, rng=rng)
    fields = {
        "document_number": number,
        "issue_date": issued.isoformat(),
        "project_name": pr.name,
        "project_owner": pr.owner,
        "expiry_date": expiry.isoformat(),
    }
    return DocumentSpec("giay_phep_moi_truong", variant, pages, fields, "Giấy phép môi trường")


def _company_header(owner: str, number: str, dated: str) -> list[Block]:
    left = tuple(
        Line(t, align="center", bold=True, size=0.9) for t in wrap(owner.upper(), width=34)
    )
    left = left[:-1] + (Line(left[-1].text, align="center", bold=True, size=0.9, rule=True),)
    left += (Line(f"Số: {number}", align="center"),)
    right = (
        Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size=0.95),
        Line("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, rule=True),
        Line(dated, align="center", italic=True),
    )
    return [Columns(left, right)]


def _company_abbr(owner: str) -> str:
    words = [w for w in owner.split() if w[0].isupper() and w not in ("TNHH", "MTV", "CP")]
    return "".join(w[0] for w in words[-3:]).upper()


def _permit_application(ctx: Ctx) -> DocumentSpec:
    rng, pr = ctx.rng, ctx.project
    signed = ctx.received - timedelta(days=rng.randint(1, 20))
    number = f"{rng.randint(1, 250)}/CV-{_company_abbr(pr.owner)}"
    head = _company_header(pr.owner, number, place_date(ctx.place.short_name, signed, rng))
    head += title("VĂN BẢN ĐỀ NGHỊ", "CẤP GIẤY PHÉP MÔI TRƯỜNG")
    head.append(line(f"Kính gửi: {ctx.issuer.body}", align="center"))
    body: list[Block] = [
        *para(f"1. Tên chủ dự án đầu tư, cơ sở: {pr.owner}"),
        *para(f"- Địa chỉ văn phòng: {pr.address}"),
        line(f"- Người đại diện theo pháp luật: {pr.representative.name}"),
        line(f"- Điện thoại: {pr.representative.phone}"),
        *para(f"2. Tên dự án đầu tư, cơ sở: {pr.name}"),
        *para(f"- Địa điểm thực hiện: {pr.address}"),
        line(f"- Quy mô, công suất: {pr.capacity}"),
        *para(
            "3. Hồ sơ gửi kèm: Báo cáo đề xuất cấp giấy phép môi trường; bản sao quyết định "
            "phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường.",
            indent=0,
        ),
        *para(
            f"{pr.owner} cam kết về độ trung thực, chính xác của các thông tin, số liệu được "
            "nêu trong các tài liệu trên đây; nếu có gì sai trái, chúng tôi hoàn toàn chịu "
            "trách nhiệm trước pháp luật.",
            indent=2,
        ),
    ]
    tail = [
        Signature(
            SignCol(
                (
                    Line("Nơi nhận:", bold=True, italic=True, size=0.85),
                    Line("- Như trên;", size=0.85),
                    Line("- Lưu: VT.", size=0.85),
                ),
                signed=False,
            ),
            SignCol(
                (Line("GIÁM ĐỐC", align="center", bold=True),),
                (Line(pr.representative.name, align="center", bold=True),),
                seal=pr.owner.upper(),
            ),
        )
    ]
    pages = build_pages("giay_phep_moi_truong", "b", head, body, tail, rng=rng)
    fields = {
        "document_number": number,
        "issue_date": signed.isoformat(),
        "project_name": pr.name,
        "project_owner": pr.owner,
    }
    return DocumentSpec(
        "giay_phep_moi_truong", "b", pages, fields, "Văn bản đề nghị cấp giấy phép môi trường"
    )


def dang_ky_moi_truong(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, pr = ctx.rng, ctx.project
    signed = ctx.received - timedelta(days=rng.randint(0, 15))
    dated = place_date(ctx.place.short_name, signed, rng)
    fields = {"project_name": pr.name, "project_owner": pr.owner, "issue_date": signed.isoformat()}
    waste = [
        ("Loại chất thải", "Khối lượng", "Biện pháp xử lý"),
        ("Nước thải sinh hoạt", f"{rng.randint(2, 60)} m³/ngày", "Bể tự hoại 3 ngăn"),
        (
            "Chất thải rắn sinh hoạt",
            f"{rng.randint(20, 400)} kg/ngày",
            "Hợp đồng thu gom với đơn vị vệ sinh môi trường",
        ),
        ("Chất thải nguy hại", f"{rng.randint(5, 90)} kg/năm", "Lưu giữ, chuyển giao"),
    ]
    if variant == "a":
        number = f"{rng.randint(1, 250)}/ĐKMT-{_company_abbr(pr.owner)}"
        head = _company_header(pr.owner, number, dated)
        head += title("VĂN BẢN ĐĂNG KÝ MÔI TRƯỜNG")
        head.append(line(f"Kính gửi: {ctx.issuer.body}", align="center"))
        body: list[Block] = [
            line("I. Thông tin chung về dự án đầu tư, cơ sở", bold=True),
            *para(f"1. Tên dự án, cơ sở: {pr.name}"),
            *para(f"2. Tên chủ dự án, cơ sở: {pr.owner}"),
            *para(f"3. Địa điểm thực hiện: {pr.address}"),
            line(f"4. Người đại diện: {pr.representative.name}"),
            line(f"5. Quy mô, công suất: {pr.capacity}"),
            line("II. Loại hình sản xuất, kinh doanh, dịch vụ và chất thải phát sinh", bold=True),
            *[ln for w in waste[1:] for ln in para(f"- {w[0]}: {w[1]}; biện pháp: {w[2]}")],
            *para(
                "Chúng tôi cam kết thực hiện đúng và đầy đủ các biện pháp bảo vệ môi trường "
                "đã nêu trong văn bản này.",
                indent=2,
            ),
        ]
        fields["document_number"] = number
        tail = [
            Signature(
                None,
                SignCol(
                    (Line("GIÁM ĐỐC", align="center", bold=True),),
                    (Line(pr.representative.name, align="center", bold=True),),
                    seal=pr.owner.upper(),
                ),
            )
        ]
    else:
        head = citizen_header() + title("PHIẾU ĐĂNG KÝ MÔI TRƯỜNG")
        head.append(line(f"Kính gửi: {ctx.issuer.body}", align="center"))
        body = [
            *para(f"1. Tên cơ sở: {pr.name}"),
            *para(f"2. Chủ cơ sở: {pr.owner}"),
            *para(f"3. Địa chỉ: {pr.address}"),
            line(f"4. Điện thoại: {pr.representative.phone}"),
            line(f"5. Hoạt động: sản xuất, kinh doanh với quy mô {pr.capacity}"),
            line("6. Chất thải phát sinh và biện pháp xử lý:", bold=True),
            Table(tuple(waste), (0.34, 0.22, 0.44)),
            *para("Chủ cơ sở cam kết thực hiện đúng các nội dung đã đăng ký.", indent=2),
        ]
        tail = [
            Signature(
                None,
                SignCol(
                    (
                        Line(dated, align="center", italic=True),
                        Line("CHỦ CƠ SỞ", align="center", bold=True),
                    ),
                    (Line(pr.representative.name, align="center", bold=True),),
                ),
            )
        ]
    pages = build_pages("dang_ky_moi_truong", variant, head, body, tail, rng=rng)
    name = "Văn bản đăng ký môi trường" if variant == "a" else "Phiếu đăng ký môi trường"
    return DocumentSpec("dang_ky_moi_truong", variant, pages, fields, name)


def quyet_dinh(ctx: Ctx, variant: str, *, result: bool = False) -> DocumentSpec:
    """A decision: land (use change, allocation) in land dossiers, EIA approval in environment ones.

    Variants are layouts: a) articles as paragraphs; b) bold article headings on their own lines;
    c) as a) plus a table (the parcel, or the approved emission limits)."""
    rng, p, pr, a = ctx.rng, ctx.parcel, ctx.project, ctx.applicant
    env = ctx.procedure.domain == "env"
    issued = (
        ctx.appointment - timedelta(days=rng.randint(0, 3))
        if result
        else ctx.received - timedelta(days=rng.randint(30, 400))
    )
    if env:
        issuer = _env_issuer(ctx, issued)
    elif rng.random() < 0.75:
        issuer = district_pc(ctx.place.province, ctx.place.district, rng)
    else:
        issuer = province_pc(ctx.place.province, rng)
    number = f"{rng.randint(1, 4999)}/QĐ-{issuer.suffix}"
    fields: dict = {"document_number": number, "issue_date": issued.isoformat()}
    if env:
        subject = f"phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của {pr.name}"
        fields |= {"project_name": pr.name, "project_owner": pr.owner}
        bases = LEGAL_BASES_ENV
        articles = [
            (
                "Điều 1.",
                "Phê duyệt kết quả thẩm định",
                f"Phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường của {pr.name} "
                f"(sau đây gọi là Dự án) của {pr.owner} (sau đây gọi là Chủ dự án) thực hiện tại "
                f"{pr.address}.",
            ),
            (
                "Điều 2.",
                "Trách nhiệm của Chủ dự án",
                "Chủ dự án có trách nhiệm thực hiện nghiêm túc các yêu cầu về bảo vệ môi trường nêu "
                "tại Phụ lục kèm theo Quyết định này.",
            ),
            (
                "Điều 3.",
                "Tổ chức thực hiện",
                "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Giám đốc các sở, ngành "
                "liên quan và Chủ dự án chịu trách nhiệm thi hành Quyết định này.",
            ),
        ]
        table = _emission_table(ctx)
    else:
        change = ctx.procedure.key == "land_use_change"
        subject = (
            "cho phép chuyển mục đích sử dụng đất"
            if change
            else rng.choice(
                ["giao đất ở không thông qua hình thức đấu giá", "công nhận quyền sử dụng đất"]
            )
        )
        subject += f" cho {a.title.lower()} {a.name}"
        fields |= {"parcel_number": p.number, "map_sheet": p.sheet, "area_m2": p.area}
        bases = LEGAL_BASES_LAND if issued >= LAND_LAW_2024 else LEGAL_BASES_LAND_OLD
        verb = "Cho phép" if change else "Giao"
        articles = [
            (
                "Điều 1.",
                "Nội dung",
                f"{verb} {a.title.lower()} {a.name}, số CCCD {a.citizen_id}, thường trú tại "
                f"{a.residence}, được sử dụng thửa đất số {p.number}, tờ bản đồ số {p.sheet}, diện "
                f"tích {area_phrase(p.area, rng)} tại {p.place.tail} vào mục đích đất ở.",
            ),
            (
                "Điều 2.",
                "Trách nhiệm của các cơ quan",
                "Giao Phòng Tài nguyên và Môi trường, Văn phòng đăng ký đất đai, Chi cục Thuế khu "
                "vực hướng dẫn người sử dụng đất thực hiện nghĩa vụ tài chính và cập nhật hồ sơ địa "
                "chính theo quy định.",
            ),
            (
                "Điều 3.",
                "Hiệu lực thi hành",
                "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Trưởng các phòng, ban "
                "liên quan và người sử dụng đất có tên tại Điều 1 chịu trách nhiệm thi hành.",
            ),
        ]
        table = Table(
            (
                ("Thửa đất số", "Tờ bản đồ số", "Diện tích (m²)", "Mục đích"),
                (p.number, p.sheet, area_phrase(p.area, rng)[:-3], "ONT"),
            ),
            (0.22, 0.22, 0.28, 0.28),
        )
    fields["subject"] = subject
    head = official_header(issuer, number, place_date(issuer.place, issued, rng))
    head += title("QUYẾT ĐỊNH")
    head += [Line(t, align="center", bold=True) for t in wrap(f"Về việc {subject}", 64)]
    if variant != "b":
        head += [Space(0.4), Line(issuer.body.upper(), align="center", bold=True)]
    body: list[Block] = [ln for t in bases for ln in para(t, indent=2, italic=variant != "b")]
    body += para(
        f"Xét đề nghị của {'Chủ dự án' if env else a.title.lower() + ' ' + a.name} và "
        "của cơ quan chuyên môn tại Tờ trình ngày "
        f"{date_words(issued - timedelta(days=rng.randint(3, 20)))};",
        indent=2,
        italic=variant != "b",
    )
    body.append(Line("QUYẾT ĐỊNH:", align="center", bold=True))
    for i, (number_label, heading, text) in enumerate(articles):
        if variant == "b":
            body.append(line(f"{number_label} {heading}", bold=True))
            body += para(text, indent=2)
        else:
            body += para(f"{number_label} {text}", indent=2)
        if variant == "c" and i == 0:
            body.append(table)
    tail = [
        official_signature(
            issuer, person_name(rng, rng.choice(["Nam", "Nữ"])), ["- Như Điều 3;", "- Lưu: VT."]
        )
    ]
    pages = build_pages("quyet_dinh", variant, head, body, tail, rng=rng)
    return DocumentSpec(
        "quyet_dinh",
        variant,
        pages,
        fields,
        "Quyết định phê duyệt kết quả thẩm định báo cáo ĐTM"
        if env
        else "Quyết định của Ủy ban nhân dân",
    )
