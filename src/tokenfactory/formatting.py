"""Numbers as a reader sees them: significant figures, words for large scales, percentages.

One module for every chapter's text, importing neither IPython nor Altair, so that the science (the
verdict rules, a chapter's sentences) can format a number without pulling in the notebook layer.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_SCALES = ((1e15, "quadrillion"), (1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def round_sig(value: float, sig: int = 2) -> float:
    """`value` rounded to `sig` significant figures, halves away from zero (125 -> 130, as a reader
    expects; Python's `round` would give 120, rounding halves to even)."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = int(math.floor(math.log10(abs(value)))) - sig + 1
    quantum = Decimal(1).scaleb(exponent)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def fmt(value: Any, sig: int = 2, unit: str = "", pct: bool = False) -> str:
    """A number as a reader should see it: two significant figures, words for large scales.

    `pct=True` shows a fraction as a percentage (0.35 -> "35%").
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, str):
        return value
    if pct:
        return f"{_plain(round_sig(float(value) * 100, sig))}%"
    v = round_sig(float(value), sig)
    for scale, word in _SCALES:
        if abs(v) >= scale:
            text = f"{_plain(round_sig(v / scale, sig))} {word}"
            break
    else:
        text = _plain(v)
    if abs(v) == 1:
        unit = _singular(unit)
    return f"{text} {unit}".strip()


def _singular(unit: str) -> str:
    """'points' -> 'point', 'tokens per year' -> 'token per year': for a value of exactly one."""
    head, sep, tail = unit.partition(" per ")
    words = head.split(" ")
    if words and words[-1].endswith("s") and not words[-1].endswith("ss") and len(words[-1]) > 2:
        words[-1] = words[-1][:-1]
    return " ".join(words) + sep + tail


def _plain(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.6f}".rstrip("0").rstrip(".")
