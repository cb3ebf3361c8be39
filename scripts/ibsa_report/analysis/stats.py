"""Proportions, Wilson intervals and exact binomial funnel-plot limits.

All functions are pure: no I/O, no printing.

Formulas (k successes out of n trials, p̂ = k/n):

* Rate: p̂ = k / n.  Pooled rate: Σk / Σn.
* Wilson score interval at level L, with z = Φ⁻¹(1 − (1 − L)/2):
  centre = (p̂ + z²/2n) / (1 + z²/n),
  half   = z·√(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n),
  interval = [centre − half, centre + half], clamped to [0, 1]
  (exactly 0 when k = 0 and exactly 1 when k = n).
* Exact binomial funnel limit for a target proportion p0 at tail probability
  p (Spiegelhalter 2005, Statistics in Medicine 24:1185–1202, appendix), with
  F the Binomial(n, p0) CDF:
  r_p = smallest integer r with F(r) ≥ p,
  α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),
  limit = (r_p − α) / n,
  clamped at 0 (r_p = 0 can interpolate below it); p0 ∈ {0, 1} gives p0.
  The limits at level L are (limit at (1 − L)/2, limit at 1 − (1 − L)/2);
  a unit is "above" / "below" when k/n lies strictly outside them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import Literal

import pandas as pd

Position = Literal["above", "below", "inside"]

CONFIDENCE = 0.95  # level of every confidence interval the report shows

__all__ = [
    "CONFIDENCE",
    "Position",
    "binomial_limit",
    "classify",
    "with_rates_and_positions",
    "funnel_limits",
    "funnel_position",
    "outcome_shares",
    "pooled_rate",
    "rate",
    "wilson_interval",
]


def _check_counts(k: int, n: int) -> None:
    """Raise ValueError unless 0 <= k <= n and n > 0."""
    if n <= 0:
        raise ValueError(f"n must be a positive number of trials, got n={n}")
    if k < 0:
        raise ValueError(f"k must be non-negative, got k={k}")
    if k > n:
        raise ValueError(f"k must not exceed n, got k={k} > n={n}")


def _check_level(level: float) -> None:
    """Raise ValueError unless 0 < level < 1."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}")


def rate(k: int, n: int) -> float:
    """Return the proportion k/n."""
    _check_counts(k, n)
    return k / n


def wilson_interval(k: int, n: int, level: float = CONFIDENCE) -> tuple[float, float]:
    """Return the Wilson score interval (low, high) for k successes in n trials."""
    _check_counts(k, n)
    _check_level(level)
    z = NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)
    p_hat = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p_hat + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p_hat * (1.0 - p_hat) / n + z2 / (4.0 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def pooled_rate(successes: Sequence[int], trials: Sequence[int]) -> float:
    """Return Σsuccesses / Σtrials."""
    if len(successes) != len(trials):
        raise ValueError(
            "successes and trials must have the same length, "
            f"got {len(successes)} and {len(trials)}"
        )
    if len(trials) == 0:
        raise ValueError("cannot pool an empty sequence of counts")
    total = sum(trials)
    if total == 0:
        raise ValueError("total number of trials is zero")
    return sum(successes) / total


def binomial_limit(p0: float, n: int, prob: float) -> float:
    """Return the interpolated exact binomial funnel limit (Spiegelhalter 2005).

    Implements the appendix formula stated in the module docstring, with
    F(r_p) − F(r_p − 1) computed as the pmf at r_p and, for prob > 0.5,
    F(r_p) − prob as (1 − prob) − P(R > r_p); both are algebraically identical
    to the published expressions but avoid cancellation near 1. Two edge
    cases go beyond the paper: when r_p = 0 the interpolation can give a
    value in (−1/n, 0), which is clamped to 0 (a proportion cannot be
    negative); and for the degenerate targets p0 = 0 and p0 = 1 every limit
    is p0 itself.

    Args:
        p0: Target proportion, in [0, 1].
        n: Number of trials (denominator), at least 1.
        prob: Cumulative tail probability, in (0, 1), e.g. 0.025 or 0.975.

    Returns:
        The control limit on the proportion scale, in [0, 1].
    """
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"p0 must lie in [0, 1], got {p0}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got n={n}")
    if not 0.0 < prob < 1.0:
        raise ValueError(f"prob must lie strictly between 0 and 1, got {prob}")
    if p0 in (0.0, 1.0):
        return float(p0)

    from scipy.stats import binom  # here, not at the top: importing scipy.stats costs half a second

    # Smallest r with F(r) >= prob; ppf can be off by one in floating point.
    r = int(binom.ppf(prob, n, p0))
    while r > 0 and binom.cdf(r - 1, n, p0) >= prob:
        r -= 1
    while r < n and binom.cdf(r, n, p0) < prob:
        r += 1

    if prob > 0.5:
        excess = (1.0 - prob) - float(binom.sf(r, n, p0))
    else:
        excess = float(binom.cdf(r, n, p0)) - prob
    alpha = excess / float(binom.pmf(r, n, p0))
    return min(1.0, max(0.0, (r - alpha) / n))


