"""Report charts as PNG bytes: an account's last months, and the portfolio's.

The account chart of the monthly report is drawn with Pillow (bot/chart_draw.py: a
thousand of them a month must be cheap); the others with matplotlib.

matplotlib is imported only when a chart is drawn (the bot starts without it), and only its
object-oriented API with the Agg canvas is used: no pyplot, so no global figure state and
charts can be drawn from scheduler threads.

Labels: the caller passes them already translated. Chinese labels are drawn with Noto Sans
CJK SC, which the ``mplfonts`` package ships (SIL Open Font License 1.1, as the font's own
name table says) and :func:`cjk_font` registers with matplotlib, so `make` installs
everything a Chinese chart needs without the system's fonts. Should it be missing, a
system CJK font is used, and without any the caller falls back to English labels (axes
carry only ISO months and numbers, which every font has): a chart never shows empty boxes.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# Fonts with simplified-Chinese glyphs, in order of preference.
_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Heiti SC",
    "AR PL UMing CN",
)

_GREEN, _YELLOW, _RED, _GREY = "#2e9d5b", "#e0b000", "#d0342c", "#9aa0a6"
_OPEN, _CLOSED, _SCORE = "#8ab4f8", "#1a73e8", "#202124"


@dataclass(frozen=True)
class AccountChartLabels:
    title: str
    opened: str
    closed: str
    score: str
    count_axis: str
    score_axis: str


@dataclass(frozen=True)
class PortfolioChartLabels:
    title: str
    green: str
    yellow: str
    red: str
    unknown: str
    closed: str
    accounts_axis: str
    closed_axis: str


# The OFL font file inside the mplfonts package (its other fonts are not used).
_BUNDLED_FONT = ("fonts", "NotoSansCJKsc-Regular.otf")


@cache
def cjk_font() -> str | None:
    """The name of a font that draws Chinese (the bundled one first), or None."""
    from matplotlib import font_manager

    bundled = bundled_cjk_font()
    if bundled is not None:
        font_manager.fontManager.addfont(str(bundled))
        return str(font_manager.FontProperties(fname=str(bundled)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def label_lang(lang: str) -> str:
    """The language of a matplotlib chart's labels: Chinese only when a font that draws it
    is found (:func:`cjk_font`), else English, so a chart never shows empty boxes."""
    return lang if lang == "en" or cjk_font() else "en"


def account_label_lang(lang: str) -> str:
    """The language of the account chart's labels. That chart is drawn with Pillow in the
    bundled font (bot/chart_draw.py), so asking matplotlib (and importing it) is not needed:
    Chinese when the bundled font is there."""
    return lang if lang == "en" or bundled_cjk_font() is not None else "en"


def bundled_cjk_font() -> Path | None:
    """The Noto Sans CJK SC file that the mplfonts package ships, found without importing
    the package (its import pulls in a command-line tool we do not use)."""
    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder).joinpath(*_BUNDLED_FONT)
        if path.is_file():
            return path
    return None


def _new_figure(width: float = 8.0, height: float = 4.0):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    # Fixed margins instead of tight_layout: that costs a whole extra draw per chart, and
    # our labels have a known, short length.
    fig.subplots_adjust(left=0.08, right=0.9, top=0.9, bottom=0.1)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _rc() -> dict[Any, Any]:
    font = cjk_font()
    return {"font.sans-serif": [font, "DejaVu Sans"]} if font else {}


def account_chart(
    *,
    months: Sequence[str],
    opened: Sequence[int],
    closed: Sequence[int],
    scores: Sequence[int | None] | None,
    labels: AccountChartLabels,
) -> bytes:
    """Bars of open and closed actions per month; the health score as a line when given
    (``scores`` None leaves it out: the customer version shows no health).

    Drawn with Pillow (bot/chart_draw.py), not matplotlib: the monthly job draws one or two
    per account for every account, and this costs a few milliseconds instead of ~100."""
    from bot import chart_draw

    return chart_draw.account_chart(months=months, opened=opened, closed=closed,
                                    scores=scores, labels=labels)


def portfolio_chart(
    *,
    months: Sequence[str],
    green: Sequence[int],
    yellow: Sequence[int],
    red: Sequence[int],
    unknown: Sequence[int],
    closed: Sequence[int],
    labels: PortfolioChartLabels,
) -> bytes:
    """Accounts by health colour at each month's end (stacked), and actions closed (line)."""
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig = _new_figure()
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(months)))
        bottom = [0] * len(xs)
        for values, colour, name in (
            (red, _RED, labels.red), (yellow, _YELLOW, labels.yellow),
            (green, _GREEN, labels.green), (unknown, _GREY, labels.unknown),
        ):
            ax.bar(xs, list(values), 0.6, bottom=list(bottom), color=colour, label=name)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(xs, list(months))
        ax.set_ylabel(labels.accounts_axis)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(labels.title)
        twin = ax.twinx()
        line = twin.plot(xs, list(closed), marker="o", color=_SCORE, label=labels.closed)
        twin.set_ylabel(labels.closed_axis)
        twin.set_ylim(bottom=0)
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles + line, names + [labels.closed], loc="upper left", fontsize="small")
        return _png(fig)


