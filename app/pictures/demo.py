"""Simple drawings for the demo shop's products (flask seed-demo): made here with
Pillow, so the demo needs no downloads."""
from io import BytesIO

from PIL import Image, ImageDraw

SIZE = 800
PAPER = (246, 241, 232)
INK = (60, 52, 44)


def drawing(subject: str, colour: tuple[int, int, int]) -> bytes:
    """A PNG drawing of `subject` ("packet", "teapot", "cups", "kettle", "caddy")."""
    image = Image.new("RGB", (SIZE, SIZE), PAPER)
    draw = ImageDraw.Draw(image)
    DRAW[subject](draw, colour)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _packet(draw: ImageDraw.ImageDraw, colour) -> None:
    draw.polygon([(250, 190), (550, 190), (580, 640), (220, 640)], fill=colour, outline=INK,
                 width=8)
    draw.rectangle([(290, 330), (510, 470)], fill=PAPER, outline=INK, width=6)
    draw.ellipse([(360, 360), (440, 440)], fill=(120, 150, 70))


def _teapot(draw: ImageDraw.ImageDraw, colour) -> None:
    draw.polygon([(220, 430), (120, 300), (150, 290), (260, 400)], fill=colour, outline=INK)
    draw.arc([(520, 320), (680, 520)], start=270, end=90, fill=INK, width=26)
    draw.ellipse([(210, 300), (590, 640)], fill=colour, outline=INK, width=8)
    draw.ellipse([(330, 250), (470, 330)], fill=colour, outline=INK, width=8)
    draw.ellipse([(385, 210), (415, 250)], fill=INK)


def _cups(draw: ImageDraw.ImageDraw, colour) -> None:
    for left in (130, 430):
        draw.ellipse([(left - 30, 560), (left + 270, 620)], fill=PAPER, outline=INK, width=6)
        draw.arc([(left + 170, 400), (left + 260, 500)], start=270, end=90, fill=INK, width=16)
        draw.chord([(left, 300), (left + 220, 600)], start=0, end=180, fill=colour, outline=INK,
                   width=8)
        draw.line([(left, 450), (left + 220, 450)], fill=INK, width=8)


def _kettle(draw: ImageDraw.ImageDraw, colour) -> None:
    draw.line([(250, 520), (130, 330), (100, 320)], fill=INK, width=18)
    draw.arc([(280, 150), (520, 420)], start=180, end=360, fill=INK, width=22)
    draw.rounded_rectangle([(230, 300), (570, 640)], radius=90, fill=colour, outline=INK,
                           width=8)


def _caddy(draw: ImageDraw.ImageDraw, colour) -> None:
    draw.rounded_rectangle([(260, 260), (540, 640)], radius=30, fill=colour, outline=INK,
                           width=8)
    draw.rounded_rectangle([(240, 210), (560, 290)], radius=20, fill=INK)
    draw.ellipse([(340, 400), (460, 520)], fill=PAPER, outline=INK, width=6)


DRAW = {"packet": _packet, "teapot": _teapot, "cups": _cups, "kettle": _kettle,
        "caddy": _caddy}
