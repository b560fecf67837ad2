"""ocr.load on every input kind, generated in tmp_path (no binary fixtures)."""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw

from ocr.errors import BadInput
from ocr.load import open_source, sha256_of


def _page(size=(620, 877), color=(255, 255, 255), mode="RGB") -> Image.Image:
    """A small page with a black bar at the top left, so orientation is checkable."""
    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    draw.rectangle([20, 20, 200, 60], fill=(0, 0, 0))
    return img.convert(mode)


def _bar_is_top_left(image: np.ndarray) -> bool:
    h, w = image.shape[:2]
    a, b = h // 6, w // 3
    corners = [image[:a, :b], image[:a, -b:], image[-a:, :b], image[-a:, -b:]]
    means = [float(c.mean()) for c in corners]
    return means[0] < min(means[1:]) - 5


def _text_pdf(path: Path, pages: int = 1) -> Path:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for n in range(pages):
        content = f"BT /F1 24 Tf 72 720 Td (Hello page {n + 1}) Tj ET".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def test_pdf_scan_renders_at_native_dpi_one_page_at_a_time(tmp_path):
    path = tmp_path / "scan.pdf"
    pages = [_page(size=(1654, 2339)), _page(size=(1654, 2339), color=(200, 200, 200))]
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=200)
    source = open_source(path)
    assert (source.kind, source.page_count) == ("pdf", 2)
    page = pickle.loads(pickle.dumps(source)).load_page(1)
    assert page.index == 1 and page.dpi == 200
    assert page.image.dtype == np.uint8 and page.image.shape[2] == 3
    assert abs(page.image.shape[1] - 1654) <= 2 and abs(page.image.shape[0] - 2339) <= 2
    assert 190 < page.image[1000:1100, 1000:1100].mean() < 210  # the gray second page
    assert page.embedded_text is None


def test_pdf_with_text_layer_gives_embedded_text_per_page(tmp_path):
    source = open_source(_text_pdf(tmp_path / "born-digital.pdf", pages=3))
    page = source.load_page(2)
    assert page.dpi == 300
    assert page.embedded_text is not None and "Hello page 3" in page.embedded_text
    assert "page 1" not in page.embedded_text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "empty file"),
        ("notes.pdf", "Biên bản họp\nkhông phải PDF\n".encode(), "text file"),
        ("data.docx", b"PK\x03\x04" + bytes(200), "unsupported file type"),
        ("readme.txt", b"just text\n", "unsupported file type"),
    ],
)
def test_broken_inputs_raise_bad_input_with_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput, match=reason) as info:
        open_source(path)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_truncated_pdf_is_bad_input(tmp_path):
    path = tmp_path / "cut.pdf"
    _page().save(path, resolution=100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadInput, match="truncated"):
        open_source(path)


def test_encrypted_pdf_is_bad_input(tmp_path):
    plain = _text_pdf(tmp_path / "plain.pdf")
    path = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(BadInput, match="encrypted"):
        open_source(path)


def test_pdf_with_zero_pages_is_bad_input(tmp_path):
    path = tmp_path / "nothing.pdf"
    pikepdf.new().save(path)
    with pytest.raises(BadInput, match="zero pages"):
        open_source(path)


def test_multipage_one_bit_tiff_with_dpi_tags(tmp_path):
    path = tmp_path / "fax.tif"
    frames = [_page(mode="1"), _page(mode="1").rotate(180)]
    frames[0].save(
        path, save_all=True, append_images=frames[1:], dpi=(200, 200), compression="group4"
    )
    source = open_source(path)
    assert (source.kind, source.page_count) == ("tiff", 2)
    first, second = source.load_page(0), source.load_page(1)
    assert first.dpi == 200 and first.image.shape == (877, 620, 3)
    assert set(np.unique(first.image)) <= {0, 255}
    assert _bar_is_top_left(first.image) and not _bar_is_top_left(second.image)


def test_cmyk_jpeg_becomes_bgr(tmp_path):
    path = tmp_path / "cmyk.jpg"
    img = Image.new("RGB", (600, 850), (255, 255, 255))
    ImageDraw.Draw(img).rectangle([0, 0, 300, 425], fill=(220, 30, 30))  # red quarter
    img.convert("CMYK").save(path, dpi=(300, 300), quality=95)
    page = open_source(path).load_page(0)
    b, g, r = page.image[100:300, 100:200].reshape(-1, 3).mean(axis=0)
    assert r > 180 and g < 80 and b < 80, (b, g, r)
    assert page.image[700:800, 400:500].min() > 230
    assert page.dpi == 300


