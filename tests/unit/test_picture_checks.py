"""What the shop takes as a product picture, and what it makes of it (app/pictures/images.py).

Every row is a real file made with Pillow in the test (tests/support/pictures.py), or bytes
that only pretend to be one."""
from io import BytesIO

import pytest
from PIL import Image, ImageFile

from app.pictures import images
from app.pictures.images import (DAMAGED, EMPTY, NOT_A_PICTURE, TOO_MANY_PIXELS, PictureRefused,
                                 prepare)
from tests.support.pictures import (DESCRIPTION, GPS_IFD, MAKE, photo_with_exif, picture,
                                    png_claiming, real_bomb)

BOMB = TOO_MANY_PIXELS.format(images.MAX_PIXELS)
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')
SCRIPT = b"#!/bin/sh\nrm -rf / # saved as picture.png\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


TAKEN = [
    ("a PNG", picture(60, 40), (60, 40)),
    ("a JPEG", picture(60, 40, fmt="JPEG"), (60, 40)),
    ("a WebP", picture(60, 40, fmt="WEBP"), (60, 40)),
    ("a lossless WebP with transparency", picture(30, 30, (0, 0, 0, 0), "WEBP", "RGBA",
                                                  lossless=True), (30, 30)),
    ("a transparent PNG", picture(30, 20, (0, 0, 0, 0), mode="RGBA"), (30, 20)),
    ("a palette PNG", picture(30, 20, 3, mode="P"), (30, 20)),
    ("a greyscale JPEG", picture(30, 20, 128, "JPEG", "L"), (30, 20)),
    ("a 16-bit greyscale PNG", picture(30, 20, 40000, mode="I;16"), (30, 20)),
    ("a CMYK JPEG", picture(30, 20, (0, 50, 100, 0), "JPEG", "CMYK"), (30, 20)),
    ("one pixel", picture(1, 1), (1, 1)),
    ("exactly the most pixels", picture(200, 200), (200, 200)),
]


@pytest.mark.parametrize("data, size", [pytest.param(d, s, id=n) for n, d, s in TAKEN])
def test_jpeg_png_and_webp_pictures_are_taken(data, size):
    prepared = prepare(data, max_pixels=200 * 200)

    for made in prepared.sizes.values():
        image = opened(made.data)
        assert image.format == "JPEG" and image.mode == "RGB"
        assert (image.width, image.height) == (made.width, made.height) == size


REFUSED = [
    ("nothing", b"", EMPTY),
    ("a shell script named .png", SCRIPT, NOT_A_PICTURE),
    ("an HTML page", HTML, NOT_A_PICTURE),
    ("an SVG with a script", SVG, NOT_A_PICTURE),
    ("a GIF (a picture, but not one we take)", picture(10, 10, fmt="GIF"), NOT_A_PICTURE),
    ("a BMP", picture(10, 10, fmt="BMP"), NOT_A_PICTURE),
    ("a TIFF", picture(10, 10, fmt="TIFF"), NOT_A_PICTURE),
    ("a PNG's signature and nothing else", picture(40, 40)[:8], NOT_A_PICTURE),
    ("a PNG cut short", picture(200, 200, (10, 200, 30))[:-30], DAMAGED),
    ("a JPEG cut in half", (lambda d: d[:len(d) // 2])(picture(200, 200, fmt="JPEG",
                                                              quality=95)), DAMAGED),
    ("a PNG with its data scrambled", (lambda d: d[:60] + bytes(b ^ 0x5A for b in d[60:-12])
                                       + d[-12:])(picture(50, 50, (90, 10, 200))), DAMAGED),
    ("a PNG whose header claims a size it does not hold", png_claiming(300, 300), DAMAGED),
    ("a PNG one pixel over the most", picture(201, 200), TOO_MANY_PIXELS.format(200 * 200)),
    ("a header claiming 49 million pixels", png_claiming(7000, 7000), BOMB),
    ("a header claiming 900 million pixels (Pillow's own bomb error)",
     png_claiming(30_000, 30_000), BOMB),
    ("a real decompression bomb: 400 million pixels in 50 kB", real_bomb(), BOMB),
]


