"""The account chart of the monthly report, drawn with Pillow: a few milliseconds a chart.

The monthly job draws one or two charts per account for every account (a thousand
accounts, a thousand or two charts); a matplotlib figure costs ~60-100 ms to lay out and
draw, this ~5. It draws the same chart bot/charts.py drew with matplotlib (same size,
colours and parts): bars of open and closed actions per month, the health score as a line
on a 0-100 axis on the right, a title, both axes' names and a legend. Text uses the Noto
Sans CJK SC font that the ``mplfonts`` package ships (bot.charts.bundled_cjk_font), so
Chinese labels draw without system fonts; without it, matplotlib's DejaVu Sans, and the
caller keeps to English labels (bot.charts.cjk_font decides, as before).

Cheap on purpose: a label is rendered once per thread and pasted after (ticks, months and
legends repeat on every chart), and the picture is mapped onto a fixed palette of the
chart's own colours before it is compressed (an 8-bit PNG of ~7 KB in ~2 ms instead of a
24-bit one of ~18 KB in ~25 ms). Pillow's fonts are not shared between threads (a FreeType
face is not thread-safe): each thread that draws loads its own, once per size.
"""

from __future__ import annotations

import importlib.util
import io
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from bot.charts import AccountChartLabels

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 730, 44, 356  # the plot area
_OPEN, _CLOSED, _SCORE = "#8ab4f8", "#1a73e8", "#202124"
_GRID, _AXIS, _TEXT = "#e8eaed", "#202124", "#202124"

_local = threading.local()
_TEXT_CACHE = 512  # labels kept per thread


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _palette() -> Image.Image:
    """The chart's colours and the anti-aliased edges of its text (text colour over white)."""
    colours = [_rgb(c) for c in ("#ffffff", _GRID, "#dadce0", _OPEN, _CLOSED, _SCORE)]
    ink = _rgb(_TEXT)
    colours += [tuple(round(255 + (ink[k] - 255) * a / 16) for k in range(3))  # type: ignore[misc]
                for a in range(1, 16)]
    flat = [v for c in colours for v in c]
    image = Image.new("P", (1, 1))
    image.putpalette(flat + [0] * (768 - len(flat)))
    return image


_PALETTE = _palette()


