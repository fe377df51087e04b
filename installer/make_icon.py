"""The app icon: a white 医 on a deep red rounded square, drawn with the bundled CJK font.

    python installer/make_icon.py OUT.png [OUT.ico]

Writes a 256x256 PNG (the Linux desktop entry's icon) and, if asked, a Windows .ico with the
usual sizes. Not a red cross: that emblem is protected, and a character reads better small.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "printing" / "fonts" / "DroidSansFallbackFull.ttf"
SIZE = 256
SCALE = 4  # drawn large, then reduced: smooth edges without relying on Pillow's antialiasing
BACKGROUND = (183, 28, 28)  # deep red
RIM = (229, 115, 115)  # a lighter inner line, so the square reads on dark panels too
FOREGROUND = (255, 255, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw_icon(size: int = SIZE) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = big // 16
    radius = big // 5
    box = (margin, margin, big - margin, big - margin)
    draw.rounded_rectangle(box, radius=radius, fill=BACKGROUND)
    inset = margin + big // 28
    draw.rounded_rectangle(
        (inset, inset, big - inset, big - inset),
        radius=radius - big // 28,
        outline=RIM,
        width=max(1, big // 96),
    )
    font = ImageFont.truetype(str(FONT), size=int(big * 0.58))
    stroke = big // 80  # the font has one weight: a stroke makes it bold enough to read small
    left, top, right, bottom = draw.textbbox((0, 0), "医", font=font, stroke_width=stroke)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    draw.text((x, y), "医", font=font, fill=FOREGROUND, stroke_width=stroke, stroke_fill=FOREGROUND)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    icon = draw_icon()
    png = Path(argv[0])
    png.parent.mkdir(parents=True, exist_ok=True)
    icon.save(png, optimize=True)
    if len(argv) == 2:
        ico = Path(argv[1])
        ico.parent.mkdir(parents=True, exist_ok=True)
        icon.save(ico, sizes=ICO_SIZES)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
