"""The vendored plotly.js stylesheet is the bundle's own rules, so the pages need no inline style."""

from __future__ import annotations

from ibsa_report.dev.plotly_css import plotly_css
from ibsa_report.report.chart import PLOTLY_BUNDLE, PLOTLY_CSS

from conftest import ROOT


def test_the_vendored_stylesheet_is_written_from_the_vendored_bundle() -> None:
    css = plotly_css((ROOT / PLOTLY_BUNDLE).read_text(encoding="utf-8"))
    assert (ROOT / PLOTLY_CSS).read_text(encoding="utf-8") == css, "run `python -m ibsa_report.dev.plotly_css`"
    assert ".js-plotly-plot .plotly .main-svg{position:absolute;top:0;left:0;pointer-events:none;}" in css
