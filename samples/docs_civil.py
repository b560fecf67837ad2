# ruff: noqa: E501  (Vietnamese prose: long string literals read better unsplit)
"""The receipt, ID card copies, powers of attorney and unrelated papers (`khac`)."""

from __future__ import annotations

from datetime import date, timedelta

from samples.docs_common import (
    Ctx,
    DocumentSpec,
    build_pages,
    citizen_header,
    citizen_signature,
    fields_line,
    line,
    official_header,
    para,
    person_lines,
    place_date,
    title,
)
from samples.formats import date_words, dmy, money_text, number_words, wrap
from samples.layout import Block, Card, Line, QRCode, Signature, SignCol, Space, Table
from samples.offices import commune_pc
from samples.vocab import Person, make_person, person_name

COMPONENT_NAMES = {
    "don_dang_ky_dat_dai": "Đơn đăng ký đất đai, tài sản gắn liền với đất",
    "don_dang_ky_bien_dong": "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất",
    "giay_chung_nhan_qsdd": "Bản gốc Giấy chứng nhận đã cấp",
    "hop_dong_chuyen_nhuong": "Hợp đồng chuyển nhượng quyền sử dụng đất",
    "trich_luc_ban_do": "Trích lục bản đồ địa chính thửa đất",
    "to_khai_thue": "Tờ khai thuế, lệ phí trước bạ",
    "quyet_dinh": "Bản sao quyết định phê duyệt kết quả thẩm định báo cáo ĐTM",
    "bao_cao_dtm": "Báo cáo đánh giá tác động môi trường",
    "giay_phep_moi_truong": "Văn bản đề nghị cấp giấy phép môi trường",
    "dang_ky_moi_truong": "Văn bản đăng ký môi trường",
    "can_cuoc": "Bản sao Căn cước công dân",
    "giay_uy_quyen": "Giấy ủy quyền",
    "khac": "Giấy tờ khác có liên quan",
}


def applicant_label(ctx: Ctx) -> tuple[str, Person | None]:
    """Who the receipt names: the citizen for land, the company for environment procedures."""
    if ctx.procedure.domain == "env":
        return ctx.project.owner, None
    return ctx.applicant.name, ctx.applicant


