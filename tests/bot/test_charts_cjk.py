"""Charts draw Chinese labels with the CJK font that pip installs (Noto Sans CJK SC from the
mplfonts package), never with empty boxes, whatever fonts the system has."""

from __future__ import annotations

import warnings

from bot import chart_draw, charts

ZH_ACCOUNT = charts.AccountChartLabels(title="华星零售：近六个月", opened="新建行动",
                                       closed="已完成", score="健康得分", count_axis="行动数",
                                       score_axis="得分")
ZH_PORTFOLIO = charts.PortfolioChartLabels(title="客户组合", green="绿灯", yellow="黄灯",
                                           red="红灯", unknown="数据不足", closed="已完成行动",
                                           accounts_axis="客户数", closed_axis="行动数")
MONTHS = ["2026-09", "2026-10", "2026-11"]


def _missing_glyphs(draw) -> list[str]:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw()
    assert png.startswith(b"\x89PNG")
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_bundled_font_is_found_and_registered() -> None:
    path = charts.bundled_cjk_font()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"
    assert charts.cjk_font() == "Noto Sans CJK SC"
    # so Chinese accounts get Chinese charts
    assert charts.label_lang("zh") == "zh" and charts.account_label_lang("zh") == "zh"


def _chars(labels: charts.AccountChartLabels) -> set[str]:
    return {c for text in vars(labels).values() for c in text if not c.isspace()}


def _covered(font: str, chars: set[str]) -> set[str]:
    from fontTools.ttLib import TTFont

    cmap = TTFont(font, lazy=True, fontNumber=0).getBestCmap()
    return {c for c in chars if ord(c) in cmap}


def test_chinese_labels_draw_without_missing_glyphs() -> None:
    # The account chart is drawn with Pillow (bot/chart_draw.py), in the bundled font.
    font = chart_draw.font_file()
    assert font is not None and font.endswith("NotoSansCJKsc-Regular.otf")
    chars = _chars(ZH_ACCOUNT) | set("0123456789-")
    assert _covered(font, chars) == chars
    png = charts.account_chart(months=MONTHS, opened=[3, 1, 4], closed=[2, 2, 5],
                               scores=[70, None, 55], labels=ZH_ACCOUNT)
    assert png.startswith(b"\x89PNG")
    assert _missing_glyphs(lambda: charts.portfolio_chart(
        months=MONTHS, green=[2, 3, 1], yellow=[1, 0, 2], red=[0, 1, 1], unknown=[1, 0, 0],
        closed=[4, 6, 3], labels=ZH_PORTFOLIO)) == []


def test_without_the_font_the_same_chart_would_miss_glyphs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The checks above can fail: with matplotlib's default font only, they do."""
    monkeypatch.setattr(charts, "bundled_cjk_font", lambda: None)
    fallback = chart_draw.font_file()
    assert fallback is not None and fallback.endswith("DejaVuSans.ttf")
    assert _covered(fallback, _chars(ZH_ACCOUNT)) != _chars(ZH_ACCOUNT)
    monkeypatch.setattr(charts, "_rc", lambda: {"font.sans-serif": ["DejaVu Sans"],
                                                "font.family": ["sans-serif"]})
    missing = _missing_glyphs(lambda: charts.portfolio_chart(
        months=MONTHS, green=[1, 1, 1], yellow=[0, 0, 0], red=[0, 0, 0], unknown=[0, 0, 0],
        closed=[1, 1, 1], labels=ZH_PORTFOLIO))
    assert missing and "DejaVu Sans" in missing[0]
