"""The checks a rendered site passes before it replaces _site/ (ibsa_report/site_checks.py), on hand-made pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from ibsa_report.site_checks import SiteProblem, check_charts
from quarto_lite.project import read_config

CHARTS = Path(__file__).parent / "fixtures" / "charts"


def rendered(site: Path, pages: dict[str, list[str]], csvs: list[str]) -> Path:
    """Write pages holding the given chart figures, and the given CSVs under downloads/."""
    for page, ids in pages.items():
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("".join(f'<figure class="chart" id="{i}">\n</figure>\n' for i in ids), encoding="utf-8")
    (site / "downloads").mkdir(parents=True)
    for name in csvs:
        (site / "downloads" / name).write_text("x\n1\n", encoding="utf-8")
    return site


def test_charts_with_their_csvs_pass(tmp_path: Path) -> None:
    site = rendered(tmp_path, {"index.html": ["chart-a"], "chapters/b.html": ["chart-b"]}, ["chart-a.csv", "chart-b.csv"])
    check_charts(read_config(CHARTS), site)


@pytest.mark.parametrize("pages, csvs, message", [
    ({"index.html": ["chart-a"], "chapters/b.html": ["chart-a"]}, ["chart-a.csv"],
     "chart id 'chart-a' is used on two pages, index.qmd and chapters/b.qmd: a chart id must be unique across the "
     "site (it names downloads/chart-a.csv)"),
    ({"index.html": ["chart-a"], "chapters/b.html": ["chart-b"]}, ["chart-a.csv"],
     "chapters/b.qmd: chart 'chart-b' has no downloads/chart-b.csv in the built site"),
], ids=["same-id", "missing-csv"])
def test_a_site_with_a_chart_problem_is_refused(tmp_path: Path, pages, csvs, message: str) -> None:
    site = rendered(tmp_path, pages, csvs)
    with pytest.raises(SiteProblem) as info:
        check_charts(read_config(CHARTS), site)
    assert str(info.value) == message


def test_a_chart_figure_with_classes_added_by_quarto_is_still_found(tmp_path: Path) -> None:
    site = rendered(tmp_path, {"index.html": [], "chapters/b.html": []}, [])
    (site / "chapters/b.html").write_text('<figure class="chart figure" id="chart-b">\n</figure>\n', encoding="utf-8")
    with pytest.raises(SiteProblem, match="chart 'chart-b' has no downloads/chart-b.csv"):
        check_charts(read_config(CHARTS), site)