@dataclass(frozen=True)
class GridPoint:
    name: str
    power: int  # 1-5
    interest: int  # 1-5
    stance: str  # champion ... blocker, or ""


@dataclass(frozen=True)
class GridLabels:
    title: str
    power: str
    interest: str
    manage: str  # high power, high interest: manage closely
    satisfy: str  # high power, low interest: keep satisfied
    inform: str  # low power, high interest: keep informed
    monitor: str  # low power, low interest: monitor


_STANCE_COLORS = {"champion": _GREEN, "supporter": "#7cc48f", "neutral": _GREY,
                  "skeptic": _YELLOW, "blocker": _RED}


def power_interest_grid(*, points: Sequence[GridPoint], labels: GridLabels) -> bytes:
    """The stakeholders on a power (y) / interest (x) grid of 1-5, in four quadrants, each
    dot coloured by stance and named; people on the same spot are spread a little apart."""
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig = _new_figure(7.0, 6.0)
        ax = fig.add_subplot(1, 1, 1)
        ax.set_xlim(0.5, 5.5)
        ax.set_ylim(0.5, 5.5)
        ax.axhline(3, color=_GREY, linewidth=0.8)
        ax.axvline(3, color=_GREY, linewidth=0.8)
        for x, y, text in ((4.25, 5.3, labels.manage), (1.75, 5.3, labels.satisfy),
                           (4.25, 0.7, labels.inform), (1.75, 0.7, labels.monitor)):
            ax.text(x, y, text, ha="center", va="center", fontsize="small", color=_GREY)
        seen: dict[tuple[int, int], int] = {}
        for p in points:
            n = seen.get((p.interest, p.power), 0)
            seen[(p.interest, p.power)] = n + 1
            x, y = p.interest + 0.18 * (n % 3) - 0.18, p.power - 0.22 * (n // 3)
            ax.scatter([x], [y], s=80, color=_STANCE_COLORS.get(p.stance, _OPEN),
                       edgecolors="#202124", linewidths=0.5, zorder=3)
            ax.annotate(p.name[:24], (x, y), textcoords="offset points", xytext=(6, 4),
                        fontsize="x-small")
        ax.set_xticks([1, 2, 3, 4, 5])
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.set_xlabel(labels.interest)
        ax.set_ylabel(labels.power)
        ax.set_title(labels.title)
        return _png(fig)


@dataclass(frozen=True)
class ParetoLabels:
    title: str
    profit: str
    cumulative: str


def pareto_chart(*, names: Sequence[str], profits: Sequence[float],
                 labels: ParetoLabels) -> bytes:
    """Gross profit per account, largest first, with the cumulative share as a line and
    the 80% mark; at most 30 bars (the rest are one "…" bar) so the names stay readable."""
    import matplotlib

    names, profits = list(names), list(profits)
    if len(names) > 30:
        names, profits = names[:29] + ["…"], profits[:29] + [sum(profits[29:])]
    total = sum(profits) or 1.0
    running, cumulative = 0.0, []
    for p in profits:
        running += p
        cumulative.append(100 * running / total)
    with matplotlib.rc_context(_rc()):
        fig = _new_figure(8.0, 4.5)
        fig.subplots_adjust(bottom=0.28)
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(names)))
        ax.bar(xs, profits, color=_CLOSED, label=labels.profit)
        ax.set_xticks(xs, [n[:14] for n in names], rotation=45, ha="right",
                      fontsize="x-small")
        ax.set_ylabel(labels.profit)
        twin = ax.twinx()
        twin.plot(xs, cumulative, marker="o", color=_RED, label=labels.cumulative)
        twin.axhline(80, color=_GREY, linestyle="--", linewidth=0.8)
        twin.set_ylim(0, 105)
        twin.set_ylabel(labels.cumulative)
        ax.set_title(labels.title)
        return _png(fig)
