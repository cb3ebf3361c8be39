"""Overdispersion in a funnel plot of proportions: test for it, estimate it, widen the limits by it.

All functions are pure: no I/O, no printing. The method is Spiegelhalter's (2005, Statistics in
Medicine 24:1185–1202, section on over-dispersion; and Quality and Safety in Health Care 14:347–351),
on the proportion scale, for I units with k_i successes out of n_i trials around a target p0:

* Standard error under the target: s_i² = p0(1 − p0)/n_i.  z-score: z_i = (k_i/n_i − p0)/s_i.
* Test: Pearson's χ² = Σ z_i², referred to the χ² distribution on I − 1 degrees of freedom
  (one is lost because p0 is the pooled rate of the same units); p = P(χ²_{I−1} ≥ χ²).
* Winsorisation at fraction f (0.1): every z_i below the 100f-th percentile of the z-scores is set to
  that percentile, and every z_i above the 100(1 − f)-th to that one. Percentiles interpolate linearly
  between order statistics: for sorted x_(0) ≤ … ≤ x_(I−1), the q-th quantile is at h = (I − 1)q,
  x_(⌊h⌋) + (h − ⌊h⌋)(x_(⌊h⌋+1) − x_(⌊h⌋)) (numpy's default, R's type 7).
* Overdispersion factor: φ̂ = (1/I) Σ z_i², over the winsorised z-scores.
* Between-unit variance (additive random effects, DerSimonian–Laird form), with w_i = 1/s_i²:
  τ̂² = (Iφ̂ − (I − 1)) / (Σw_i − Σw_i²/Σw_i), and τ̂² = 0 when Iφ̂ ≤ I − 1.
* Limits at level L, with z_L = Φ⁻¹(1 − (1 − L)/2): p0 ± z_L·√(s² + τ̂²) at size n, clamped to
  [0, 1]; a unit is "above" / "below" when k/n lies strictly outside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ibsa_report.analysis import stats

WINSOR_FRACTION = 0.1  # the share of z-scores pulled in at each end before φ is estimated

__all__ = [
    "WINSOR_FRACTION",
    "Overdispersion",
    "between_variance",
    "chi2_p_value",
    "dispersion_factor",
    "estimate",
    "limits",
    "pearson_chi2",
    "position",
    "positions",
    "variances",
    "winsorise",
    "z_scores",
]


@dataclass(frozen=True)
class Overdispersion:
    """The overdispersion test and estimates for a set of units around their pooled rate."""

    units: int
    pooled: float
    chi2: float
    df: int
    p_value: float
    ratio: float  # (1/I) Σ z², before winsorising: how many times chance alone the spread is
    phi: float  # φ̂, from the winsorised z-scores
    tau2: float  # τ̂², on the proportion scale

    @property
    def tau(self) -> float:
        """Return τ̂, the standard deviation of the units' underlying rates."""
        return math.sqrt(self.tau2)


def _check_units(successes: Sequence[int], trials: Sequence[int]) -> None:
    """Raise ValueError unless there are at least two units, each with valid counts."""
    if len(successes) != len(trials):
        raise ValueError(f"successes and trials must have the same length, got {len(successes)} and {len(trials)}")
    if len(trials) < 2:
        raise ValueError(f"overdispersion needs at least two units, got {len(trials)}")
    for k, n in zip(successes, trials):
        stats.rate(k, n)


def variances(p0: float, trials: Sequence[int]) -> list[float]:
    """Return each unit's variance under the target, s_i² = p0(1 − p0)/n_i."""
    if not 0.0 < p0 < 1.0:
        raise ValueError(f"p0 must lie strictly between 0 and 1, got {p0}")
    return [p0 * (1.0 - p0) / n for n in trials]


def z_scores(successes: Sequence[int], trials: Sequence[int], p0: float) -> list[float]:
    """Return each unit's z-score, (k_i/n_i − p0)/s_i."""
    return [(k / n - p0) / math.sqrt(v) for k, n, v in zip(successes, trials, variances(p0, trials))]


