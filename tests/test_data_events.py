"""chip_programs and asic_cycle_statements: every date says what it is, and AI-written wikis are not sources."""

from __future__ import annotations

import pytest

from tokenfactory.data.load import DataError, load, parse, read_raw
from tokenfactory.data.schemas import AI_WIKI_DOMAINS, DATE_KINDS, ai_wiki_urls

TABLES = ("chip_programs", "asic_cycle_statements")


def test_ai_wiki_urls_hand_cases():
    assert ai_wiki_urls("https://grokipedia.com/page/AWS_Trainium") == ["https://grokipedia.com/page/AWS_Trainium"]
    assert ai_wiki_urls("https://www.example.com/a ; https://aiwiki.ai/wiki/x") == ["https://aiwiki.ai/wiki/x"]
    assert ai_wiki_urls("https://sub.aiwiki.ai/x") == ["https://sub.aiwiki.ai/x"]
    # a domain that only contains the name is not the wiki
    assert ai_wiki_urls("https://notaiwiki.ai.example.com/x ; https://example.com/grokipedia.com") == []
    assert ai_wiki_urls(None) == [] and ai_wiki_urls("") == []


@pytest.mark.parametrize("name", TABLES)
def test_an_ai_wiki_source_is_refused_with_its_url(name):
    raw = read_raw(name)
    raw.loc[raw.index[0], "source_url"] = f"https://{AI_WIKI_DOMAINS[0]}/page/x ; https://example.com/a"
    with pytest.raises(DataError) as e:
        parse(name, raw)
    assert "source_url" in str(e.value) and AI_WIKI_DOMAINS[0] in str(e.value)


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("kind", ["target", "inference"])
def test_a_target_or_inference_needs_its_basis(name, kind):
    raw = read_raw(name)
    i = raw.index[0]
    raw.loc[i, "date_kind"], raw.loc[i, "date_basis"] = kind, ""
    with pytest.raises(DataError, match="date_basis"):
        parse(name, raw)
    raw.loc[i, "date_basis"] = "announced by the company on a stated day"
    parse(name, raw)  # with its basis it validates


@pytest.mark.parametrize("name", TABLES)
def test_date_kind_is_required_and_one_of_the_three(name):
    raw = read_raw(name)
    raw.loc[raw.index[0], "date_kind"] = "planned"
    with pytest.raises(DataError, match="date_kind"):
        parse(name, raw)
    raw.loc[raw.index[0], "date_kind"] = ""
    with pytest.raises(DataError, match="date_kind"):
        parse(name, raw)


@pytest.mark.parametrize("name", TABLES)
def test_the_tables_cite_no_ai_wiki_and_every_date_says_what_it_is(name):
    t = load(name)
    assert set(t["date_kind"]) <= set(DATE_KINDS)
    assert not any(ai_wiki_urls(u) for u in t["source_url"])
    assert t.loc[t["date_kind"].isin(["target", "inference"]), "date_basis"].notna().all()


def test_the_claims_chip_has_no_design_start_and_a_targeted_deployment():
    # the OpenAI-Broadcom partnership start is not Jalapeño's design start, and "end of 2026" is a target
    t = load("chip_programs")
    j = t[t["program"] == "OpenAI Jalapeño"].set_index("milestone")
    assert "design_start" not in j.index and "partnership_start" in j.index
    assert j.loc["first_deployment", "date_kind"] == "target"
