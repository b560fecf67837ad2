"""Structure failure classes of real dossiers, added to generated ones (issue 15): pages the
splitter must keep with their document although they carry no title of it.

- `signature_tail`: the signature block of a document moved alone onto a last page (a name, the
  seal, "KT. GIÁM ĐỐC", a page number);
- `appendix`: "PHỤ LỤC" pages "(Kèm theo <document> số …)" after the document they cite;
- `untitled`: later pages without a title (a coordinate table, a report chapter, a list);
- `other_edition`: a form's first page under another edition's form number and title wording.

Each split has its own wordings (training members for in-family pages, others held out), so a
model fitted on training wordings is measured on unseen ones. Pages added or changed carry
`structure` (the class name) for the bench's per-class figures.

    add_structure(dossier, random.Random(1), "train")
"""

from __future__ import annotations

import random
from dataclasses import replace

from samples.families import HELD_OUT, TRAIN
from samples.layout import Block, Line, PageSpec, Signature, SignCol, Space, Table

RATES = {"signature_tail": 0.2, "appendix": 0.35, "untitled": 0.2, "other_edition": 0.5}
NO_STRUCTURE = ("phieu_tiep_nhan", "can_cuoc", "giay_chung_nhan_qsdd")
APPENDIX_TYPES = ("quyet_dinh", "giay_phep_moi_truong", "bao_cao_dtm", "dang_ky_moi_truong",
                  "hop_dong_chuyen_nhuong", "giay_uy_quyen")  # fmt: skip
