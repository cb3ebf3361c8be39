"""The one rounding of percentages (fmt.percent_value): half up, from the counts, once."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ibsa_report.report import fmt


def half_up_tenths(k: int, n: int) -> int:
    """100·k/n in tenths of a percent, rounded half up, in integer arithmetic: ⌊(2000k + n) / 2n⌋."""
    return (2000 * k + n) // (2 * n)


@pytest.mark.parametrize("k, n, shown", [
    (229, 2000, "11.5%"),   # 11.45% exactly: half up, not to even
    (30, 262, "11.5%"),     # Bedfordshire: 11.4504…%, which rounding to 11.45 first turned into 11.4
    (1, 16, "6.3%"),        # 6.25% exactly; 100 * (1/16) formatted with .1f gives 6.2
    (4886, 13860, "35.3%"),  # 35.2525…%, which rounding to 35.25 first turned into 35.2
    (0, 2, "0.0%"),
    (7, 7, "100.0%"),
])
def test_a_share_of_counts_rounds_half_up_once(k: int, n: int, shown: str) -> None:
    assert fmt.percent(Fraction(k, n)) == shown
    assert fmt.percent(k / n) == shown


def test_the_value_is_a_decimal_with_the_digits_asked_for() -> None:
    assert fmt.percent_value(Fraction(229, 2000)) == Decimal("11.5")
    assert fmt.percent_value(Fraction(229, 2000), 2) == Decimal("11.45")
    assert str(fmt.percent_value(Fraction(1, 8), 0)) == "13"   # 12.5 -> 13
    assert fmt.percent(0.95, 0) == "95%"
    assert fmt.percent_number(Fraction(30, 262)) == 11.5


def test_a_float_share_of_counts_rounds_as_the_counts_do() -> None:
    # The chapters pass some rates as floats (k/n): every one rounds as k/n itself does.
    wrong = [(k, n) for n in range(1, 401) for k in range(n + 1)
             if fmt.percent_value(k / n) != Decimal(half_up_tenths(k, n)).scaleb(-1)]
    assert wrong == []
    assert all(fmt.percent_value(Fraction(k, n)) == Decimal(half_up_tenths(k, n)).scaleb(-1)
               for n in range(1, 201) for k in range(n + 1))


def test_other_numbers_shown_are_rounded_by_the_same_rule() -> None:
    assert fmt.decimal(167.87067783827095) == "167.9"
    assert fmt.decimal(0.125, 2) == "0.13"  # half up; f"{0.125:.2f}" gives 0.12
    assert fmt.decimal(0.00026224912892057695, 5) == "0.00026"
    assert fmt.whole_words(6.9946) == "seven"
    assert fmt.whole_words(2.5) == "three"  # Python's round(2.5) is 2
    assert fmt.points(0.016194107845774554) == "1.6 percentage points"
    assert fmt.interval(Fraction(1, 16), 0.5) == "6.3% to 50.0%"


@pytest.mark.parametrize("p, shown", [(5.4e-24, "p < 0.001"), (0.001, "p = 0.001"), (0.0235, "p = 0.024"),
                                      (0.5, "p = 0.500")])
def test_p_values(p: float, shown: str) -> None:
    assert fmt.p_value(p) == shown


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x",
                                 "https:no-host", "https://a.example/ x", "https://a.example/\tx", " https://a.example/",
                                 "//a.example/"])
def test_web_address_refuses_anything_but_an_http_s_address_with_a_host(url: str) -> None:
    with pytest.raises(ValueError, match="not a web address"):
        fmt.web_address(url)


def test_web_address_percent_encodes_what_could_end_an_attribute_or_a_markdown_link() -> None:
    assert fmt.web_address("https://a.example/p?q=1&r='x'") == "https://a.example/p?q=1&r='x'"
    assert fmt.web_address('https://a.example/"><(x)é') == "https://a.example/%22%3E%3C%28x%29%C3%A9"


def test_a_missing_value_shows_as_a_dash_in_every_kind_of_column():
    frame = pd.DataFrame({"n": pd.array([4, None], dtype="Int64"), "x": [11.5, float("nan")],
                          "s": pd.array(["a", None], dtype="string"), "o": ["<b>", None]})
    html = fmt.table_markup(frame)
    assert "NA" not in html and "nan" not in html and "None" not in html
    assert html.count("<td>–</td>") == 4 and "<td>11.5</td>" in html and "<td>&lt;b&gt;</td>" in html
