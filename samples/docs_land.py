# ruff: noqa: E501  (Vietnamese prose: long string literals read better unsplit)
"""Land documents: registration and change applications, certificates, contracts, cadastral
extracts, tax declarations. Each builder takes the dossier context and a variant id."""

from __future__ import annotations

from datetime import date, timedelta

from samples.docs_common import (
    VN2000_ORIGIN,
    Ctx,
    DocumentSpec,
    area_phrase,
    build_pages,
    citizen_header,
    citizen_signature,
    fields_line,
    filled_pages,
    line,
    official_header,
    para,
    person_lines,
    place_date,
    subtitle,
    title,
)
from samples.formats import date_words, dmy, money_text, number_words
from samples.layout import Block, Line, Signature, SignCol, Sketch, Space, Table
from samples.offices import department, district_pc, land_office
from samples.vocab import Person, make_person, person_name

LAND_FORMS = {"a": "04a/ĐK", "b": "04/ĐK", "c": "15/ĐK"}
CHANGE_FORMS = {"a": "09/ĐK", "b": "11/ĐK", "c": "18/ĐK"}


def _land_fields(ctx: Ctx) -> dict:
    p = ctx.parcel
    return {"parcel_number": p.number, "map_sheet": p.sheet, "area_m2": p.area}


def _addressee(ctx: Ctx) -> str:
    return f"Kính gửi: {ctx.issuer.body}"


def _signed_on(ctx: Ctx, days_before: tuple[int, int]) -> date:
    return ctx.received - timedelta(days=ctx.rng.randint(*days_before))