def test_rgba_png_is_composited_on_white(tmp_path):
    path = tmp_path / "alpha.png"
    img = Image.new("RGBA", (400, 560), (0, 0, 0, 0))  # fully transparent black
    ImageDraw.Draw(img).rectangle([10, 10, 100, 40], fill=(0, 0, 0, 255))
    img.save(path, dpi=(150, 150))
    page = open_source(path).load_page(0)
    assert page.image[300:400, 200:300].min() == 255
    assert page.image[20:30, 20:90].max() == 0
    assert page.dpi == 150


@pytest.mark.parametrize("mode", ["L", "P", "I;16", "LA"])
def test_other_modes_become_bgr_uint8(tmp_path, mode):
    path = tmp_path / f"page-{mode.replace(';', '')}.png"
    img = _page(size=(400, 560))
    if mode == "I;16":
        img = Image.fromarray(np.asarray(img.convert("L")).astype(np.uint16) * 257)
        assert img.mode == "I;16"
    else:
        img = img.convert(mode)
    img.save(path)
    page = open_source(path).load_page(0)
    assert page.image.dtype == np.uint8 and page.image.shape == (560, 400, 3)
    assert page.image[30:50, 30:150].max() < 20 and page.image[400:500, 200:300].min() > 235


def test_exif_rotated_phone_jpeg_is_upright_with_estimated_dpi(tmp_path):
    path = tmp_path / "phone.jpg"
    upright = _page(size=(1240, 1754))  # an A4 page at ~150 dpi
    stored = upright.rotate(90, expand=True)  # camera stored it sideways (counter-clockwise)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 CW to display
    stored.save(path, exif=exif, dpi=(72, 72), quality=92)
    page = open_source(path).load_page(0)
    assert page.image.shape[:2] == (1754, 1240)
    assert _bar_is_top_left(page.image)
    assert 140 <= page.dpi <= 160  # 72 dpi metadata ignored: estimated from A4


def test_folder_pages_in_natural_order_and_hash(tmp_path):
    folder = tmp_path / "dossier"
    folder.mkdir()
    shades = {"page10.png": 100, "page2.png": 50, "page1.png": 0}
    for name, shade in shades.items():
        Image.new("L", (100, 140), shade).save(folder / name)
    (folder / "notes.txt").write_text("ignored")
    (folder / ".hidden.png").write_bytes(b"ignored")
    source = open_source(folder)
    assert (source.kind, source.page_count) == ("folder", 3)
    assert [int(source.load_page(i).image.mean()) for i in range(3)] == [0, 50, 100]
    digests = [
        hashlib.sha256((folder / n).read_bytes()).hexdigest()
        for n in sorted(shades)  # plain name order
    ]
    assert sha256_of(folder) == hashlib.sha256("\n".join(digests).encode()).hexdigest()


def test_file_hash_and_empty_folder(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc" * 1000)
    assert sha256_of(path) == hashlib.sha256(b"abc" * 1000).hexdigest()
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInput, match="folder without page images"):
        open_source(tmp_path / "empty")


def test_corrupt_jpeg_raises_bad_input_on_load(tmp_path):
    buf = io.BytesIO()
    _page().save(buf, format="JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[:400])
    with pytest.raises(BadInput, match="cut.jpg"):
        open_source(path).load_page(0)


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_plain_jpeg_decodes_to_the_pixels_pillow_gives(tmp_path, mode):
    """A plain JPEG is decoded by OpenCV straight into BGR (cheaper): the very pixels of
    Pillow's decode, and the same resolution; a truncated one is still refused."""
    from ocr.load import _to_bgr

    rng = np.random.default_rng(5)
    noise = Image.fromarray(rng.integers(0, 255, (1754, 1240, 3), dtype=np.uint8), "RGB")
    page = _page().convert("RGB").resize((1240, 1754))
    page = Image.blend(page, noise, 0.3).convert(mode)
    path = tmp_path / "page.jpg"
    page.save(path, quality=80, dpi=(150, 150))
    with Image.open(path) as img:
        img.load()
        expected = _to_bgr(img)
    loaded = open_source(path).load_page(0)
    assert loaded.dpi == 150
    assert np.array_equal(loaded.image, expected)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    with pytest.raises(BadInput, match="page.jpg"):
        open_source(path).load_page(0)
