"""Tests for ibsa_report.analysis.stats.

Every expected value is derived independently here (closed formulas with
``math``, exact binomial arithmetic with ``fractions.Fraction``), never by
calling the function under test or scipy.
"""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import pandas as pd
import pytest

from ibsa_report.analysis.stats import (
    binomial_limit,
    with_rates_and_positions,
    funnel_limits,
    funnel_position,
    outcome_shares,
    pooled_rate,
    rate,
    wilson_interval,
)

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054


# --------------------------------------------------------------------------
# Independent reference implementations
# --------------------------------------------------------------------------


def wilson_reference(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval written out from the closed formula."""
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


class ExactBinomial:
    """Binomial(n, p0) CDF in exact rational arithmetic.

    p0 is taken as the exact rational value of the float, a/d. Then
    F(r) = sum_{j<=r} comb(n, j) a^j (d-a)^(n-j) / d^n, so cumulative sums are
    kept as integer numerators over the common denominator d^n.
    """

    def __init__(self, p0: float, n: int) -> None:
        assert 0.0 < p0 < 1.0, "reference covers non-degenerate targets only"
        frac = Fraction(p0)
        self.n = n
        self.a = frac.numerator
        self.b = frac.denominator - frac.numerator
        self.denominator = frac.denominator**n
        self.terms: list[int] = []
        self.cumulative: list[int] = []
        self._a_pow = 1  # a^j for the next j
        self._b_pow = self.b**n  # b^(n-j) for the next j (exact division below)

    def _extend(self, r: int) -> None:
        while len(self.terms) <= r:
            j = len(self.terms)
            term = math.comb(self.n, j) * self._a_pow * self._b_pow
            self.terms.append(term)
            previous = self.cumulative[-1] if self.cumulative else 0
            self.cumulative.append(previous + term)
            self._a_pow *= self.a
            self._b_pow = self._b_pow // self.b if j < self.n else 0

    def cdf(self, r: int) -> Fraction:
        if r < 0:
            return Fraction(0)
        self._extend(r)
        return Fraction(self.cumulative[r], self.denominator)

    def cdf_at_least(self, r: int, prob: Fraction) -> bool:
        """Return F(r) >= prob by exact integer cross-multiplication."""
        self._extend(r)
        return (
            self.cumulative[r] * prob.denominator
            >= prob.numerator * self.denominator
        )


_EXACT: dict[tuple[float, int], ExactBinomial] = {}


def spiegelhalter_reference(p0: float, n: int, prob: float) -> float:
    """Unclamped (r_p - alpha) / n with r_p found by linear search."""
    dist = _EXACT.setdefault((p0, n), ExactBinomial(p0, n))
    target = Fraction(prob)
    r_p = 0
    while not dist.cdf_at_least(r_p, target):
        r_p += 1
    f_r = dist.cdf(r_p)
    f_below = dist.cdf(r_p - 1)
    alpha = (f_r - target) / (f_r - f_below)
    return float((r_p - alpha) / n)


def expected_limit(p0: float, n: int, prob: float) -> float:
    """Reference limit with the module's documented clamp at 0."""
    return max(0.0, spiegelhalter_reference(p0, n, prob))


def reference_limits(p0: float, n: int, level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    return expected_limit(p0, n, tail), expected_limit(p0, n, 1 - tail)


# --------------------------------------------------------------------------
# rate
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [(0, 5, 0.0), (5, 5, 1.0), (534, 13860, 534 / 13860), (1, 3, 1 / 3)],
)
def test_rate(k: int, n: int, expected: float) -> None:
    assert rate(k, n) == expected


@pytest.mark.parametrize(
    ("k", "n", "message"),
    [
        (0, 0, "n must be a positive"),
        (1, -3, "n must be a positive"),
        (-1, 10, "k must be non-negative"),
        (11, 10, "k must not exceed n"),
    ],
)
def test_rate_rejects_bad_counts(k: int, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rate(k, n)


# --------------------------------------------------------------------------
# wilson_interval
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n"),
    [(0, 1), (1, 1), (0, 20), (20, 20), (1, 20), (7, 19), (534, 13860), (13, 196), (150, 3356)],
)
@pytest.mark.parametrize("level", [0.95, 0.998, 0.8])
def test_wilson_matches_closed_formula(k: int, n: int, level: float) -> None:
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    low, high = wilson_reference(k, n, z)
    got_low, got_high = wilson_interval(k, n, level)
    assert got_low == pytest.approx(max(0.0, low), rel=1e-12, abs=1e-15)
    assert got_high == pytest.approx(min(1.0, high), rel=1e-12, abs=1e-15)
    assert 0.0 <= got_low <= k / n <= got_high <= 1.0


@pytest.mark.parametrize("n", [1, 2, 7, 196, 13860])
def test_wilson_boundaries_are_exact(n: int) -> None:
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0
    assert wilson_interval(0, n)[1] < 1.0
    assert wilson_interval(n, n)[0] > 0.0


def test_wilson_hand_checked_literal() -> None:
    # k = 534, n = 13860, 95%: z = 1.959964, z^2 = 3.841459
    # p = 534/13860 = 0.03852814
    # z^2/n = 0.00027716 -> denominator 1 + z^2/n = 1.00027716
    # z^2/2n = 0.00013858 -> centre = (0.03852814 + 0.00013858) / 1.00027716
    #                               = 0.03866672 / 1.00027716 = 0.03865601
    # p(1-p)/n = 2.672707e-06, z^2/4n^2 = 4.999306e-09, sum = 2.677706e-06
    # sqrt = 0.00163637 -> half = 1.959964 * 0.00163637 / 1.00027716 = 0.00320634
    # interval = (0.03865601 - 0.00320634, 0.03865601 + 0.00320634)
    #          = (0.035450, 0.041862)
    low, high = wilson_interval(534, 13860)
    assert low == pytest.approx(0.035450, abs=5e-7)
    assert high == pytest.approx(0.041862, abs=5e-7)


def test_wilson_is_narrower_at_lower_level() -> None:
    low95, high95 = wilson_interval(30, 400, 0.95)
    low998, high998 = wilson_interval(30, 400, 0.998)
    assert low998 < low95 < high95 < high998


@pytest.mark.parametrize(
    ("k", "n", "message"),
    [
        (0, 0, "n must be a positive"),
        (-1, 5, "k must be non-negative"),
        (6, 5, "k must not exceed n"),
    ],
)
def test_wilson_rejects_bad_counts(k: int, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wilson_interval(k, n)


# --------------------------------------------------------------------------
# pooled_rate
# --------------------------------------------------------------------------


def test_pooled_rate_is_ratio_of_sums() -> None:
    assert pooled_rate([1, 2, 3], [10, 20, 70]) == pytest.approx(6 / 100)
    assert pooled_rate((534,), (13860,)) == pytest.approx(534 / 13860)


def test_pooled_rate_is_not_mean_of_rates() -> None:
    # Rates 0.5 and 0.0 average to 0.25, but pooling gives 1/102.
    assert pooled_rate([1, 0], [2, 100]) == pytest.approx(1 / 102)


@pytest.mark.parametrize(
    ("successes", "trials", "message"),
    [
        ([1, 2], [10], "same length"),
        ([], [], "empty"),
        ([0, 0], [0, 0], "trials is zero"),
    ],
)
def test_pooled_rate_rejects_bad_input(
    successes: list[int], trials: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        pooled_rate(successes, trials)


# --------------------------------------------------------------------------
# binomial_limit
# --------------------------------------------------------------------------

GRID_P0 = [0.0385, 0.2, 0.5, 0.75]
GRID_N = [1, 2, 5, 196, 3356]
GRID_PROB = [0.001, 0.025, 0.975, 0.999]


@pytest.mark.parametrize("prob", GRID_PROB)
@pytest.mark.parametrize("n", GRID_N)
@pytest.mark.parametrize("p0", GRID_P0)
def test_binomial_limit_matches_exact_arithmetic(p0: float, n: int, prob: float) -> None:
    assert binomial_limit(p0, n, prob) == pytest.approx(expected_limit(p0, n, prob), rel=1e-9)


@pytest.mark.parametrize(
    ("p0", "n", "prob"), [(0.0385, 1, 0.025), (0.0385, 2, 0.001), (0.0385, 5, 0.025)]
)
def test_binomial_limit_clamps_negative_interpolation_to_zero(
    p0: float, n: int, prob: float
) -> None:
    # r_p = 0 here, so the bare formula interpolates below zero.
    assert spiegelhalter_reference(p0, n, prob) < 0.0
    assert binomial_limit(p0, n, prob) == 0.0


def test_binomial_limit_hand_checked_small_case() -> None:
    # n = 2, p0 = 0.5: F(0) = 1/4, F(1) = 3/4, F(2) = 1.
    # prob = 0.975 -> r_p = 2, alpha = (1 - 0.975) / (1 - 3/4) = 0.1,
    # limit = (2 - 0.1) / 2 = 0.95.
    assert binomial_limit(0.5, 2, 0.975) == pytest.approx(0.95, rel=1e-12)
    # prob = 0.5 -> r_p = 1 (F(1) = 0.75 >= 0.5), alpha = (0.75 - 0.5)/0.5 = 0.5,
    # limit = (1 - 0.5) / 2 = 0.25.
    assert binomial_limit(0.5, 2, 0.5) == pytest.approx(0.25, rel=1e-12)
    # prob = 0.025 -> r_p = 0, alpha = (0.25 - 0.025)/0.25 = 0.9,
    # limit = -0.9/2 = -0.45, clamped to 0.
    assert binomial_limit(0.5, 2, 0.025) == 0.0
    # n = 10, p0 = 0.5: 1024 F(r) = 1, 11, 56, 176, 386, 638, 848, 968, 1013, 1023, 1024.
    # prob = 0.025 -> r_p = 2, alpha = (56 - 25.6) / 45 = 0.675556,
    # limit = (2 - 0.675556) / 10 = 0.132444.
    assert binomial_limit(0.5, 10, 0.025) == pytest.approx(0.132444, abs=5e-7)
    # prob = 0.975 -> r_p = 8, alpha = (1013 - 998.4) / 45 = 0.324444,
    # limit = (8 - 0.324444) / 10 = 0.767556.
    assert binomial_limit(0.5, 10, 0.975) == pytest.approx(0.767556, abs=5e-7)


@pytest.mark.parametrize("p0", [0.0, 1.0])
@pytest.mark.parametrize("prob", [0.001, 0.975])
def test_binomial_limit_degenerate_target(p0: float, prob: float) -> None:
    assert binomial_limit(p0, 50, prob) == p0


@pytest.mark.parametrize(
    ("p0", "n", "prob", "message"),
    [
        (-0.1, 10, 0.5, "p0 must lie in"),
        (1.1, 10, 0.5, "p0 must lie in"),
        (0.5, 0, 0.5, "n must be at least 1"),
        (0.5, 10, 0.0, "prob must lie strictly"),
        (0.5, 10, 1.0, "prob must lie strictly"),
    ],
)
def test_binomial_limit_rejects_bad_input(p0: float, n: int, prob: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        binomial_limit(p0, n, prob)


@pytest.mark.parametrize("n", [1, 2, 5, 20, 196, 1000, 3356])
@pytest.mark.parametrize("p0", [0.0385, 0.3])
def test_funnel_limits_bracket_target_and_nest(p0: float, n: int) -> None:
    limits = funnel_limits(p0, n)
    assert set(limits) == {0.95, 0.998}
    low95, high95 = limits[0.95]
    low998, high998 = limits[0.998]
    assert low998 <= low95 <= p0 <= high95 <= high998
    assert (low95, high95) == pytest.approx(reference_limits(p0, n, 0.95), rel=1e-9)
    assert (low998, high998) == pytest.approx(reference_limits(p0, n, 0.998), rel=1e-9)


@pytest.mark.parametrize("level", [0.95, 0.998])
@pytest.mark.parametrize("p0", [0.0385, 0.3])
def test_funnel_narrows_as_n_grows(p0: float, level: float) -> None:
    widths = []
    for n in [10, 50, 196, 1000, 3356]:
        low, high = funnel_limits(p0, n, (level,))[level]
        widths.append(high - low)
    assert all(a > b for a, b in zip(widths, widths[1:]))


def test_funnel_limits_custom_levels_and_validation() -> None:
    limits = funnel_limits(0.2, 100, (0.9,))
    assert list(limits) == [0.9]
    assert limits[0.9] == pytest.approx(reference_limits(0.2, 100, 0.9), rel=1e-9)
    with pytest.raises(ValueError, match="level must lie strictly"):
        funnel_limits(0.2, 100, (1.0,))


# --------------------------------------------------------------------------
# funnel_position
# --------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0.95, 0.998])
@pytest.mark.parametrize(("p0", "n"), [(0.0385, 196), (0.0385, 3356), (0.3, 50)])
def test_funnel_position_classifies_clear_cases(p0: float, n: int, level: float) -> None:
    lower, upper = reference_limits(p0, n, level)
    k_above = math.floor(upper * n) + 1
    k_below = math.ceil(lower * n) - 1
    k_inside = round(p0 * n)
    assert k_below >= 0 and k_above <= n
    assert k_above / n > upper and lower < k_inside / n < upper and k_below / n < lower
    assert funnel_position(k_above, n, p0, level) == "above"
    assert funnel_position(k_below, n, p0, level) == "below"
    assert funnel_position(k_inside, n, p0, level) == "inside"


def test_funnel_position_hand_checked_limits() -> None:
    # n = 10, p0 = 0.5: 95% limits (0.132444, 0.767556), see
    # test_binomial_limit_hand_checked_small_case.
    expected = ["below"] * 2 + ["inside"] * 6 + ["above"] * 3
    assert [funnel_position(k, 10, 0.5, 0.95) for k in range(11)] == expected
    # n = 2, p0 = 0.5: lower limit clamps to 0 (r_p = 0), upper is 0.95,
    # so 0/2 is inside (not strictly below 0) and 2/2 is above.
    assert [funnel_position(k, 2, 0.5, 0.95) for k in range(3)] == ["inside", "inside", "above"]


def test_funnel_position_on_a_limit_is_inside() -> None:
    # n = 4, p0 = 0.5, level 0.375: tails 0.3125 and 0.6875 equal
    # F(1) = 5/16 and F(2) = 11/16 exactly, so alpha = 0 and the limits are
    # 1/4 and 2/4. Proportions equal to a limit are not strictly outside.
    assert funnel_limits(0.5, 4, (0.375,))[0.375] == pytest.approx((0.25, 0.5), abs=1e-12)
    positions = [funnel_position(k, 4, 0.5, 0.375) for k in range(5)]
    assert positions == ["below", "inside", "inside", "above", "above"]


def test_funnel_position_default_level_is_998() -> None:
    p0, n = 0.0385, 3356
    low95, high95 = reference_limits(p0, n, 0.95)
    low998, high998 = reference_limits(p0, n, 0.998)
    # A count outside the 95% funnel but inside the 99.8% funnel.
    k = math.floor(high95 * n) + 1
    assert high95 < k / n < high998
    assert funnel_position(k, n, p0, 0.95) == "above"
    assert funnel_position(k, n, p0) == "inside"


# --------------------------------------------------------------------------
# outcome_shares
# --------------------------------------------------------------------------


def test_outcome_shares_values_order_and_sum() -> None:
    counts = {
        "charged": 534,
        "evidential difficulties": 9000,
        "victim withdrew": 4000,
        "other": 326,
    }
    shares = outcome_shares(counts)
    assert list(shares) == list(counts)
    total = 534 + 9000 + 4000 + 326
    for key, value in counts.items():
        assert shares[key] == pytest.approx(value / total)
    assert math.fsum(shares.values()) == pytest.approx(1.0, abs=1e-12)


def test_outcome_shares_allows_zero_categories() -> None:
    assert outcome_shares({"a": 0, "b": 3, "c": 1}) == {"a": 0.0, "b": 0.75, "c": 0.25}


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({}, "total of counts is zero"),
        ({"a": 0, "b": 0}, "total of counts is zero"),
        ({"a": 5, "b": -1}, "non-negative"),
    ],
)
def test_outcome_shares_rejects_bad_input(counts: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        outcome_shares(counts)


# --------------------------------------------------------------------------
# with_rates_and_positions
# --------------------------------------------------------------------------


@pytest.fixture
def forces() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "force": ["Zeta", "Alpha", "Mid", "Tiny", "Big"],
            "charged_summonsed": [2, 60, 20, 0, 130],
            "recorded_offences": [400, 500, 520, 3, 3356],
        },
        index=[10, 3, 7, 1, 5],
    )


def test_force_rates_does_not_mutate_and_keeps_order(forces: pd.DataFrame) -> None:
    before = forces.copy(deep=True)
    out = with_rates_and_positions(forces)
    pd.testing.assert_frame_equal(forces, before)
    assert out is not forces
    assert list(out.index) == list(forces.index)
    assert list(out["force"]) == list(forces["force"])
    assert list(out.columns) == [
        *forces.columns,
        "rate",
        "ci_low",
        "ci_high",
        "position_95",
        "position_998",
    ]


def test_force_rates_values(forces: pd.DataFrame) -> None:
    out = with_rates_and_positions(forces)
    ks = forces["charged_summonsed"].tolist()
    ns = forces["recorded_offences"].tolist()
    p0 = sum(ks) / sum(ns)  # 212 / 4779
    for row, k, n in zip(out.itertuples(), ks, ns):
        low, high = wilson_reference(k, n, Z95)
        assert row.rate == pytest.approx(k / n)
        assert row.ci_low == pytest.approx(max(0.0, low), abs=1e-15)
        assert row.ci_high == pytest.approx(min(1.0, high))
        for level, column in [(0.95, "position_95"), (0.998, "position_998")]:
            lower, upper = reference_limits(p0, n, level)
            expected = "above" if k / n > upper else "below" if k / n < lower else "inside"
            assert getattr(row, column) == expected
            assert getattr(row, column) == funnel_position(k, n, p0, level)
    # The fixture is built to exercise every classification.
    assert set(out["position_95"]) == {"above", "below", "inside"}


def test_force_rates_uses_pooled_not_mean_rate() -> None:
    # Pooled rate 43/1003 = 0.0429; the unweighted mean of rates would be 0.52.
    frame = pd.DataFrame({"charged_summonsed": [40, 3], "recorded_offences": [1000, 3]})
    out = with_rates_and_positions(frame)
    p0 = 43 / 1003
    lower, upper = reference_limits(p0, 1000, 0.998)
    assert lower < 40 / 1000 < upper
    assert list(out["position_998"]) == ["inside", "above"]
    assert list(out["position_95"]) == ["inside", "above"]


def test_force_rates_custom_columns_and_levels() -> None:
    frame = pd.DataFrame({"k": [5, 40], "n": [100, 200]})
    out = with_rates_and_positions(frame, k="k", n="n", levels=(0.9, 0.999))
    assert {"rate", "ci_low", "ci_high", "position_90", "position_999"} <= set(out.columns)
    assert "position_95" not in out.columns
    assert list(frame.columns) == ["k", "n"]


def test_classify_counts_a_rate_on_a_limit_as_inside() -> None:
    from ibsa_report.analysis.stats import classify

    assert [classify(v, 0.1, 0.3) for v in (0.05, 0.1, 0.2, 0.3, 0.35)] == [
        "below", "inside", "inside", "inside", "above"]
