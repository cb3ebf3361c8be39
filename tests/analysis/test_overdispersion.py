"""Tests for ibsa_report.analysis.overdispersion.

Expected values are worked here with plain arithmetic (and closed forms of the normal and χ²
distributions), never by calling the function under test or scipy.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest

from ibsa_report.analysis import overdispersion as od

Z95 = NormalDist().inv_cdf(0.975)
Z998 = NormalDist().inv_cdf(0.999)

# Four units around a pooled rate of 20/100 = 0.2, chosen so the arithmetic is short:
# s² = 0.2 · 0.8 / n is 0.008 for n = 20 and 0.004 for n = 40, and with a = √(0.0025/0.008) = √5/4
# the z-scores are (0.05 − 0.2)/√0.008 = −3a, (0.15 − 0.2)/√0.008 = −a, (0.15 − 0.2)/√0.004 = −√2·a and
# (0.5 − 0.2)/√0.008 = 6a, so z² = 2.8125, 0.3125, 0.625 and 11.25.
K = [1, 3, 6, 10]
N = [20, 20, 40, 20]
A = math.sqrt(5) / 4
Z = [-3 * A, -A, -math.sqrt(2) * A, 6 * A]
CHI2 = 2.8125 + 0.3125 + 0.625 + 11.25  # 15.0
# Weights w = 1/s²: 125, 125, 250, 125; Σw = 625, Σw² = 3 · 125² + 250² = 109375, Σw²/Σw = 175.
DL_DENOMINATOR = 625 - 175  # 450


def chi2_3_sf(x: float) -> float:
    """P(χ²₃ ≥ x) in closed form: erfc(√(x/2)) + √(2x/π)·e^(−x/2)."""
    return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)


def test_z_scores_by_hand() -> None:
    assert od.z_scores(K, N, 0.2) == pytest.approx(Z)
    assert od.variances(0.2, N) == pytest.approx([0.008, 0.008, 0.004, 0.008])


def test_pearson_chi2_and_its_p_value_by_hand() -> None:
    assert od.pearson_chi2(Z) == pytest.approx(15.0)
    assert od.chi2_p_value(15.0, 3) == pytest.approx(chi2_3_sf(15.0), rel=1e-12)
    assert od.chi2_p_value(5.0, 2) == pytest.approx(math.exp(-2.5), rel=1e-12)  # χ²₂ is exponential


def test_winsorise_by_hand_keeps_order() -> None:
    # Sorted: −3, −1, 0, 1, 5. 10th percentile at h = 4 · 0.1 = 0.4: −3 + 0.4 · (−1 − −3) = −2.2;
    # 90th at h = 3.6: 1 + 0.6 · (5 − 1) = 3.4.
    assert od.winsorise([5, -1, 0, -3, 1]) == pytest.approx([3.4, -1, 0, -2.2, 1])
    assert od.winsorise([5, -1, 0, -3, 1], 0.0) == [5, -1, 0, -3, 1]


def test_winsorise_clamps_only_the_extremes() -> None:
    rng = random.Random(7)
    values = [rng.gauss(0, 3) for _ in range(41)]
    out = od.winsorise(values)
    ordered = sorted(values)
    # With 41 values the 10th and 90th percentiles fall on order statistics 4 and 36 exactly.
    low, high = ordered[4], ordered[36]
    assert min(out) == low and max(out) == high
    assert [v for v in out if low < v < high] == [v for v in values if low < v < high]
    assert sum(v == low for v in out) == 5 and sum(v == high for v in out) == 5


def test_estimate_without_winsorising_by_hand() -> None:
    est = od.estimate(K, N, fraction=0.0)
    assert (est.units, est.df, est.pooled) == (4, 3, pytest.approx(0.2))
    assert est.chi2 == pytest.approx(CHI2)
    assert est.p_value == pytest.approx(chi2_3_sf(CHI2), rel=1e-12)
    assert est.ratio == pytest.approx(15.0 / 4)
    assert est.phi == pytest.approx(15.0 / 4)
    assert est.tau2 == pytest.approx((15.0 - 3) / DL_DENOMINATOR)  # 2/75
    assert est.tau == pytest.approx(math.sqrt(2 / 75))


def test_estimate_winsorised_at_ten_percent_by_hand() -> None:
    # Sorted z: −3a, −√2·a, −a, 6a. 10th percentile at h = 3 · 0.1 = 0.3: −3a + 0.3 · (3 − √2)·a;
    # 90th at h = 2.7: −a + 0.7 · 7a = 3.9a. The lowest and highest z-scores are pulled in to them.
    low = A * (-3 + 0.3 * (3 - math.sqrt(2)))
    high = 3.9 * A
    winsorised = [low, -A, -math.sqrt(2) * A, high]
    phi = sum(v * v for v in winsorised) / 4
    est = od.estimate(K, N)
    assert est.chi2 == pytest.approx(CHI2)  # the test uses every z-score as it is
    assert est.ratio == pytest.approx(CHI2 / 4)
    assert est.phi == pytest.approx(phi)
    assert est.phi == pytest.approx(1.920462, abs=1e-6)
    assert est.tau2 == pytest.approx((4 * phi - 3) / DL_DENOMINATOR)


def test_tau2_is_zero_when_not_overdispersed() -> None:
    # Every unit exactly at the pooled rate: φ = 0.
    assert od.estimate([2, 4, 6], [10, 20, 30]).tau2 == 0.0
    # 4/10 and 6/10 around 0.5: z² = 0.1²/0.025 = 0.4 each, so Iφ = 0.8 < I − 1 = 1.
    est = od.estimate([4, 6], [10, 10], fraction=0.0)
    assert est.phi == pytest.approx(0.4)
    assert est.tau2 == 0.0
    assert od.between_variance(0.5, [0.01, 0.02]) == 0.0  # Iφ = 1 = I − 1 exactly


def test_tau2_is_dersimonian_laird_without_winsorising() -> None:
    # With w = 1/s² around the pooled rate, Cochran's Q = Σ w (y − ȳ)² with ȳ = Σwy/Σw is Σz²,
    # so τ² is DerSimonian and Laird's estimate, written out here from Q.
    rng = random.Random(11)
    ns = [rng.randint(20, 3000) for _ in range(15)]
    ks = [rng.randint(0, n // 5) for n in ns]
    p0 = sum(ks) / sum(ns)
    w = [n / (p0 * (1 - p0)) for n in ns]
    y = [k / n for k, n in zip(ks, ns)]
    mean = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
    q = sum(wi * (yi - mean) ** 2 for wi, yi in zip(w, y))
    expected = max(0.0, (q - (len(ns) - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    assert od.estimate(ks, ns, fraction=0.0).tau2 == pytest.approx(expected, rel=1e-9)


def test_limits_by_hand() -> None:
    half95 = Z95 * math.sqrt(0.008 + 2 / 75)
    assert od.limits(0.2, 20, 2 / 75, (0.95,))[0.95] == pytest.approx((0.0, 0.2 + half95))  # lower clamped
    half = Z998 * math.sqrt(0.2 * 0.8 / 1000 + 0.0001)
    assert od.limits(0.2, 1000, 0.0001)[0.998] == pytest.approx((0.2 - half, 0.2 + half))
    # Without τ² they are the normal approximation to the binomial limits.
    assert od.limits(0.2, 100, 0.0, (0.95,))[0.95] == pytest.approx((0.2 - Z95 * 0.04, 0.2 + Z95 * 0.04))


@pytest.mark.parametrize("p0", [0.02, 0.0385, 0.3, 0.9])
@pytest.mark.parametrize("n", [2, 50, 262, 3356])
@pytest.mark.parametrize("tau2", [0.0, 1e-5, 0.00026, 0.01])
def test_adjusted_limits_contain_the_unadjusted_and_nest(p0: float, n: int, tau2: float) -> None:
    adjusted = od.limits(p0, n, tau2)
    chance = od.limits(p0, n, 0.0)
    for level in (0.95, 0.998):
        low, high = adjusted[level]
        assert 0.0 <= low <= chance[level][0] <= p0 <= chance[level][1] <= high <= 1.0
    assert adjusted[0.998][0] <= adjusted[0.95][0] and adjusted[0.95][1] <= adjusted[0.998][1]


def test_adjusted_limits_narrow_towards_tau_not_zero() -> None:
    # The random effect keeps the funnel open: as n grows, the half-width falls to z·τ, not to 0.
    widths = [od.limits(0.04, n, 0.0004, (0.95,))[0.95] for n in (100, 1000, 10**6)]
    halves = [high - 0.04 for _, high in widths]
    assert halves[0] > halves[1] > halves[2] > Z95 * 0.02
    assert halves[2] == pytest.approx(Z95 * 0.02, rel=1e-3)


def test_position_by_hand() -> None:
    # 10/20 = 0.5: above 0.2 + 1.96 · √0.008 = 0.375 by chance alone, inside once τ² = 2/75 is added.
    assert od.position(10, 20, 0.2, 0.0, 0.95) == "above"
    assert od.position(10, 20, 0.2, 2 / 75, 0.95) == "inside"
    # 0/1000 is below 0.2 − 1.96 · √(0.00016 + 0.0001) ≈ 0.168, but not below a lower limit clamped at 0.
    assert od.position(0, 1000, 0.2, 0.0001, 0.95) == "below"
    assert od.position(0, 20, 0.2, 2 / 75, 0.95) == "inside"


def test_positions_use_the_units_own_tau2() -> None:
    tau2 = od.estimate(K, N).tau2
    assert od.positions(K, N, 0.95) == [od.position(k, n, 0.2, tau2, 0.95) for k, n in zip(K, N)]
    assert od.positions(K, N, 0.95, fraction=0.0) == [od.position(k, n, 0.2, 2 / 75, 0.95) for k, n in zip(K, N)]


@pytest.mark.parametrize("call, message", [
    (lambda: od.estimate([1], [10]), "overdispersion needs at least two units, got 1"),
    (lambda: od.estimate([1, 2], [10]), "successes and trials must have the same length, got 2 and 1"),
    (lambda: od.estimate([0, 0], [10, 10]), "p0 must lie strictly between 0 and 1, got 0.0"),
    (lambda: od.winsorise([1, 2], 0.5), "fraction must lie in [0, 0.5), got 0.5"),
    (lambda: od.limits(0.2, 10, -1.0), "tau2 must not be negative, got -1.0"),
    (lambda: od.chi2_p_value(3.0, 0), "df must be at least 1, got 0"),
])
def test_bad_input_is_refused(call, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value) == message