@pytest.mark.parametrize("name, data, message",
                         [pytest.param(*row, id=row[0]) for row in REFUSED])
def test_anything_else_is_refused_with_a_reason(name, data, message):
    limit = 200 * 200 if "over the most" in name else images.MAX_PIXELS
    with pytest.raises(PictureRefused) as refused:
        prepare(data, max_pixels=limit)

    assert refused.value.message == message


def test_a_bomb_is_refused_from_its_header_before_its_pixels_are_decoded(monkeypatch):
    """49 million pixels: under Pillow's own bomb limit (89 million), over ours (40
    million). Decoding them would take seconds and 150 MB; the header is enough."""
    decoded = []
    original = ImageFile.ImageFile.load

    def load(self):
        decoded.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    with pytest.raises(PictureRefused) as refused:
        prepare(real_bomb(7000))

    assert refused.value.message == BOMB
    assert decoded == []


def test_a_photo_loses_its_exif_gps_and_comment_and_is_turned_upright():
    photo = photo_with_exif(80, 40, orientation=6)
    assert b"PhoneMaker" in photo and b"secret-comment" in photo  # the upload has them
    before = Image.open(BytesIO(photo)).getexif()
    assert before[MAKE] == "PhoneMaker" and before[DESCRIPTION] == "secret-description"
    assert before.get_ifd(GPS_IFD)

    prepared = prepare(photo)

    for made in prepared.sizes.values():
        image = opened(made.data)
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        for secret in (b"PhoneMaker", b"secret-description", b"secret-comment", b"Exif"):
            assert secret not in made.data
        # Turned 90 degrees clockwise: 40 wide, 80 high, the yellow band now on top.
        assert (image.width, image.height) == (40, 80)
        red, green, blue = image.getpixel((20, 5))
        assert red > 200 and green > 200 and blue < 60
        red, green, blue = image.getpixel((20, 70))
        assert blue > 150 and red < 80


def test_a_png_loses_its_text_chunks():
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Author", "secret-author")
    data = picture(20, 20, pnginfo=info)
    assert b"secret-author" in data

    for made in prepare(data).sizes.values():
        assert b"secret-author" not in made.data


def test_a_transparent_picture_is_laid_on_white():
    made = prepare(picture(10, 10, (255, 0, 0, 0), mode="RGBA")).sizes["thumb"]

    assert opened(made.data).getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize("width, height, thumb, large", [
    (2400, 1200, (400, 200), (1200, 600)),
    (1200, 2400, (200, 400), (600, 1200)),
    (1200, 1200, (400, 400), (1200, 1200)),
    (1201, 10, (400, 3), (1200, 10)),
    (401, 401, (400, 400), (401, 401)),
    (400, 300, (400, 300), (400, 300)),
    (50, 30, (50, 30), (50, 30)),  # never enlarged
])
def test_each_size_fits_its_box_keeping_the_shape(width, height, thumb, large):
    prepared = prepare(picture(width, height, fmt="JPEG"))

    assert (prepared.sizes["thumb"].width, prepared.sizes["thumb"].height) == thumb
    assert (prepared.sizes["large"].width, prepared.sizes["large"].height) == large


def test_the_key_names_the_content():
    red, blue = picture(30, 30, (255, 0, 0)), picture(30, 30, (0, 0, 255))

    assert prepare(red).key == prepare(red).key
    assert prepare(red).key != prepare(blue).key
    assert len(prepare(red).key) == 32 and set(prepare(red).key) <= set("0123456789abcdef")


def test_the_picture_checks_import_neither_flask_nor_the_database():
    from tests.unit.test_purity import FORBIDDEN, imported_packages
    from pathlib import Path
    assert imported_packages(Path(images.__file__)) & FORBIDDEN == set()