def font_file() -> str | None:
    """The font file the charts' text is drawn with (see the module docstring)."""
    from bot.charts import bundled_cjk_font

    bundled = bundled_cjk_font()
    if bundled is not None:
        return str(bundled)
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder, "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")
        if path.is_file():
            return str(path)
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] | None = getattr(
        _local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = {}
    font = fonts.get(size)
    if font is None:
        path = font_file()
        font = ImageFont.truetype(path, size) if path else ImageFont.load_default(size)
        fonts[size] = font
    return font


def _step(top: int) -> int:
    """An integer tick step giving at most 6 ticks up to ``top``."""
    for power in range(7):
        for base in (1, 2, 5):
            step = base * 10**power
            if math.ceil(top / step) <= 6:
                return step
    return 10**7


def _label(text: str, size: int, anchor: str, angle: int) -> tuple[Image.Image, int, int]:
    """(mask, dx, dy): ``text`` rendered once per thread, placed at (x + dx, y + dy)."""
    cache: dict[tuple[str, int, str, int], tuple[Image.Image, int, int]] | None = getattr(
        _local, "labels", None)
    if cache is None:
        cache = _local.labels = {}
    key = (text, size, anchor, angle)
    hit = cache.get(key)
    if hit is not None:
        return hit
    font = _font(size)
    left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor=anchor))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor=anchor)
    if angle:
        turned = mask.rotate(angle, expand=True)
        hit = (turned, -turned.width // 2, -turned.height // 2)
    else:
        hit = (mask, left, top)
    if len(cache) >= _TEXT_CACHE:
        cache.clear()
    cache[key] = hit
    return hit


def _text(image: Image.Image, xy: tuple[float, float], text: str, *, size: int,
          anchor: str = "la", angle: int = 0) -> None:
    """``text`` at ``xy`` (Pillow's ``anchor``); turned by ``angle`` it is centred there."""
    if not text:
        return
    mask, dx, dy = _label(text, size, anchor, angle)
    image.paste(_TEXT, (round(xy[0]) + dx, round(xy[1]) + dy), mask)


def account_chart(*, months: Sequence[str], opened: Sequence[int], closed: Sequence[int],
                  scores: Sequence[int | None] | None, labels: AccountChartLabels) -> bytes:
    """PNG bytes of the chart (see the module docstring); ``scores`` None: no score line."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    normal = _font(13)
    n = max(1, len(months))
    top = max([1, *opened, *closed])
    step = _step(top)
    top = math.ceil(top / step) * step
    height = BOTTOM - TOP

    def y_of(value: float, scale: float) -> float:
        return BOTTOM - value / scale * height

    for tick in range(0, top + 1, step):
        y = y_of(tick, top)
        draw.line([(LEFT, y), (RIGHT, y)], fill=_GRID)
        draw.line([(LEFT - 4, y), (LEFT, y)], fill=_AXIS)
        _text(image, (LEFT - 7, y), str(tick), size=12, anchor="rm")
    slot = (RIGHT - LEFT) / n
    bar = slot * 0.38
    for i, month in enumerate(months):
        centre = LEFT + slot * (i + 0.5)
        for value, colour, left in ((opened[i], _OPEN, centre - bar),
                                    (closed[i], _CLOSED, centre)):
            if value:
                draw.rectangle([left, y_of(value, top), left + bar - 1, BOTTOM], fill=colour)
        draw.line([(centre, BOTTOM), (centre, BOTTOM + 4)], fill=_AXIS)
        _text(image, (centre, BOTTOM + 7), month, size=12, anchor="mt")
    legend = [(labels.opened, _OPEN, False), (labels.closed, _CLOSED, False)]
    if scores is not None:
        points = [(LEFT + slot * (i + 0.5), y_of(s, 100)) for i, s in enumerate(scores)
                  if s is not None]
        if len(points) > 1:
            draw.line(points, fill=_SCORE, width=3, joint="curve")
        for x, y in points:
            draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=_SCORE)
        for tick in range(0, 101, 20):
            y = y_of(tick, 100)
            draw.line([(RIGHT, y), (RIGHT + 4, y)], fill=_AXIS)
            _text(image, (RIGHT + 7, y), str(tick), size=12, anchor="lm")
        _text(image, (RIGHT + 50, (TOP + BOTTOM) / 2), labels.score_axis, size=13, angle=-90)
        if points:
            legend.append((labels.score, _SCORE, True))
    draw.rectangle([LEFT, TOP, RIGHT, BOTTOM], outline=_AXIS)
    _text(image, (LEFT - 48, (TOP + BOTTOM) / 2), labels.count_axis, size=13, angle=90)
    _text(image, ((LEFT + RIGHT) / 2, TOP - 10), labels.title, size=16, anchor="ms")
    # The legend, top left inside the plot.
    row = 18
    width = 34 + max(int(draw.textlength(name, font=normal)) for name, _c, _l in legend)
    x0, y0 = LEFT + 8, TOP + 8
    draw.rectangle([x0, y0, x0 + width, y0 + 6 + row * len(legend)], fill="white",
                   outline="#dadce0")
    for k, (name, colour, line) in enumerate(legend):
        y = y0 + 4 + row * k + row // 2
        if line:
            draw.line([(x0 + 6, y), (x0 + 24, y)], fill=colour, width=2)
            draw.ellipse([x0 + 12, y - 3, x0 + 18, y + 3], fill=colour)
        else:
            draw.rectangle([x0 + 8, y - 5, x0 + 22, y + 5], fill=colour)
        _text(image, (x0 + 30, y), name, size=13, anchor="lm")
    buf = io.BytesIO()
    image.quantize(palette=_PALETTE, dither=Image.Dither.NONE).save(buf, format="PNG")
    return buf.getvalue()