def winsorise(values: Sequence[float], fraction: float = WINSOR_FRACTION) -> list[float]:
    """Clamp values to their fraction and 1 − fraction percentiles (linear interpolation), keeping order."""
    if not 0.0 <= fraction < 0.5:
        raise ValueError(f"fraction must lie in [0, 0.5), got {fraction}")
    low, high = (float(q) for q in np.quantile(np.asarray(values, dtype=float), [fraction, 1.0 - fraction]))
    return [min(max(float(v), low), high) for v in values]


def pearson_chi2(z: Sequence[float]) -> float:
    """Return Pearson's χ² statistic, Σ z_i²."""
    return float(sum(v * v for v in z))


def chi2_p_value(statistic: float, df: int) -> float:
    """Return P(χ²_df ≥ statistic), the test's p-value."""
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    from scipy.stats import chi2  # here, not at the top: importing scipy.stats costs half a second

    return float(chi2.sf(statistic, df))


def dispersion_factor(z: Sequence[float]) -> float:
    """Return φ̂ = (1/I) Σ z_i² (pass winsorised z-scores for Spiegelhalter's robust estimate)."""
    if not z:
        raise ValueError("cannot estimate φ from no z-scores")
    return pearson_chi2(z) / len(z)


def between_variance(phi: float, unit_variances: Sequence[float]) -> float:
    """Return τ̂² = (Iφ̂ − (I − 1)) / (Σw − Σw²/Σw), w_i = 1/s_i², or 0 when Iφ̂ ≤ I − 1."""
    units = len(unit_variances)
    if units < 2:
        raise ValueError(f"τ² needs at least two units, got {units}")
    excess = units * phi - (units - 1)
    if excess <= 0.0:
        return 0.0
    w = [1.0 / v for v in unit_variances]
    return excess / (sum(w) - sum(x * x for x in w) / sum(w))


def estimate(successes: Sequence[int], trials: Sequence[int], fraction: float = WINSOR_FRACTION) -> Overdispersion:
    """Test the units for overdispersion around their pooled rate and estimate φ̂ and τ̂²."""
    _check_units(successes, trials)
    successes, trials = [int(k) for k in successes], [int(n) for n in trials]
    p0 = stats.pooled_rate(successes, trials)
    z = z_scores(successes, trials, p0)
    statistic = pearson_chi2(z)
    units = len(z)
    phi = dispersion_factor(winsorise(z, fraction))
    return Overdispersion(
        units=units, pooled=p0, chi2=statistic, df=units - 1, p_value=chi2_p_value(statistic, units - 1),
        ratio=statistic / units, phi=phi, tau2=between_variance(phi, variances(p0, trials)),
    )


def limits(p0: float, n: int, tau2: float, levels: Sequence[float] = (0.95, 0.998)) -> dict[float, tuple[float, float]]:
    """Return {level: (lower, upper)} limits p0 ± z_L·√(p0(1 − p0)/n + τ²) at size n, within [0, 1]."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got n={n}")
    if tau2 < 0.0:
        raise ValueError(f"tau2 must not be negative, got {tau2}")
    spread = math.sqrt(variances(p0, [n])[0] + tau2)
    out: dict[float, tuple[float, float]] = {}
    for level in levels:
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must lie strictly between 0 and 1, got {level}")
        half = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0) * spread
        out[level] = (max(0.0, p0 - half), min(1.0, p0 + half))
    return out


def position(k: int, n: int, p0: float, tau2: float, level: float = 0.998) -> stats.Position:
    """Classify k/n as above, below or inside the overdispersed limits around p0 at level."""
    return stats.classify(stats.rate(k, n), *limits(p0, n, tau2, (level,))[level])


def positions(successes: Sequence[int], trials: Sequence[int], level: float = 0.998,
              fraction: float = WINSOR_FRACTION) -> list[stats.Position]:
    """Place each unit against the limits at level widened by the units' own τ̂², around their pooled rate."""
    est = estimate(successes, trials, fraction)
    return [position(int(k), int(n), est.pooled, est.tau2, level) for k, n in zip(successes, trials)]