def funnel_limits(
    p0: float, n: int, levels: Sequence[float] = (0.95, 0.998)
) -> dict[float, tuple[float, float]]:
    """Return {level: (lower, upper)} exact binomial funnel limits at size n."""
    limits: dict[float, tuple[float, float]] = {}
    for level in levels:
        _check_level(level)
        tail = (1.0 - level) / 2.0
        limits[level] = (
            binomial_limit(p0, n, tail),
            binomial_limit(p0, n, 1.0 - tail),
        )
    return limits


def classify(observed: float, lower: float, upper: float) -> Position:
    """Place a rate against its limits: "above" or "below" when strictly outside them, else "inside"."""
    if observed > upper:
        return "above"
    if observed < lower:
        return "below"
    return "inside"


def funnel_position(k: int, n: int, p0: float, level: float = 0.998) -> Position:
    """Classify k/n as above, below or inside the funnel around p0 at level."""
    return classify(rate(k, n), *funnel_limits(p0, n, (level,))[level])


def outcome_shares(counts: Mapping[str, int]) -> dict[str, float]:
    """Return each count as a share of the total, keeping keys and order."""
    negative = [key for key, value in counts.items() if value < 0]
    if negative:
        raise ValueError(f"counts must be non-negative, got negative for {negative}")
    total = sum(counts.values())
    if total == 0:
        raise ValueError("total of counts is zero; shares are undefined")
    return {key: value / total for key, value in counts.items()}


def level_suffix(level: float) -> str:
    """Return the column suffix for a level: 0.95 -> '95', 0.998 -> '998'."""
    return f"{level * 100:.10g}".replace(".", "")


def with_rates_and_positions(
    frame: pd.DataFrame,
    *,
    k: str = "charged_summonsed",
    n: str = "recorded_offences",
    levels: Sequence[float] = (0.95, 0.998),
) -> pd.DataFrame:
    """Return a copy of frame with rate, Wilson 95% CI and funnel positions.

    Adds ``rate``, ``ci_low``, ``ci_high`` and one ``position_<level>`` column
    per level (0.95 -> ``position_95``), each relative to the pooled rate of
    the whole frame. The input is not modified and row order is kept.
    """
    for level in levels:
        _check_level(level)
    out = frame.copy()
    ks = [int(value) for value in frame[k]]
    ns = [int(value) for value in frame[n]]
    p0 = pooled_rate(ks, ns)
    intervals = [wilson_interval(ki, ni) for ki, ni in zip(ks, ns)]
    out["rate"] = [rate(ki, ni) for ki, ni in zip(ks, ns)]
    out["ci_low"] = [low for low, _ in intervals]
    out["ci_high"] = [high for _, high in intervals]
    for level in levels:
        out[f"position_{level_suffix(level)}"] = [
            funnel_position(ki, ni, p0, level) for ki, ni in zip(ks, ns)
        ]
    return out
