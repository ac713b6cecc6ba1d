"""Upper-tail probabilities for the spike test, in plain Python.

Scalar calls to scipy cost tens of microseconds each in overhead alone; these
continued fractions cost about as much only on the rare buckets that pass the
cheap normal pre-screen, so the detector stays dependency-free and fast.
"""

from __future__ import annotations

import math

__all__ = ["gamma_log_sf", "negbin_log_sf"]

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITER = 300


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITER + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def _log_betainc(a: float, b: float, x: float) -> float:
    """Natural log of the regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return -math.inf
    if x >= 1.0:
        return 0.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return log_front + math.log(max(_betacf(a, b, x), _TINY)) - math.log(a)
    rest = math.exp(log_front) * _betacf(b, a, 1.0 - x) / b
    return math.log(max(1.0 - rest, _TINY))


def negbin_log_sf(x: float, mean: float, dispersion: float) -> float:
    """log P(X >= x) for a negative binomial with Var = mean + dispersion * mean**2."""
    k = math.ceil(x - 1e-9)
    if k <= 0:
        return 0.0
    if mean <= 0.0:
        return math.log(_TINY)
    r = 1.0 / max(dispersion, 1e-6)
    return _log_betainc(float(k), r, mean / (r + mean))


def _log_gammq_series(a: float, x: float) -> float:
    """log Q(a, x) via the series for P, for x < a + 1 (Q is not tiny there)."""
    ap, total = a, 1.0 / a
    term = total
    for _ in range(_MAX_ITER * 3):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    p = total * math.exp(-x + a * math.log(x) - math.lgamma(a))
    return math.log(max(1.0 - p, _TINY))


def _log_gammq_cf(a: float, x: float) -> float:
    """log Q(a, x) via its continued fraction, for x >= a + 1 (the tail)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER + 1):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return -x + a * math.log(x) - math.lgamma(a) + math.log(max(h, _TINY))


def gamma_log_sf(x: float, mean: float, dispersion: float) -> float:
    """log P(X >= x) for a gamma law with Var = dispersion * mean**2 (continuous series)."""
    if x <= 0.0:
        return 0.0
    if mean <= 0.0:
        return math.log(_TINY)
    shape = 1.0 / max(dispersion, 1e-9)
    y = x * shape / mean
    if shape > 200.0:
        # Wilson-Hilferty: accurate to a few per cent in the tail for large shapes.
        z = ((y / shape) ** (1.0 / 3.0) - (1.0 - 1.0 / (9.0 * shape))) / math.sqrt(
            1.0 / (9.0 * shape)
        )
        return _log_normal_sf(z)
    if y < shape + 1.0:
        return _log_gammq_series(shape, y)
    return _log_gammq_cf(shape, y)


def _log_normal_sf(z: float) -> float:
    """log of the standard normal upper tail, stable far out."""
    if z < 5.0:
        return math.log(max(0.5 * math.erfc(z / math.sqrt(2.0)), _TINY))
    # Mills ratio asymptotic expansion.
    return -0.5 * z * z - math.log(z * math.sqrt(2.0 * math.pi)) + math.log1p(-1.0 / (z * z))
