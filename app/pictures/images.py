"""Checking that an upload is a picture, and making the sizes the pages show.

Everything the shop serves is made here from the upload's pixels alone: the format is
read from the content (never the file name), only JPEG, PNG and WebP are decoded, the
size in pixels is checked before any pixel is decoded (a decompression bomb is a small
file that unpacks to gigabytes), the EXIF orientation is applied, and each size is
written afresh as a JPEG, so no metadata of the upload (EXIF, GPS, comments, colour
profiles) reaches the shop's pages.
"""
import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

# Decoders Pillow may try: whatever the file says it is, nothing else is opened.
FORMATS = ("JPEG", "PNG", "WEBP")
# Each size fits in a square of this many pixels; a smaller upload is never enlarged.
# thumb: the catalogue, the cart and the emails; large: the product page.
SIZES = {"thumb": 400, "large": 1200}
# JPEG everywhere: every browser and every email client shows it (WebP is smaller, but
# not every email client shows it). A transparent PNG is laid on white.
OUTPUT_FORMAT, OUTPUT_QUALITY, BACKGROUND = "JPEG", 85, (255, 255, 255)
MAX_PIXELS = 40_000_000  # 40 megapixels: any camera's photo, not a bomb

NOT_A_PICTURE = "Choose a JPEG, PNG or WebP picture"
DAMAGED = "This picture is damaged or incomplete: save it again and upload that"
TOO_MANY_PIXELS = "This picture has too many pixels: at most {:,} in all"
EMPTY = "This file is empty"


class PictureRefused(ValueError):
    """An upload that is not a picture the shop takes; `message` says why, for the form."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Size:
    name: str  # "thumb" or "large"
    data: bytes  # the JPEG file
    width: int
    height: int


@dataclass(frozen=True)
class Prepared:
    """A checked picture, made into every size. `key` names it by its content."""

    key: str
    sizes: dict[str, Size]


def prepare(data: bytes, max_pixels: int = MAX_PIXELS) -> Prepared:
    """Check `data` is a JPEG, PNG or WebP picture of at most `max_pixels` pixels and make
    every size of SIZES from its pixels, upright and without metadata; else PictureRefused."""
    if not data:
        raise PictureRefused(EMPTY)
    image = _open_checked(data, max_pixels)
    try:
        upright = ImageOps.exif_transpose(image)
        pixels = _pixels_only(upright)
    finally:
        image.close()
    # Largest first, each smaller size from the one before: fewer pixels to go over.
    sizes = {}
    for name, box in sorted(SIZES.items(), key=lambda item: -item[1]):
        sizes[name], pixels = _resized(pixels, name, box)
    digest = hashlib.sha256()
    for name in sorted(sizes):
        digest.update(sizes[name].data)
    return Prepared(key=digest.hexdigest()[:32], sizes=sizes)


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """The decoded picture, after the header, the size in pixels and the whole file are
    checked. Pillow's bomb warning is an error here too."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data), formats=FORMATS) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise PictureRefused(TOO_MANY_PIXELS.format(max_pixels))
                probe.verify()  # reads the whole file: truncated or corrupt data fails
            # verify() leaves the image unusable: open it again to decode it.
            image = Image.open(BytesIO(data), formats=FORMATS)
            if image.size != (width, height) or width < 1 or height < 1:
                raise PictureRefused(DAMAGED)
            # A JPEG may be decoded straight at a half, quarter or eighth of its size,
            # never below the largest size made: a 12-megapixel photo decodes several
            # times faster.
            largest = max(SIZES.values())
            image.draft("RGB", (largest, largest))
            image.load()
        except PictureRefused:
            raise
        except UnidentifiedImageError:
            raise PictureRefused(NOT_A_PICTURE) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PictureRefused(TOO_MANY_PIXELS.format(max_pixels)) from None
        # What Pillow's decoders raise on a damaged or truncated file.
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError,
                MemoryError):
            raise PictureRefused(DAMAGED) from None
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new RGB image holding only the pixels: no EXIF, GPS, comment or profile
    travels with it. Transparency is laid on white (JPEG has none)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                              and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB")
    return Image.frombytes("RGB", flat.size, flat.tobytes())


def _resized(pixels: Image.Image, name: str, box: int) -> tuple[Size, Image.Image]:
    """The size `name`, fitting `box`, and its pixels (for the next, smaller size)."""
    copy = pixels.copy()
    copy.thumbnail((box, box), Image.Resampling.LANCZOS)
    out = BytesIO()
    copy.save(out, OUTPUT_FORMAT, quality=OUTPUT_QUALITY, optimize=True, progressive=True)
    return Size(name=name, data=out.getvalue(), width=copy.width, height=copy.height), copy
