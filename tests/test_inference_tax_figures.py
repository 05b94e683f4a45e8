"""Every chart of the chapter builds a valid Vega-Lite spec from a real Result, and its title states
a number from that Result (titles follow the data, they are not typed)."""

import pytest

from tokenfactory.inference_tax import chapter, figures
from tokenfactory.inference_tax.params import Params


@pytest.fixture(scope="module")
def result():
    from tokenfactory.data import load
    inputs = chapter.load(load)
    return chapter.compute(Params(mc_draws=500), inputs), inputs


@pytest.mark.parametrize("name", ["decomposition_r", "utilization_r", "breakeven_r", "parity_r", "frontier_r",
                                  "comparison_r", "measured_r", "market_r", "price_r", "monte_carlo_r", "tornado_r"])
def test_every_chart_builds_a_valid_spec(result, name):
    r, _ = result
    spec = getattr(figures, name)(r).to_dict()   # to_dict validates against the Vega-Lite schema
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_live_chart_defaults_to_the_page_settings(result):
    r, inputs = result
    spec = figures.live_cost(chapter.live_grid(r, inputs), chapter.live_defaults(r)).to_dict()
    values = {prm["name"]: prm.get("value") for prm in spec.get("params", []) if "value" in prm}
    assert values["acc"] == r.p.accelerator and values["speed"] == r.p.tokens_per_second_per_user


def test_frontier_title_states_the_throughput(result):
    r, _ = result
    from tokenfactory.nb import fmt
    title = str(figures.frontier_r(r).to_dict())
    assert fmt(r.serving["output_tokens_per_s_per_chip"]) in title


def test_texts_and_glued_values_never_share_a_key(result):
    """Both are glued as `<key>_txt`: a shared key would be glued twice (a build error)."""
    r, _ = result
    assert not set(chapter.texts(r)) & set(chapter.glue_values(r))
