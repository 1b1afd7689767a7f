#!/usr/bin/env python3
"""Draws rnnbench's icon (three recurrent cells as stacked bars in the charts' cell colours, a loop
arrow around them) at 1024 px and the usual sizes, into build/: icon.png for electron-builder
(which derives macOS' .icns and Windows' .ico from it) and build/icons/NxN.png for Linux.
Needs Pillow (Debian: python3-pil). Run from the repository root: /usr/bin/python3 scripts/make_icon.py"""
from pathlib import Path
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
S = 1024
img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle((40, 40, S - 40, S - 40), radius=200, fill=(27, 33, 41, 255))
# three bars: LSTM, GRU, tanh RNN (the charts' colours), shortest to longest step time
for i, (colour, width) in enumerate([((0, 114, 178), 620), ((230, 159, 0), 500), ((0, 158, 115), 300)]):
    top = 270 + i * 170
    d.rounded_rectangle((200, top, 200 + width, top + 110), radius=40, fill=colour + (255,))
# the recurrence: an arc back from the right edge to the top
d.arc((560, 180, 900, 760), start=-80, end=80, fill=(221, 227, 234, 255), width=46)
d.polygon([(700, 160), (790, 205), (700, 250)], fill=(221, 227, 234, 255))
img.save(ROOT / "build" / "icon.png")
for n in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
    img.resize((n, n), Image.LANCZOS).save(ROOT / "build" / "icons" / f"{n}x{n}.png")
print("wrote build/icon.png and build/icons/")