def don_dang_ky_dat_dai(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, a, p = ctx.rng, ctx.applicant, ctx.parcel
    form = LAND_FORMS[variant]
    signed = _signed_on(ctx, (0, 20))
    head = citizen_header(f"Mẫu số {form}")
    if variant == "a":
        head += title(
            "ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT,",
            "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
            size=1.05,
        )
    else:
        head += title("ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT")
    head += [Space(0.4), line(_addressee(ctx), align="center")]
    land = [
        line(f"Thửa đất số: {p.number}"),
        line(f"Tờ bản đồ số: {p.sheet}"),
        line(f"Diện tích: {area_phrase(p.area, rng)}"),
        *para(f"Địa chỉ thửa đất: {p.address}"),
        line(f"Mục đích sử dụng: {p.use[0]} ({p.use[1]})"),
        line(f"Thời hạn đề nghị được sử dụng đất: {p.term}"),
        *para(f"Nguồn gốc sử dụng: {p.origin}"),
    ]
    if variant == "a":
        body = [
            line("I. PHẦN KÊ KHAI CỦA NGƯỜI ĐĂNG KÝ", bold=True),
            line("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", bold=True),
            *person_lines(a, role="1.1. Tên (viết chữ in hoa)", upper=True),
            line("2. Đề nghị: Đăng ký quyền sử dụng đất và cấp Giấy chứng nhận", bold=True),
            line("3. Thửa đất đăng ký", bold=True),
            *land,
            line(
                "4. Những giấy tờ liên quan đến nội dung thay đổi nộp kèm theo đơn này gồm:",
                bold=True,
            ),
            line("- Giấy tờ về quyền sử dụng đất;"),
            line("- Sơ đồ nhà ở, công trình xây dựng (nếu có)."),
            *para(
                "Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi "
                "hoàn toàn chịu trách nhiệm trước pháp luật.",
                indent=2,
            ),
        ]
    elif variant == "b":
        rows = (
            ("Thông tin", "Nội dung kê khai"),
            ("Người sử dụng đất", a.name),
            ("Số CCCD", a.citizen_id),
            ("Thửa đất số", p.number),
            ("Tờ bản đồ số", p.sheet),
            ("Diện tích (m²)", area_phrase(p.area, rng)[:-3]),
            ("Mục đích sử dụng", p.use[0]),
            ("Thời hạn sử dụng", p.term),
        )
        body = [
            line("1. Thông tin người sử dụng đất", bold=True),
            *person_lines(a),
            line("2. Thông tin thửa đất đăng ký", bold=True),
            Table(rows, (0.38, 0.62)),
            *para(f"Địa chỉ thửa đất: {p.address}"),
            line("3. Nội dung đề nghị: Đăng ký đất đai và cấp Giấy chứng nhận", bold=True),
            *para(
                "Tôi cam đoan nội dung kê khai trên đơn là đúng và chịu trách nhiệm "
                "trước pháp luật về nội dung kê khai.",
                indent=2,
            ),
        ]
    else:
        body = [
            line("PHẦN I. THÔNG TIN THỬA ĐẤT", bold=True),
            *land,
            line("PHẦN II. NGƯỜI SỬ DỤNG ĐẤT", bold=True),
            *person_lines(a, with_birth=False),
            line(f"Số điện thoại: {a.phone}"),
            *para("Người viết đơn cam đoan nội dung kê khai là đúng sự thật.", indent=2),
        ]
    tail = [
        citizen_signature("NGƯỜI VIẾT ĐƠN", a.name, place_date(ctx.place.short_name, signed, rng))
    ]
    fields = {
        "form_number": form,
        "applicant_name": a.name,
        "citizen_id": a.citizen_id,
        **_land_fields(ctx),
        "issue_date": signed.isoformat(),
    }
    pages = build_pages("don_dang_ky_dat_dai", variant, head, body, tail, rng=rng)
    return DocumentSpec(
        "don_dang_ky_dat_dai",
        variant,
        pages,
        fields,
        "Đơn đăng ký đất đai, tài sản gắn liền với đất",
    )


def _change_text(ctx: Ctx) -> str:
    if ctx.procedure.key == "land_use_change":
        return (
            f"Chuyển mục đích sử dụng đất từ {ctx.parcel.use[0].lower()} sang đất ở "
            f"đối với {area_phrase(ctx.parcel.area, ctx.rng)}"
        )
    b = ctx.counterpart
    return f"Chuyển nhượng toàn bộ quyền sử dụng đất cho {b.title.lower()} {b.name}"


def don_dang_ky_bien_dong(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, a, p = ctx.rng, ctx.applicant, ctx.parcel
    form = CHANGE_FORMS[variant]
    signed = _signed_on(ctx, (0, 15))
    head = citizen_header(f"Mẫu số {form}")
    head += title("ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI,", "TÀI SẢN GẮN LIỀN VỚI ĐẤT")
    head += [Space(0.4), line(_addressee(ctx), align="center")]
    cert = [
        line(f"Số phát hành: {p.gcn_serial}"),
        line(f"Số vào sổ cấp GCN: {p.gcn_book}"),
        line(f"Ngày cấp: {dmy(p.gcn_date)}"),
    ]
    land = [
        fields_line(("Thửa đất số", p.number), ("Tờ bản đồ số", p.sheet)),
        line(f"Diện tích: {area_phrase(p.area, rng)}"),
        *para(f"Địa chỉ: {p.address}"),
    ]
    change = para(f"Nội dung biến động: {_change_text(ctx)}")
    if variant == "a":
        body = [
            line("I. PHẦN KÊ KHAI CỦA NGƯỜI ĐĂNG KÝ", bold=True),
            line("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", bold=True),
            *person_lines(a, upper=True),
            line("2. Giấy chứng nhận đã cấp", bold=True),
            *cert,
            line("3. Thửa đất có thay đổi", bold=True),
            *land,
            line("4. Nội dung biến động", bold=True),
            *change,
            line("5. Lý do biến động: Nhận chuyển nhượng, chuyển mục đích theo quy định"),
            *para(
                "Tôi cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi "
                "hoàn toàn chịu trách nhiệm trước pháp luật.",
                indent=2,
            ),
        ]
    elif variant == "b":
        rows = (
            ("Nội dung", "Trước biến động", "Sau biến động"),
            (
                "Người sử dụng đất",
                a.name,
                ctx.counterpart.name if ctx.procedure.key == "land_transfer" else a.name,
            ),
            ("Thửa đất số", p.number, p.number),
            ("Tờ bản đồ số", p.sheet, p.sheet),
            ("Mục đích", p.use[1], "ONT" if ctx.procedure.key == "land_use_change" else p.use[1]),
        )
        body = [
            line("1. Người đề nghị đăng ký biến động", bold=True),
            *person_lines(a),
            line("2. Giấy chứng nhận đã cấp", bold=True),
            *cert,
            *land,
            line("3. Nội dung thay đổi", bold=True),
            *change,
            Table(rows, (0.34, 0.33, 0.33)),
            *para(
                "Tôi cam đoan nội dung kê khai trên đơn là đúng và chịu trách nhiệm trước "
                "pháp luật.",
                indent=2,
            ),
        ]
    else:
        body = [
            line("1. Thông tin giấy chứng nhận", bold=True),
            *cert,
            line("2. Người sử dụng đất", bold=True),
            *person_lines(a, with_birth=False),
            line("3. Thông tin thửa đất", bold=True),
            *land,
            line("4. Nội dung đăng ký", bold=True),
            *change,
            *para("Người viết đơn cam đoan nội dung kê khai là đúng sự thật.", indent=2),
        ]
    tail = [
        citizen_signature("NGƯỜI VIẾT ĐƠN", a.name, place_date(ctx.place.short_name, signed, rng))
    ]
    fields = {
        "form_number": form,
        "applicant_name": a.name,
        "citizen_id": a.citizen_id,
        **_land_fields(ctx),
        "gcn_serial": p.gcn_serial,
        "gcn_book_number": p.gcn_book,
        "issue_date": signed.isoformat(),
    }
    pages = build_pages("don_dang_ky_bien_dong", variant, head, body, tail, rng=rng)
    return DocumentSpec(
        "don_dang_ky_bien_dong",
        variant,
        pages,
        fields,
        "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất",
    )


def giay_chung_nhan_qsdd(ctx: Ctx, variant: str, *, result: bool = False) -> DocumentSpec:
    """The certificate: the existing one in a component, or a new one as a result."""
    rng, p = ctx.rng, ctx.parcel
    owner = ctx.counterpart if result and ctx.procedure.key == "land_transfer" else ctx.applicant
    if result:
        issued = ctx.appointment - timedelta(days=rng.randint(0, 3))
        serial = f"{p.gcn_serial[:2]} {rng.randrange(10 ** (len(p.gcn_serial) - 3)):0{len(p.gcn_serial) - 3}d}"
        book = f"{p.gcn_book[:2]}{rng.randrange(10**5):05d}"
    else:
        issued, serial, book = p.gcn_date, p.gcn_serial, p.gcn_book
    province = ctx.place.province
    issuer = (
        department(province, issued, rng)
        if rng.random() < 0.5
        else district_pc(province, ctx.place.district, rng)
    )
    owner_lines = [
        line(f"{owner.title}: {owner.name}"),
        fields_line(("Năm sinh", str(owner.birth.year)), ("CCCD số", owner.citizen_id)),
        *para(f"Địa chỉ thường trú: {owner.residence}"),
    ]
    land = [
        fields_line(("a) Thửa đất số", p.number), ("Tờ bản đồ số", p.sheet)),
        *para(f"b) Địa chỉ: {p.address}"),
        line(f"c) Diện tích: {area_phrase(p.area, rng)}"),
        line("d) Hình thức sử dụng: Sử dụng riêng"),
        line(f"đ) Mục đích sử dụng: {p.use[0]}"),
        line(f"e) Thời hạn sử dụng: {p.term}"),
        *para(f"g) Nguồn gốc sử dụng: {p.origin}"),
    ]
    signer = SignCol(
        (Line(place_date(issuer.place, issued, rng), align="center", italic=True),)
        + tuple(Line(t, align="center", bold=True) for t in issuer.signer),
        (Line(person_name(rng, rng.choice(["Nam", "Nữ"])), align="center", bold=True),),
        seal=issuer.seal,
    )
    serial_line = line(f"Số phát hành: {serial}", bold=True)
    book_line = line(f"Số vào sổ cấp GCN: {book}")
    if variant == "a":
        head = [
            Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True),
            Line("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, rule=True),
            *title("GIẤY CHỨNG NHẬN", size=1.3),
            subtitle("QUYỀN SỬ DỤNG ĐẤT"),
            subtitle("QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"),
            Space(0.5),
        ]
        body = [
            line(
                "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold=True
            ),
            *owner_lines,
            line("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True),
            *land,
            Space(0.5),
            Signature(SignCol((book_line,), signed=False), signer),
            serial_line,
        ]
        extra = [
            [
                Space(1),
                line("III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True),
                Sketch(p.points, lines=10),
            ],
            [
                line("IV. Những thay đổi sau khi cấp Giấy chứng nhận", bold=True),
                Table(
                    (
                        (
                            "Nội dung thay đổi và cơ sở pháp lý",
                            "Xác nhận của cơ quan có thẩm quyền",
                        ),
                        ("", ""),
                        ("", ""),
                    ),
                    (0.55, 0.45),
                ),
            ],
        ]
        if rng.random() < 0.6:
            pages = filled_pages("giay_chung_nhan_qsdd", variant, head, body, extra, [], 2, rng=rng)
        else:
            pages = build_pages("giay_chung_nhan_qsdd", variant, head, body, [], rng=rng)
    else:
        head = [
            *citizen_header(),
            *title(
                "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT,",
                "QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
                size=1.1,
            ),
            Space(0.3),
            serial_line,
        ]
        rows = (
            ("Thửa đất số", p.number, "Tờ bản đồ số", p.sheet),
            ("Diện tích", area_phrase(p.area, rng), "Hình thức", "Sử dụng riêng"),
            ("Mục đích", p.use[1], "Thời hạn", p.term),
        )
        body = [
            line("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", bold=True),
            *owner_lines,
            line("2. Thông tin thửa đất", bold=True),
            Table(rows, (0.2, 0.3, 0.2, 0.3), header_rows=0),
            *para(f"Địa chỉ: {p.address}"),
            Sketch(p.points, lines=7),
            book_line,
        ]
        pages = build_pages(
            "giay_chung_nhan_qsdd", variant, head, body, [Signature(None, signer)], rng=rng
        )
    fields = {
        "gcn_serial": serial,
        "gcn_book_number": book,
        "owner_name": owner.name,
        "citizen_id": owner.citizen_id,
        **_land_fields(ctx),
        "issue_date": issued.isoformat(),
    }
    name = "Giấy chứng nhận quyền sử dụng đất (bản gốc)"
    return DocumentSpec("giay_chung_nhan_qsdd", variant, pages, fields, name)


CONTRACT_CLAUSES = [
    (
        "ĐIỀU {n}. THỜI HẠN VÀ PHƯƠNG THỨC GIAO, NHẬN ĐẤT",
        "Bên A có nghĩa vụ giao thửa đất nêu tại Điều 1 cùng bản chính Giấy chứng nhận cho Bên B "
        "trong thời hạn mười lăm ngày kể từ ngày hợp đồng này được công chứng. Việc giao nhận được "
        "lập thành biên bản có chữ ký của hai bên.",
    ),
    (
        "ĐIỀU {n}. QUYỀN VÀ NGHĨA VỤ CỦA BÊN A",
        "Bên A có nghĩa vụ chuyển giao đất cho Bên B đủ diện tích, đúng hạng đất, loại đất, vị trí, "
        "số hiệu và tình trạng đất như đã thỏa thuận; giao giấy tờ có liên quan đến quyền sử dụng "
        "đất cho Bên B. Bên A có quyền được nhận tiền chuyển nhượng theo thỏa thuận.",
    ),
    (
        "ĐIỀU {n}. QUYỀN VÀ NGHĨA VỤ CỦA BÊN B",
        "Bên B có nghĩa vụ trả đủ tiền, đúng thời hạn và đúng phương thức đã thỏa thuận cho Bên A; "
        "đăng ký quyền sử dụng đất theo quy định của pháp luật về đất đai. Bên B có quyền yêu cầu "
        "Bên A giao cho mình giấy tờ có liên quan đến quyền sử dụng đất.",
    ),
    (
        "ĐIỀU {n}. VIỆC NỘP THUẾ, LỆ PHÍ VÀ ĐĂNG KÝ",
        "Thuế thu nhập cá nhân do Bên A chịu trách nhiệm nộp. Lệ phí trước bạ, lệ phí công chứng và "
        "các chi phí liên quan đến việc đăng ký quyền sử dụng đất do Bên B chịu trách nhiệm nộp.",
    ),
    (
        "ĐIỀU {n}. PHƯƠNG THỨC GIẢI QUYẾT TRANH CHẤP",
        "Trong quá trình thực hiện hợp đồng, nếu phát sinh tranh chấp, các bên cùng nhau thương lượng "
        "giải quyết trên nguyên tắc tôn trọng quyền lợi của nhau; trong trường hợp không giải quyết "
        "được thì một trong hai bên có quyền khởi kiện để yêu cầu tòa án có thẩm quyền giải quyết "
        "theo quy định của pháp luật.",
    ),
    (
        "ĐIỀU {n}. CAM ĐOAN CỦA CÁC BÊN",
        "Bên A cam đoan: những thông tin về nhân thân, về thửa đất đã ghi trong hợp đồng này là đúng "
        "sự thật; thửa đất thuộc trường hợp được chuyển nhượng quyền sử dụng đất theo quy định của "
        "pháp luật; tại thời điểm giao kết hợp đồng, thửa đất không có tranh chấp, không bị kê biên "
        "để bảo đảm thi hành án. Bên B cam đoan đã xem xét kỹ, biết rõ về thửa đất nêu tại Điều 1 "
        "của hợp đồng này và các giấy tờ về quyền sử dụng đất.",
    ),
    (
        "ĐIỀU {n}. TÌNH TRẠNG PHÁP LÝ CỦA THỬA ĐẤT",
        "Bên A cam kết thửa đất nêu tại Điều 1 thuộc quyền sử dụng hợp pháp của Bên A, không nằm "
        "trong khu vực có quyết định thu hồi đất, không bị thế chấp, bảo lãnh hay góp vốn tại bất kỳ "
        "tổ chức tín dụng nào, không có tranh chấp về quyền sử dụng đất và ranh giới với các hộ liền "
        "kề. Các công trình trên đất được xây dựng phù hợp với quy hoạch và không vi phạm hành lang "
        "bảo vệ các công trình công cộng.",
    ),
    (
        "ĐIỀU {n}. TRÁCH NHIỆM DO VI PHẠM HỢP ĐỒNG",
        "Bên nào vi phạm các nghĩa vụ đã cam kết trong hợp đồng này thì phải bồi thường toàn bộ "
        "thiệt hại thực tế phát sinh cho bên kia. Trường hợp Bên A chậm giao đất hoặc giấy tờ quá "
        "thời hạn đã thỏa thuận thì phải chịu phạt theo mức lãi suất cơ bản do Ngân hàng Nhà nước "
        "công bố tương ứng với thời gian chậm thực hiện. Trường hợp Bên B chậm thanh toán thì phải "
        "trả lãi đối với số tiền chậm trả theo quy định của Bộ luật Dân sự.",
    ),
    (
        "ĐIỀU {n}. BẤT KHẢ KHÁNG",
        "Các bên không phải chịu trách nhiệm đối với việc không thực hiện hoặc thực hiện không đúng "
        "nghĩa vụ do sự kiện bất khả kháng như thiên tai, hỏa hoạn, dịch bệnh hoặc thay đổi chính "
        "sách của Nhà nước. Bên gặp sự kiện bất khả kháng phải thông báo bằng văn bản cho bên kia "
        "trong thời hạn bảy ngày kể từ ngày xảy ra sự kiện và áp dụng mọi biện pháp cần thiết để "
        "hạn chế thiệt hại.",
    ),
    (
        "ĐIỀU {n}. SỬA ĐỔI, BỔ SUNG VÀ CHẤM DỨT HỢP ĐỒNG",
        "Mọi sửa đổi, bổ sung hợp đồng này chỉ có giá trị khi được lập thành văn bản, có chữ ký của "
        "hai bên và được công chứng, chứng thực theo quy định. Hợp đồng chấm dứt khi các bên đã hoàn "
        "thành nghĩa vụ, hoặc theo thỏa thuận của các bên, hoặc theo quyết định của cơ quan nhà "
        "nước có thẩm quyền.",
    ),
    (
        "ĐIỀU {n}. ĐIỀU KHOẢN CUỐI CÙNG",
        "Hai bên công nhận đã hiểu rõ quyền, nghĩa vụ và lợi ích hợp pháp của mình, ý nghĩa và hậu "
        "quả pháp lý của việc giao kết hợp đồng này. Hai bên đã tự đọc lại hợp đồng, đã hiểu và đồng "
        "ý tất cả các điều khoản ghi trong hợp đồng và ký vào hợp đồng này trước sự có mặt của công "
        "chứng viên. Hợp đồng có hiệu lực kể từ ngày được công chứng.",
    ),
]


def _party(label: str, p: Person) -> list[Block]:
    return [
        line(label, bold=True),
        line(f"{p.title}: {p.name}"),
        fields_line(("Sinh ngày", dmy(p.birth)), ("Số CCCD", p.citizen_id)),
        line(f"Cấp ngày: {dmy(p.id_issued)} tại Cục Cảnh sát QLHC về TTXH"),
        *para(f"Địa chỉ thường trú: {p.residence}"),
    ]


def hop_dong_chuyen_nhuong(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, a, b, p = ctx.rng, ctx.applicant, ctx.counterpart, ctx.parcel
    signed = _signed_on(ctx, (1, 45))
    gift = variant == "c"
    names = {
        "a": "HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT",
        "b": "HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT VÀ TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        "c": "HỢP ĐỒNG TẶNG CHO QUYỀN SỬ DỤNG ĐẤT",
    }
    head = citizen_header() + [*title(*_split_title(names[variant]))]
    notary = f"Văn phòng công chứng {rng.choice(['Trung Tâm', 'Hà Thành', 'Số 1', 'Phú Thọ', 'Sông Lam', 'Mường Thanh'])}"
    where = notary if variant != "b" else f"Ủy ban nhân dân {ctx.place.commune}"
    label_a = "BÊN TẶNG CHO (Bên A):" if gift else "BÊN CHUYỂN NHƯỢNG (Bên A):"
    label_b = "BÊN ĐƯỢC TẶNG CHO (Bên B):" if gift else "BÊN NHẬN CHUYỂN NHƯỢNG (Bên B):"
    spouse: list[Block] = []
    if rng.random() < 0.5:  # the spouse co-signs for land held by a married couple
        other = make_person(
            rng, ctx.place.province, on=ctx.received, sex="Nữ" if a.sex == "Nam" else "Nam"
        )
        spouse = [
            line(
                f"Và {'vợ' if a.sex == 'Nam' else 'chồng'} là {other.title.lower()}: {other.name}"
            ),
            fields_line(("Sinh ngày", dmy(other.birth)), ("Số CCCD", other.citizen_id)),
            *para(f"Địa chỉ thường trú: {a.residence}"),
        ]
    body: list[Block] = [
        *para(f"Hôm nay, {date_words(signed)}, tại {where}, chúng tôi gồm có:", indent=2),
        *_party(label_a, a),
        *spouse,
        *_party(label_b, b),
        *para(
            "Hai bên đồng ý thực hiện việc "
            + ("tặng cho" if gift else "chuyển nhượng")
            + " quyền sử dụng đất với các thỏa thuận sau đây:",
            indent=2,
        ),
        line(
            _clause_head(
                "ĐIỀU 1. QUYỀN SỬ DỤNG ĐẤT " + ("TẶNG CHO" if gift else "CHUYỂN NHƯỢNG"), variant
            ),
            bold=True,
        ),
        *para(
            "Quyền sử dụng đất của Bên A đối với thửa đất theo Giấy chứng nhận quyền sử dụng "
            "đất có số phát hành và số vào sổ như sau:",
            indent=2,
        ),
        line(f"Số phát hành: {p.gcn_serial}"),
        line(f"Số vào sổ cấp GCN: {p.gcn_book}"),
        fields_line(("Thửa đất số", p.number), ("Tờ bản đồ số", p.sheet)),
        *para(f"Địa chỉ thửa đất: {p.address}"),
        line(f"Diện tích: {area_phrase(p.area, rng)}"),
        line(f"Mục đích sử dụng: {p.use[0]}"),
        line(f"Thời hạn sử dụng: {p.term}"),
    ]
    if not gift:
        body += [
            line(
                _clause_head("ĐIỀU 2. GIÁ CHUYỂN NHƯỢNG VÀ PHƯƠNG THỨC THANH TOÁN", variant),
                bold=True,
            ),
            *para(
                f"Giá chuyển nhượng quyền sử dụng đất nêu tại Điều 1 là: "
                f"{money_text(p.price)} đồng (Bằng chữ: {number_words(p.price)} đồng).",
                indent=2,
            ),
            *para(
                "Phương thức thanh toán: Bên B thanh toán cho Bên A bằng tiền mặt hoặc "
                "chuyển khoản một lần ngay sau khi ký hợp đồng này.",
                indent=2,
            ),
        ]
    first = 2 if gift else 3
    clauses = [
        [line(_clause_head(head_t.format(n=first + i), variant), bold=True), *para(text, indent=2)]
        for i, (head_t, text) in enumerate(CONTRACT_CLAUSES)
    ]
    witness = (
        SignCol(
            (
                Line("BÊN A", align="center", bold=True),
                Line("(Ký, ghi rõ họ tên)", align="center", italic=True, size=0.9),
            ),
            (Line(a.name, align="center", bold=True),),
        ),
        SignCol(
            (
                Line("BÊN B", align="center", bold=True),
                Line("(Ký, ghi rõ họ tên)", align="center", italic=True, size=0.9),
            ),
            (Line(b.name, align="center", bold=True),),
        ),
    )
    certifier = person_name(rng, rng.choice(["Nam", "Nữ"]))
    certify_title = "LỜI CHỨNG CỦA CÔNG CHỨNG VIÊN" if variant != "b" else "LỜI CHỨNG THỰC"
    certify = [
        Space(0.5),
        Line(certify_title, align="center", bold=True),
        *para(
            f"{date_words(signed).capitalize()}, tại {where}, tôi chứng nhận hợp đồng "
            f"được giao kết giữa {a.title.lower()} {a.name} và {b.title.lower()} "
            f"{b.name}; các bên đã tự nguyện thỏa thuận giao kết hợp đồng và cam đoan "
            "chịu trách nhiệm trước pháp luật về nội dung hợp đồng.",
            indent=2,
        ),
        *para(
            "Tại thời điểm công chứng, các bên đã giao kết hợp đồng có năng lực hành vi "
            "dân sự phù hợp theo quy định của pháp luật; mục đích, nội dung của hợp đồng "
            "không vi phạm pháp luật, không trái đạo đức xã hội; đối tượng của hợp đồng "
            "là có thật.",
            indent=2,
        ),
        *para(
            "Các bên giao kết đã đọc hợp đồng, đồng ý toàn bộ nội dung ghi trong hợp "
            "đồng và đã ký vào hợp đồng này trước sự có mặt của tôi. Hợp đồng được lập "
            "thành 03 bản chính, mỗi bản gồm các tờ, các trang có nội dung như nhau; lưu "
            "01 bản tại tổ chức hành nghề công chứng.",
            indent=2,
        ),
        line(
            f"Số công chứng: {rng.randint(100, 9999)}, quyển số "
            f"{rng.randint(1, 12):02d}/{signed.year} TP/CC-SCC/HĐGD"
        ),
        Signature(
            None,
            SignCol(
                (
                    Line(
                        "CÔNG CHỨNG VIÊN" if variant != "b" else "NGƯỜI THỰC HIỆN CHỨNG THỰC",
                        align="center",
                        bold=True,
                    ),
                ),
                (Line(certifier, align="center", bold=True),),
                seal=f"{where.upper()} * {ctx.place.province.short.upper()}",
            ),
        ),
    ]
    target = rng.randint(2, 4)
    pages = filled_pages(
        "hop_dong_chuyen_nhuong",
        variant,
        head,
        body,
        clauses,
        [Signature(*witness), *certify],
        target,
        rng=rng,
    )
    fields = {
        "transferor_name": a.name,
        "transferor_citizen_id": a.citizen_id,
        "transferee_name": b.name,
        "transferee_citizen_id": b.citizen_id,
        "citizen_id": a.citizen_id,
        **_land_fields(ctx),
        "gcn_serial": p.gcn_serial,
        "gcn_book_number": p.gcn_book,
        "issue_date": signed.isoformat(),
    }
    if not gift:
        fields["price_vnd"] = p.price
    name = "Hợp đồng " + ("tặng cho" if gift else "chuyển nhượng") + " quyền sử dụng đất"
    return DocumentSpec("hop_dong_chuyen_nhuong", variant, pages, fields, name)


def _clause_head(text: str, variant: str) -> str:
    """'ĐIỀU 3. THỜI HẠN …' in capitals, or 'Điều 3. Thời hạn …' in variant b."""
    if variant != "b":
        return text
    number, _, rest = text.partition(". ")
    return f"Điều {number.split()[1]}. {rest[:1]}{rest[1:].lower()}"


def _split_title(text: str, width: int = 46) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + [cur]


def _coordinates(ctx: Ctx) -> list[tuple[str, str, str, str]]:
    x0, y0 = VN2000_ORIGIN[ctx.place.province.h_code]
    shift = ctx.rng.uniform(-9000, 9000), ctx.rng.uniform(-9000, 9000)
    pts = ctx.parcel.points
    rows = []
    for i, (x, y) in enumerate(pts):
        nx, ny = pts[(i + 1) % len(pts)]
        edge = ((nx - x) ** 2 + (ny - y) ** 2) ** 0.5
        northing = f"{x0 + shift[0] + y:.2f}".replace(".", ",")
        easting = f"{y0 + shift[1] + x:.2f}".replace(".", ",")
        rows.append((str(i + 1), northing, easting, f"{edge:.2f}".replace(".", ",")))
    return rows


def trich_luc_ban_do(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, p, a = ctx.rng, ctx.parcel, ctx.applicant
    signed = _signed_on(ctx, (3, 90))
    issuer = land_office(
        ctx.place.province, signed, rng, branch=ctx.place.district if rng.random() < 0.5 else None
    )
    number = f"{rng.randint(10, 4999)}/{'TL' if variant != 'b' else 'TĐ'}-{issuer.suffix}"
    head = official_header(issuer, number, place_date(issuer.place, signed, rng))
    heading = "TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT" if variant == "b" else "TRÍCH LỤC BẢN ĐỒ ĐỊA CHÍNH"
    head += title(heading)
    head.append(subtitle(f"(Tỷ lệ 1:{rng.choice([200, 500, 1000, 2000])})", italic=True))
    info = [
        fields_line(("Thửa đất số", p.number), ("Tờ bản đồ số", p.sheet)),
        line(f"Diện tích: {area_phrase(p.area, rng)}"),
        line(f"Mục đích sử dụng đất: {p.use[0]}"),
        *para(f"Địa chỉ thửa đất: {p.address}"),
        *para(f"Tên người sử dụng đất: {a.name}"),
    ]
    coords = Table(
        (("Số hiệu điểm", "X (m)", "Y (m)", "Cạnh (m)"), *_coordinates(ctx)), (0.2, 0.3, 0.3, 0.2)
    )
    sketch = Sketch(p.points, lines=10)
    if variant == "a":
        body = [
            line("1. Thông tin thửa đất", bold=True),
            *info,
            line("2. Sơ đồ thửa đất", bold=True),
            sketch,
            line("3. Bảng liệt kê tọa độ góc ranh giới thửa đất (Hệ tọa độ VN-2000)", bold=True),
            coords,
        ]
    elif variant == "b":
        body = [
            line("Bảng kê tọa độ các điểm góc thửa (Hệ tọa độ VN-2000)", bold=True),
            coords,
            sketch,
            *info,
        ]
    else:
        edges = "; ".join(
            f"{r[0]}-{int(r[0]) % len(p.points) + 1}: {r[3]} m" for r in _coordinates(ctx)
        )
        body = [*info, sketch, *para(f"Chiều dài các cạnh thửa: {edges}")]
    tail = [
        Signature(
            SignCol(
                (Line("NGƯỜI LẬP", align="center", bold=True),),
                (Line(person_name(rng, "Nam"), align="center", bold=True),),
            ),
            SignCol(
                tuple(Line(t, align="center", bold=True) for t in issuer.signer),
                (Line(person_name(rng, rng.choice(["Nam", "Nữ"])), align="center", bold=True),),
                seal=issuer.seal,
            ),
        )
    ]
    pages = build_pages("trich_luc_ban_do", variant, head, body, tail, rng=rng)
    fields = {"document_number": number, **_land_fields(ctx), "issue_date": signed.isoformat()}
    name = "Trích lục bản đồ địa chính" if variant != "b" else "Trích đo địa chính thửa đất"
    return DocumentSpec("trich_luc_ban_do", variant, pages, fields, name)


def to_khai_thue(ctx: Ctx, variant: str) -> DocumentSpec:
    rng, p = ctx.rng, ctx.parcel
    payer = (
        ctx.counterpart
        if ctx.procedure.key == "land_transfer" and variant != "b"
        else ctx.applicant
    )
    signed = _signed_on(ctx, (0, 10))
    form = {"a": "01/LPTB", "b": "03/BĐS-TNCN", "c": "01/LPTB"}[variant]
    head = citizen_header()
    if variant == "b":
        head += title("TỜ KHAI THUẾ THU NHẬP CÁ NHÂN")
        head.append(
            subtitle(
                "(Áp dụng đối với cá nhân có thu nhập từ chuyển nhượng bất động sản)", italic=True
            )
        )
    else:
        head += title("TỜ KHAI LỆ PHÍ TRƯỚC BẠ NHÀ, ĐẤT")
    head += [
        line(f"Mẫu số {form}", align="center", italic=True),
        line(f"[01] Kỳ tính thuế: Ngày {dmy(signed)}", align="center"),
    ]
    unit_price = max(100_000, round(p.price / p.area / 10_000) * 10_000)
    value = round(unit_price * p.area)
    rate = 0.02 if variant == "b" else 0.005
    tax = round(value * rate)
    people = [
        line(f"[02] Tên người nộp thuế: {payer.name}"),
        line(f"[03] Mã số thuế/Số CCCD: {payer.citizen_id}"),
        *para(f"[04] Địa chỉ: {payer.residence}"),
        line(f"[05] Điện thoại: {payer.phone}"),
    ]
    land = [
        line("ĐẶC ĐIỂM NHÀ ĐẤT", bold=True),
        fields_line(("Thửa đất số", p.number), ("Tờ bản đồ số", p.sheet)),
        *para(f"Địa chỉ thửa đất: {p.address}"),
        line(f"Diện tích: {area_phrase(p.area, rng)}"),
        line(f"Mục đích sử dụng đất: {p.use[0]}"),
    ]
    if variant in ("a", "b"):
        header = ("STT", "Loại tài sản", "Diện tích (m²)", "Đơn giá (đồng/m²)", "Giá trị (đồng)")
        rows = (
            header,
            ("1", "Đất", area_phrase(p.area, rng)[:-3], money_text(unit_price), money_text(value)),
            ("", "Tổng cộng", "", "", money_text(value)),
        )
        calc = [
            Table(rows, (0.08, 0.27, 0.2, 0.22, 0.23)),
            line(f"Số thuế phải nộp: {money_text(tax)} đồng", bold=True),
        ]
        body = (
            [*people, *land, line("TÍNH THUẾ", bold=True), *calc]
            if variant == "a"
            else [*people, line("THU NHẬP TỪ CHUYỂN NHƯỢNG BẤT ĐỘNG SẢN", bold=True), *calc, *land]
        )
    else:
        body = [
            *people,
            *land,
            line(f"Giá trị nhà, đất tính lệ phí trước bạ: {money_text(value)} đồng"),
            line(f"Số tiền lệ phí trước bạ phải nộp: {money_text(tax)} đồng"),
            *para(f"(Viết bằng chữ: {number_words(tax)} đồng)"),
        ]
    body += para(
        "Tôi cam đoan số liệu khai trên là đúng và chịu trách nhiệm trước pháp luật về "
        "số liệu đã khai.",
        indent=2,
    )
    tail = [
        citizen_signature(
            "NGƯỜI NỘP THUẾ", payer.name, place_date(ctx.place.short_name, signed, rng)
        )
    ]
    pages = build_pages("to_khai_thue", variant, head, body, tail, rng=rng)
    fields = {
        "form_number": form,
        "taxpayer_name": payer.name,
        "citizen_id": payer.citizen_id,
        **_land_fields(ctx),
        "issue_date": signed.isoformat(),
    }
    name = "Tờ khai thuế thu nhập cá nhân" if variant == "b" else "Tờ khai lệ phí trước bạ"
    return DocumentSpec("to_khai_thue", variant, pages, fields, name)