CITED = {
    "quyet_dinh": ("Quyết định", "QĐ-UBND"),
    "giay_phep_moi_truong": ("Giấy phép môi trường", "GPMT-UBND"),
    "bao_cao_dtm": ("Báo cáo đánh giá tác động môi trường", "BC-ĐTM"),
    "dang_ky_moi_truong": ("Phiếu đăng ký môi trường", "ĐKMT"),
    "hop_dong_chuyen_nhuong": ("Hợp đồng", "HĐCN"),
    "giay_uy_quyen": ("Giấy ủy quyền", "UQ"),
}
# Signature heads per split: (capacity line, title line)
SIGNERS = {
    TRAIN: [("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
            ("NGƯỜI LẬP", "(Ký, ghi rõ họ tên)")],
    HELD_OUT: [("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"),
               ("NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên, đóng dấu)")],
}  # fmt: skip
APPENDIX_TITLES = {
    TRAIN: ["PHỤ LỤC {n}", "PHỤ LỤC {n}"],
    HELD_OUT: ["Phụ lục {n}", "PHỤ LỤC SỐ {n}"],
}
APPENDIX_HEADS = {
    TRAIN: ["DANH MỤC CÁC CÔNG TRÌNH, BIỆN PHÁP BẢO VỆ MÔI TRƯỜNG",
            "BẢNG TỔNG HỢP KHỐI LƯỢNG"],
    HELD_OUT: ["YÊU CẦU VỀ QUAN TRẮC CHẤT THẢI", "DANH SÁCH CÁC HẠNG MỤC ĐẦU TƯ"],
}  # fmt: skip
# Other editions of the land forms: (form number, title lines)
EDITIONS = {
    TRAIN: {
        "don_dang_ky_dat_dai": ("Mẫu số 04/ĐK",
                                ["ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"]),
        "don_dang_ky_bien_dong": ("Mẫu số 09/ĐK", ["ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI"]),
        "to_khai_thue": ("Mẫu số 01/LPTB", ["TỜ KHAI LỆ PHÍ TRƯỚC BẠ NHÀ, ĐẤT"]),
    },
    HELD_OUT: {
        "don_dang_ky_dat_dai": ("Mẫu số 01/ĐK-GCN", ["ĐƠN ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN",
                                                    "QUYỀN SỬ DỤNG ĐẤT"]),
        "don_dang_ky_bien_dong": ("Mẫu số 11/ĐK", ["ĐƠN ĐĂNG KÝ BIẾN ĐỘNG", "QUYỀN SỬ DỤNG ĐẤT"]),
        "to_khai_thue": ("Mẫu số 03/BĐS-TNCN", ["TỜ KHAI THUẾ THU NHẬP CÁ NHÂN",
                                              "(Áp dụng đối với chuyển nhượng bất động sản)"]),
    },
}  # fmt: skip
UNTITLED = {
    "trich_luc_ban_do": lambda rng: _coordinates(rng),
    "bao_cao_dtm": lambda rng: _chapter(rng),
    "quyet_dinh": lambda rng: _articles(rng),
    "giay_phep_moi_truong": lambda rng: _articles(rng),
}


def add_structure(dossier, rng: random.Random, split: str) -> None:
    """Add the failure classes to the documents of a dossier, in place."""
    for doc in dossier.documents:
        if doc.doc_type in NO_STRUCTURE or not doc.pages or doc.pages[0].blank:
            continue
        content = [p for p in doc.pages if not p.blank]
        blanks = doc.pages[len(content) :]
        if doc.doc_type in EDITIONS[split] and rng.random() < RATES["other_edition"]:
            edition = EDITIONS[split][doc.doc_type]
            content[0] = other_edition(content[0], edition)
            if "form_number" in doc.fields:
                doc.fields["form_number"] = edition[0].removeprefix("Mẫu số ")
        if doc.doc_type in UNTITLED and rng.random() < RATES["untitled"]:
            content.append(_page(content[-1], UNTITLED[doc.doc_type](rng), "untitled"))
        if rng.random() < RATES["signature_tail"]:
            tail = signature_tail(content, rng, split)
            if tail is not None:
                content.append(tail)
        if doc.doc_type in APPENDIX_TYPES and rng.random() < RATES["appendix"]:
            content.append(appendix(content[-1], doc, rng, split))
        _number(content, rng)
        doc.pages = content + blanks


def _page(like: PageSpec, blocks: list[Block], cls: str) -> PageSpec:
    page = PageSpec(like.doc_type, like.variant, blocks, font=like.font,
                    families=dict(like.families))  # fmt: skip
    page.structure = cls  # type: ignore[attr-defined]
    return page


def _number(pages: list[PageSpec], rng: random.Random) -> None:
    """Pages numbered from the second one, top centre (Decree 30), when the document has more
    than one page and did not number them itself."""
    if len(pages) < 2 or any(p.footer for p in pages) or rng.random() < 0.3:
        return
    for i, page in enumerate(pages[1:], start=2):
        page.blocks = [Line(str(i), align="center"), *page.blocks]


def other_edition(page: PageSpec, edition: tuple[str, list[str]]) -> PageSpec:
    """The form's first page with another edition's form number and title."""
    number, title = edition
    blocks: list[Block] = []
    titled = False
    for b in page.blocks:
        if isinstance(b, Line) and b.text.startswith(("Mẫu số", "Mẫu ")):
            blocks.append(replace(b, text=number))
        elif isinstance(b, Line) and b.bold and b.size > 1.05:
            if not titled:
                blocks += [Line(t, align="center", bold=True, size=b.size) for t in title]
                titled = True
        else:
            blocks.append(b)
    if not any(isinstance(b, Line) and b.text == number for b in blocks):
        blocks.insert(0, Line(number, align="right", italic=True))
    out = replace(page, blocks=blocks)
    out.structure = "other_edition"  # type: ignore[attr-defined]
    return out


def signature_tail(pages: list[PageSpec], rng: random.Random, split: str) -> PageSpec | None:
    """The last page's signature block (and what follows it) moved to a page of its own; a
    document without a signature block gets one signed by a split's signer."""
    last = pages[-1]
    at = [i for i, b in enumerate(last.blocks) if isinstance(b, Signature)]
    if at:
        if at[-1] == 0 and len(pages) == 1:
            return None
        tail = last.blocks[at[-1] :]
        last.blocks = last.blocks[: at[-1]] or [Line("")]
    else:
        head, title = rng.choice(SIGNERS[split])
        name = rng.choice(["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Tuấn", "Phạm Thu Hà"])
        col = SignCol(top=(Line(head, align="center", bold=True), Line(title, align="center")),
                      name=(Line(name, align="center", bold=True),), seal=None)  # fmt: skip
        tail = [Signature(None, col)]
    blocks: list[Block] = [Space(2.0), *tail]
    if rng.random() < 0.5:
        blocks += [Space(1.0), Line("Nơi nhận:", bold=True, italic=True),
                   Line("- Như trên;"), Line("- Lưu: VT.")]  # fmt: skip
    return _page(last, blocks, "signature_tail")


def appendix(like: PageSpec, doc, rng: random.Random, split: str) -> PageSpec:
    """An appendix page citing its document: title, '(Kèm theo … số …)', a table."""
    name, suffix = CITED[doc.doc_type]
    number = doc.fields.get("decision_number") or doc.fields.get("permit_number")
    number = number or f"{rng.randint(10, 999)}/{suffix}"
    day = rng.randint(1, 28)
    title = rng.choice(APPENDIX_TITLES[split]).format(n=rng.randint(1, 3))
    rows = [("STT", "Nội dung", "Ghi chú")]
    rows += [(str(i), rng.choice(["Hệ thống xử lý nước thải", "Kho chứa chất thải rắn",
                                  "Quan trắc định kỳ", "Trồng cây xanh"]), "")
             for i in range(1, rng.randint(3, 7))]  # fmt: skip
    blocks: list[Block] = [
        Line(title, align="center", bold=True, size=1.1),
        Line(rng.choice(APPENDIX_HEADS[split]), align="center", bold=True),
        Line(f"(Kèm theo {name} số {number} ngày {day:02d}/{rng.randint(1, 12):02d}/2024)",
             align="center", italic=True),
        Space(1.0),
        Table(tuple(rows), (0.1, 0.7, 0.2)),
    ]  # fmt: skip
    return _page(like, blocks, "appendix")


def _coordinates(rng: random.Random) -> list[Block]:
    rows = [("Số hiệu điểm", "X (m)", "Y (m)", "Cạnh (m)")]
    for i in range(1, rng.randint(5, 9)):
        rows.append((str(i), f"{rng.randint(1100000, 1200000)}.{rng.randint(10, 99)}",
                     f"{rng.randint(580000, 620000)}.{rng.randint(10, 99)}",
                     f"{rng.uniform(3, 40):.2f}"))  # fmt: skip
    return [Line("Bảng liệt kê tọa độ góc ranh thửa đất (hệ VN-2000)"), Space(0.5),
            Table(tuple(rows), (0.2, 0.3, 0.3, 0.2))]  # fmt: skip


def _chapter(rng: random.Random) -> list[Block]:
    n = rng.randint(2, 5)
    body = [
        "Dự án được thực hiện trên khu đất đã được giải phóng mặt bằng, không có dân cư.",
        "Các nguồn gây tác động chủ yếu gồm bụi, khí thải phương tiện và nước thải sinh hoạt.",
        "Chủ dự án cam kết thực hiện đầy đủ các biện pháp giảm thiểu nêu trong báo cáo.",
        "Nước thải được thu gom về hệ thống xử lý tập trung trước khi xả ra nguồn tiếp nhận.",
    ]
    return [Line(f"CHƯƠNG {n}", bold=True),
            Line(rng.choice(["ĐÁNH GIÁ TÁC ĐỘNG MÔI TRƯỜNG CỦA DỰ ÁN",
                             "CHƯƠNG TRÌNH QUẢN LÝ VÀ GIÁM SÁT MÔI TRƯỜNG"]), bold=True),
            *(Line(f"{n}.{i}. {t}")
              for i, t in enumerate(rng.sample(body, 3), start=1))]  # fmt: skip


def _articles(rng: random.Random) -> list[Block]:
    n = rng.randint(2, 4)
    return [Line(f"Điều {n}. Trách nhiệm của chủ dự án", bold=True),
            Line("1. Thực hiện đúng các nội dung đã nêu trong hồ sơ đề nghị."),
            Line("2. Báo cáo kết quả thực hiện cho cơ quan có thẩm quyền theo quy định."),
            Line(f"Điều {n + 1}. Tổ chức thực hiện", bold=True),
            Line("Chánh Văn phòng và Thủ trưởng các cơ quan liên quan chịu trách nhiệm "
                 "thi hành.")]  # fmt: skip
