"""Wording shared by the generated pages: how a value, a cell and a result's name are written.

Every generated page (Reproduce, Data, What changed, Scenarios, comparisons) writes values the same
way through these functions, so that a number reads the same on every page.
"""

from __future__ import annotations

import html

from ..formatting import fmt


def code(text: object) -> str:
    """`text` as inline code in markdown (a backtick inside becomes a quote)."""
    return "`" + str(text).replace("`", "'") + "`"


def cell(text: object) -> str:
    """`text` safe inside a markdown table cell: HTML-escaped, no pipe, on one line."""
    return html.escape(str(text)).replace("|", "&#124;").replace("\n", " ")


def words(text: object) -> str:
    """True/False written as words in generated tables."""
    return str(text).replace("True", "yes").replace("False", "no")


def plain_value(v: object) -> str:
    """A parameter's value for a reader: yes/no for booleans, a list as comma-separated items."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)


def is_number(v: object) -> bool:
    """An int or a float, not a bool."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


#: The results shown side by side on the Scenarios page: (chapter, key, label, kind).
KEY_RESULTS: tuple[tuple[str, str, str, str], ...] = (
    ("compute_gap", "current_lag_months", "Open models' current lag behind closed ones", "months"),
    ("compute_gap", "open_lag_months_latest", "Latest completed open-model catch-up", "months"),
    ("compute_gap", "leadership_window_median_days", "Median time a leader stays first", "days"),
    ("compute_gap", "capex_cagr", "Growth of the leaders' capital spending", "pct_year"),
    ("inference_tax", "cost_per_mtok_gpu_usd", "GPU cost per million output tokens", "usd"),
    ("inference_tax", "cost_per_mtok_asic_usd", "Custom chip cost per million output tokens", "usd"),
    ("inference_tax", "tax_share_gpu", "Chip vendor's margin in the GPU's token cost", "pct"),
    ("inference_tax", "breakeven_tokens_per_year", "Custom chip break-even volume (output tokens)", "tokens_year"),
    ("tapeout", "min_feasible_cycle_months", "Shortest feasible chip cycle", "months"),
    ("tapeout", "nine_month_percentile", "Percentile of the nine months among comparison durations", "percentile"),
    ("flywheel", "crossover_month", "Integrated strategy overtakes merchant chips", "month"),
    ("flywheel", "cost_per_mtok_ratio_y5", "Integrated / merchant cost per token, year 5", "ratio"),
    ("flywheel", "cumulative_advantage_y5_usd_bn", "Cumulative advantage of integration by year 5", "usd_bn"),
    ("claims", "claims_supported", "Claims supported", "count"),
    ("claims", "claims_partly", "Claims partly supported", "count"),
    ("claims", "claims_not_supported", "Claims not supported", "count"),
)


def show_result(value: object, kind: str) -> str:
    """A result written for a reader by its kind (one of the kinds of `KEY_RESULTS`; any other: a
    number at three significant figures); None is "n/a"."""
    if value is None or isinstance(value, str):
        return "n/a" if value is None else str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "months":
        return fmt(value, unit="months")
    if kind == "days":
        return fmt(value, unit="days")
    if kind == "month":
        return f"month {fmt(value, sig=3)}"
    if kind == "percentile":  # already on a 0-100 scale (not a share)
        return f"percentile {fmt(value, sig=2)}"
    if kind == "pct":
        return fmt(value, pct=True)
    if kind == "pct_year":
        return fmt(value, pct=True) + " a year"
    sign = "−" if is_number(value) and value < 0 else ""  # "−$8.3 billion", not "$-8.3 billion"
    if kind == "usd":
        return sign + "$" + fmt(abs(value))
    if kind == "usd_bn":
        return sign + "$" + fmt(abs(value)) + " billion"
    if kind == "tokens_year":
        return fmt(value, unit="tokens a year")
    if kind == "ratio":
        return fmt(value) + "×"
    if kind == "count":
        return str(int(value)) if float(value).is_integer() else fmt(value)
    return fmt(value)


#: Words for the parts of result keys, to name a result in a sentence when no label is known.
KEY_WORDS = {"usd": "USD", "bn": "billion", "mtok": "per million tokens", "cagr": "annual growth",
             "gpu": "GPU", "asic": "custom chip", "y5": "in year 5", "n": "number of", "eci": "ECI", "p": "p-value",
             "pct": "percent", "tol": "tolerance", "c1": "C1"}


def result_label(chapter: str, key: str) -> str:
    """A result's name for a reader: the Scenarios page's label, a claim's title for a verdict,
    else the key in words ("capex_cagr" -> "capex annual growth")."""
    for cid, k, label, _ in KEY_RESULTS:
        if (cid, k) == (chapter, key):
            return label
    if key.startswith("verdict_"):
        try:
            from ..claims import ledger

            claim = ledger.load().by_id().get(key.removeprefix("verdict_").upper())
            if claim is not None:
                return f"Verdict on {claim.id} ({claim.title})"
        except Exception:  # noqa: BLE001 - a label is a convenience
            pass
    text = " ".join(KEY_WORDS.get(w, w) for w in key.split("_"))
    return text[:1].upper() + text[1:]