def phieu_tiep_nhan(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, code = ctx.rng, ctx.dossier_code
    name, person = applicant_label(ctx)
    received, due = ctx.received, ctx.appointment
    dated = place_date(ctx.issuer.place, received, rng) if variant != "c" else None
    head: list[Block] = [QRCode(code)] if variant != "c" else []
    head += official_header(ctx.issuer, None, dated)
    head += title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    head.append(line(f"Mã hồ sơ: {code}", align="center", bold=True))
    hour = f"{rng.randint(7, 16):02d} giờ {rng.choice([0, 15, 30, 45]):02d} phút"
    comps = [c for c in ctx.components]
    who = [
        *para(f"Bộ phận tiếp nhận và trả kết quả {ctx.issuer.body}"),
        *para(f"Tiếp nhận hồ sơ của: {name}"),
    ]
    fields = {
        "dossier_code": code,
        "office_code": ctx.office.code,
        "received_date": received.isoformat(),
        "appointment_date": due.isoformat(),
        "applicant_name": name,
    }
    if person and variant != "b":
        who.append(line(f"Số CCCD: {person.citizen_id}"))
        fields["citizen_id"] = person.citizen_id
    address = person.residence if person else ctx.project.address
    who += para(f"Địa chỉ: {address}")
    who.append(line(f"Số điện thoại: {(person or ctx.project.representative).phone}"))
    who += para(f"Nội dung yêu cầu giải quyết: {ctx.procedure.name}")
    if variant == "a":
        rows = [("STT", "Tên giấy tờ", "Bản chính", "Bản sao")]
        for i, doc in enumerate(comps):
            copy = doc in ("can_cuoc", "quyet_dinh")
            rows.append(
                (str(i + 1), COMPONENT_NAMES[doc], "" if copy else "01", "01" if copy else "")
            )
        listing: list[Block] = [
            line("1. Thành phần hồ sơ nộp gồm:", bold=True),
            Table(tuple(rows), (0.08, 0.62, 0.15, 0.15)),
        ]
    else:
        listing = [line("1. Thành phần hồ sơ nộp gồm:", bold=True)]
        for i, doc in enumerate(comps):
            listing += para(f"{i + 1}) {COMPONENT_NAMES[doc]}: 01 bản", indent=2)
    timing = [
        line("2. Số lượng hồ sơ: 01 (bộ)"),
        line(f"3. Thời gian giải quyết hồ sơ theo quy định là: {ctx.procedure.days} ngày làm việc"),
        line(f"4. Thời gian nhận hồ sơ: {hour}, ngày {dmy(received)}"),
        line(f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {dmy(due)}"),
        line("6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả"),
        line(
            f"Vào Sổ theo dõi hồ sơ, Quyển số: {rng.randint(1, 9):02d}, Số thứ tự: "
            f"{code.rsplit('-', 1)[1].lstrip('0') or '0'}"
        ),
    ]
    body = [*who, *listing, *timing] if variant != "c" else [*listing, *who, *timing]
    staff = person_name(rng, rng.choice(["Nam", "Nữ"]))
    tail = [
        Signature(
            SignCol(
                (
                    Line("NGƯỜI NỘP HỒ SƠ", align="center", bold=True),
                    Line("(Ký và ghi rõ họ tên)", align="center", italic=True, size=0.9),
                ),
                (
                    Line(
                        name if person else ctx.project.representative.name,
                        align="center",
                        bold=True,
                    ),
                ),
            ),
            SignCol(
                (
                    Line("NGƯỜI TIẾP NHẬN HỒ SƠ", align="center", bold=True),
                    Line("(Ký và ghi rõ họ tên)", align="center", italic=True, size=0.9),
                ),
                (Line(staff, align="center", bold=True),),
            ),
        )
    ]
    if dated:
        fields["issue_date"] = received.isoformat()
    pages = build_pages(
        "phieu_tiep_nhan",
        variant,
        head,
        body,
        tail,
        rng=rng,
        numbered=False,
        qr=code if variant != "c" else None,
    )
    return DocumentSpec(
        "phieu_tiep_nhan", variant, pages, fields, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    )


def _card_lines(texts: list[str]) -> tuple[Line, ...]:
    out: list[Line] = []
    for t in texts:
        for i, part in enumerate(wrap(t, 44)):
            out.append(Line(part, size=0.75, indent=0 if i == 0 else 1))
    return tuple(out)


def can_cuoc(ctx: Ctx, variant: str, person: Person | None = None) -> DocumentSpec:
    """A4 copy of an ID card, front and back, often certified as a true copy."""
    rng = ctx.rng
    p = person or ctx.applicant
    issued = p.id_issued
    expiry = date(
        p.birth.year + (25 if p.birth.year > 1995 else 60), p.birth.month, min(p.birth.day, 28)
    )
    card_title = {"a": "CĂN CƯỚC CÔNG DÂN", "b": "CĂN CƯỚC", "c": "CHỨNG MINH NHÂN DÂN"}[variant]
    number_label = {"a": "Số", "b": "Số định danh cá nhân", "c": "Số"}[variant]
    front = [
        Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size=0.75),
        Line("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, size=0.75),
        Line(card_title, align="center", bold=True, size=0.95),
        *_card_lines(
            [
                f"{number_label}: {p.citizen_id}",
                f"Họ và tên: {p.name.upper()}",
                f"Ngày sinh: {dmy(p.birth)}   Giới tính: {p.sex}",
                "Quốc tịch: Việt Nam",
                f"Quê quán: {p.hometown}",
                f"Nơi thường trú: {p.residence}",
                f"Có giá trị đến: {dmy(expiry)}",
            ]
        ),
    ]
    chief = person_name(rng, "Nam")
    back_texts = [
        f"Đặc điểm nhân dạng: {rng.choice(['Sẹo chấm', 'Nốt ruồi'])} "
        f"{rng.choice(['C', 'c'])}:{rng.randint(1, 3)}cm "
        f"{rng.choice(['trên đuôi mắt trái', 'dưới cánh mũi phải', 'trên mép trái'])}",
        f"Ngày, tháng, năm: {dmy(issued)}",
        "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"
        if variant != "c"
        else f"GIÁM ĐỐC CÔNG AN {p.residence.split(', ')[-1].upper()}",
        chief,
    ]
    blocks: list[Block] = [
        Space(1),
        Card(front),
        Space(1),
        Card(_card_lines(back_texts), photo=False),
    ]
    certified = rng.random() < 0.6
    if certified:
        commune = ctx.place.commune
        pc = commune_pc(ctx.place.province, ctx.place.district, commune, rng)
        when = ctx.received - timedelta(days=rng.randint(1, 30))
        blocks += [
            Space(1),
            Line("CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH", bold=True),
            line(
                f"Số chứng thực: {rng.randint(1, 3000)} Quyển số: "
                f"{rng.randint(1, 9):02d}/{when.year}-SCT/BS"
            ),
            line(place_date(pc.place, when, rng), italic=True),
            Signature(
                None,
                SignCol(
                    (
                        Line("TM. ỦY BAN NHÂN DÂN", align="center", bold=True),
                        Line("CHỦ TỊCH", align="center", bold=True),
                    ),
                    (Line(person_name(rng, "Nam"), align="center", bold=True),),
                    seal=pc.seal,
                ),
            ),
        ]
    pages = build_pages("can_cuoc", variant, [], blocks, [], rng=rng, numbered=False)
    fields = {
        "citizen_id": p.citizen_id,
        "full_name": p.name.upper(),
        "date_of_birth": p.birth.isoformat(),
        "sex": p.sex,
        "issue_date": issued.isoformat(),
    }
    return DocumentSpec("can_cuoc", variant, pages, fields, "Bản sao " + card_title.capitalize())


def giay_uy_quyen(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, principal, agent = ctx.rng, ctx.applicant, ctx.agent
    signed = ctx.received - timedelta(days=rng.randint(1, 60))
    head = citizen_header()
    target = (
        f"đối với {ctx.project.name}"
        if ctx.procedure.domain == "env"
        else f"đối với thửa đất số {ctx.parcel.number}, tờ bản đồ số {ctx.parcel.sheet} tại "
        f"{ctx.parcel.place.tail}"
    )
    scope = (
        f"Thay mặt bên ủy quyền liên hệ với cơ quan nhà nước có thẩm quyền để nộp hồ sơ, "
        f"nhận kết quả thủ tục {ctx.procedure.name.lower()} {target}."
    )
    term = "Kể từ ngày ký đến khi hoàn thành công việc được ủy quyền"
    if variant == "a":
        head += title("GIẤY ỦY QUYỀN")
        body: list[Block] = [
            *para(
                "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
                italic=True,
                indent=2,
            ),
            *para(f"Hôm nay, {date_words(signed)}, tại {ctx.place.tail}, chúng tôi gồm:", indent=2),
            line("BÊN ỦY QUYỀN:", bold=True),
            *person_lines(principal),
            line("BÊN ĐƯỢC ỦY QUYỀN:", bold=True),
            *person_lines(agent),
            line("NỘI DUNG ỦY QUYỀN:", bold=True),
            *para(scope, indent=2),
            line(f"THỜI HẠN ỦY QUYỀN: {term}"),
            *para(
                "Bên được ủy quyền cam kết thực hiện đúng phạm vi được ủy quyền, không ủy "
                "quyền lại cho người khác.",
                indent=2,
            ),
        ]
        tail = [
            Signature(
                SignCol(
                    (Line("BÊN ĐƯỢC ỦY QUYỀN", align="center", bold=True),),
                    (Line(agent.name, align="center", bold=True),),
                ),
                SignCol(
                    (Line("BÊN ỦY QUYỀN", align="center", bold=True),),
                    (Line(principal.name, align="center", bold=True),),
                ),
            )
        ]
    else:
        head += title("HỢP ĐỒNG ỦY QUYỀN")
        body = [
            *para(
                f"Hôm nay, {date_words(signed)}, tại Văn phòng công chứng "
                f"{rng.choice(['Trung Tâm', 'Số 2', 'Hồng Hà', 'Mường Thanh', 'Sông Lam'])}, "
                "chúng tôi gồm có:",
                indent=2,
            ),
            line("Bên ủy quyền (Bên A):", bold=True),
            line(f"{principal.title}: {principal.name}"),
            fields_line(("Sinh ngày", dmy(principal.birth)), ("Số CCCD", principal.citizen_id)),
            *para(f"Nơi thường trú: {principal.residence}"),
            line("Bên được ủy quyền (Bên B):", bold=True),
            line(f"{agent.title}: {agent.name}"),
            fields_line(("Sinh ngày", dmy(agent.birth)), ("Số CCCD", agent.citizen_id)),
            *para(f"Nơi thường trú: {agent.residence}"),
            line("Điều 1. Phạm vi ủy quyền", bold=True),
            *para(scope, indent=2),
            line("Điều 2. Thời hạn ủy quyền", bold=True),
            *para(term + ".", indent=2),
            line("Điều 3. Thù lao", bold=True),
            *para("Việc ủy quyền này không có thù lao.", indent=2),
            line("Điều 4. Quyền và nghĩa vụ của các bên", bold=True),
            *para(
                "Bên A chịu trách nhiệm cho Bên B thực hiện trong phạm vi ủy quyền; Bên B "
                "thực hiện công việc theo ủy quyền và báo cáo cho Bên A về việc thực hiện công "
                "việc đó; giao lại cho Bên A giấy tờ, kết quả đã nhận được.",
                indent=2,
            ),
            line("Điều 5. Cam đoan của các bên", bold=True),
            *para(
                "Các bên chịu trách nhiệm trước pháp luật về những lời cam đoan sau đây: việc "
                "giao kết hợp đồng này hoàn toàn tự nguyện, không bị lừa dối hoặc ép buộc; "
                "thực hiện đúng và đầy đủ các thỏa thuận đã ghi trong hợp đồng này.",
                indent=2,
            ),
        ]
        tail = [
            Signature(
                SignCol(
                    (Line("BÊN A", align="center", bold=True),),
                    (Line(principal.name, align="center", bold=True),),
                ),
                SignCol(
                    (Line("BÊN B", align="center", bold=True),),
                    (Line(agent.name, align="center", bold=True),),
                ),
            ),
            Line("LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN", align="center", bold=True),
            *para(
                f"{date_words(signed).capitalize()}, tôi chứng nhận hợp đồng ủy quyền được "
                "giao kết giữa các bên có tên trên; các bên đã ký vào hợp đồng trước mặt "
                "tôi.",
                indent=2,
            ),
            Signature(
                None,
                SignCol(
                    (Line("CÔNG CHỨNG VIÊN", align="center", bold=True),),
                    (Line(person_name(rng, "Nữ"), align="center", bold=True),),
                    seal=f"VĂN PHÒNG CÔNG CHỨNG * {ctx.place.province.short.upper()}",
                ),
            ),
        ]
    pages = build_pages("giay_uy_quyen", variant, head, body, tail, rng=rng)
    fields = {
        "principal_name": principal.name,
        "principal_citizen_id": principal.citizen_id,
        "agent_name": agent.name,
        "agent_citizen_id": agent.citizen_id,
        "citizen_id": principal.citizen_id,
        "issue_date": signed.isoformat(),
    }
    name = "Giấy ủy quyền" if variant == "a" else "Hợp đồng ủy quyền"
    return DocumentSpec("giay_uy_quyen", variant, pages, fields, name)


def khac(ctx: Ctx, variant: str) -> DocumentSpec:
    """Papers that travel with dossiers but are none of the types: bills, payment slips,
    a marital-status certificate, a plain letter without title."""
    rng, p = ctx.rng, ctx.applicant
    when = ctx.received - timedelta(days=rng.randint(1, 60))
    if variant == "a":
        kwh = rng.randint(80, 900)
        amount = kwh * rng.randint(1800, 3000)
        blocks: list[Block] = [
            line("TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC", bold=True),
            line(f"CÔNG TY ĐIỆN LỰC {ctx.place.province.short.upper()}", bold=True),
            *title("HÓA ĐƠN GIÁ TRỊ GIA TĂNG (TIỀN ĐIỆN)"),
            line(
                f"Kỳ: {when.month}/{when.year} (từ ngày 01/{when.month:02d} đến ngày "
                f"{min(when.day, 28):02d}/{when.month:02d})",
                align="center",
                italic=True,
            ),
            line(f"Tên khách hàng: {p.name}"),
            *para(f"Địa chỉ: {p.residence}"),
            line(f"Mã khách hàng: PA{rng.randrange(10**11):011d}"),
            Table(
                (
                    ("Chỉ số mới", "Chỉ số cũ", "Điện năng tiêu thụ (kWh)", "Thành tiền (đồng)"),
                    (str(10000 + kwh), "10000", str(kwh), money_text(amount)),
                ),
                (0.22, 0.22, 0.3, 0.26),
            ),
            line(f"Tổng cộng tiền thanh toán: {money_text(round(amount * 1.08))} đồng", bold=True),
            *para(f"Số tiền viết bằng chữ: {number_words(round(amount * 1.08))} đồng"),
        ]
        name = "Hóa đơn tiền điện"
    elif variant == "b":
        amount = rng.randint(5, 900) * 100_000
        blocks = [
            line("Mẫu số C1-02/NS", align="right", italic=True),
            *title("GIẤY NỘP TIỀN VÀO NGÂN SÁCH NHÀ NƯỚC"),
            line("Hình thức nộp: Chuyển khoản", align="center"),
            line(f"Người nộp thuế: {p.name}"),
            line(f"Mã số thuế: {p.citizen_id[-10:]}"),
            *para(f"Địa chỉ: {p.residence}"),
            line(f"Đề nghị NH/KBNN: Kho bạc Nhà nước {ctx.place.province.short}"),
            Table(
                (
                    ("STT", "Nội dung các khoản nộp NSNN", "Số tiền (VND)"),
                    ("1", "Lệ phí trước bạ nhà đất", money_text(amount)),
                    ("", "Tổng cộng", money_text(amount)),
                ),
                (0.1, 0.6, 0.3),
            ),
            *para(f"Tổng số tiền ghi bằng chữ: {number_words(amount)} đồng"),
            Signature(
                SignCol(
                    (Line("NGƯỜI NỘP TIỀN", align="center", bold=True),),
                    (Line(p.name, align="center", bold=True),),
                ),
                SignCol(
                    (
                        Line("KHO BẠC NHÀ NƯỚC", align="center", bold=True),
                        Line(f"Ngày {dmy(when)}", align="center", italic=True),
                    ),
                    seal=f"KHO BẠC NHÀ NƯỚC {ctx.place.province.short.upper()}",
                ),
            ),
        ]
        name = "Giấy nộp tiền vào ngân sách nhà nước"
    elif variant == "c":
        pc = commune_pc(ctx.place.province, ctx.place.district, ctx.place.commune, rng)
        blocks = [
            *official_header(
                pc, f"{rng.randint(1, 400)}/UBND-XNHN", place_date(pc.place, when, rng)
            ),
            *title("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"),
            *para(
                f"Xét đề nghị của {p.title.lower()} {p.name} về việc cấp Giấy xác nhận tình "
                "trạng hôn nhân,",
                indent=2,
            ),
            line(f"{pc.body.upper()}", bold=True, align="center"),
            line("XÁC NHẬN:", bold=True, align="center"),
            line(f"Họ, chữ đệm, tên: {p.name}"),
            line(f"Ngày, tháng, năm sinh: {dmy(p.birth)}"),
            line(f"Giới tính: {p.sex}   Dân tộc: Kinh   Quốc tịch: Việt Nam"),
            *para(f"Nơi cư trú: {p.residence}"),
            line(
                f"Tình trạng hôn nhân: {rng.choice(['Đang có vợ', 'Đang có chồng', 'Chưa đăng ký kết hôn với ai'])}"
            ),
            *para(
                "Giấy này có giá trị sử dụng trong thời hạn 06 tháng kể từ ngày cấp, được sử "
                "dụng để làm thủ tục về đất đai.",
                indent=2,
            ),
            Signature(
                None,
                SignCol(
                    (
                        Line("TM. ỦY BAN NHÂN DÂN", align="center", bold=True),
                        Line("CHỦ TỊCH", align="center", bold=True),
                    ),
                    (Line(person_name(rng, "Nam"), align="center", bold=True),),
                    seal=pc.seal,
                ),
            ),
        ]
        name = "Giấy xác nhận tình trạng hôn nhân"
    else:
        relative = make_person(rng, ctx.place.province, on=ctx.received)
        blocks = [
            line(place_date(ctx.place.short_name, when, rng), align="right", italic=True),
            Space(1),
            line(f"Kính gửi: {ctx.issuer.body}", bold=True),
            Space(0.5),
            *para(
                f"Tôi tên là {p.name}, sinh năm {p.birth.year}, hiện thường trú tại {p.residence}.",
                indent=2,
            ),
            *para(
                f"Tôi xin trình bày việc như sau: thửa đất số {ctx.parcel.number} nêu trong "
                "hồ sơ là tài sản chung của gia đình, các thành viên trong gia đình đã thống "
                "nhất để tôi đứng tên thực hiện thủ tục. Kèm theo đây là bản cam kết có chữ "
                f"ký của {relative.title.lower()} {relative.name}.",
                indent=2,
            ),
            *para(
                "Kính mong quý cơ quan xem xét, giải quyết. Tôi xin chân thành cảm ơn.", indent=2
            ),
            citizen_signature("Người viết", p.name),
        ]
        name = "Văn bản trình bày của người nộp hồ sơ"
    pages = build_pages("khac", variant, [], blocks, [], rng=rng, numbered=False)
    return DocumentSpec("khac", variant, pages, {}, name)
