"""data/claims.yaml: the article's claims, validated; a corrupted file is refused with a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tokenfactory import paths
from tokenfactory.claims import ledger
from tokenfactory.claims.rules import RULES

#: The claims table of the domain guide, copied into the repository (tests read nothing outside it).
DOMAIN = Path(__file__).parent / "fixtures" / "domain_claims.md"


def _raw() -> dict:
    return yaml.safe_load((paths.data_dir() / "claims.yaml").read_text(encoding="utf-8"))


def test_the_ledger_loads_the_domain_guides_claims_in_order():
    """Ids in order C1..Cn and the same claims as the domain guide's table (tests/fixtures), whatever n is."""
    led = ledger.load()
    guide = re.findall(r"^\| (C\d+) \|", DOMAIN.read_text(encoding="utf-8"), flags=re.M)
    assert [c.id for c in led.claims] == guide == [f"C{i}" for i in range(1, len(guide) + 1)]


def test_wording_is_the_domain_guides():
    rows = re.findall(r"^\| (C\d+) \| (.+?) \| [^|]+ \|$", DOMAIN.read_text(encoding="utf-8"), flags=re.M)
    expected = dict(rows)
    assert set(expected) == {c.id for c in ledger.load().claims}
    for claim in ledger.load().claims:
        assert claim.claim == expected[claim.id], claim.id


def test_every_claim_has_a_rule_and_lists_what_its_rule_reads():
    for claim in ledger.load().claims:
        assert claim.id in RULES
        missing = set(RULES[claim.id].reads) - set(claim.metrics)
        assert not missing, f"{claim.id}: rule reads {missing} not listed in data/claims.yaml"


def _corrupt(tmp_path: Path, edit) -> Path:
    data = _raw()
    edit(data)
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["claims"][1].update(id="C1"), "duplicate claim id(s): C1"),
    (lambda d: d["claims"][2].update(chapter="compute_gapp"), "claim C3, field chapter"),
    (lambda d: d["claims"][0].update(metrics=["open_lag_months_latest"]), "is not 'chapter.key'"),
    (lambda d: d["claims"][8].update(self_reported_part=""), "must say what rests on the company's word"),
    (lambda d: d["claims"][4].pop("self_reported"), "claim C5, field self_reported: Field required"),
    (lambda d: d["claims"][5].update(verdict="supported"), "claim C6, field verdict: Extra inputs"),
    (lambda d: d["claims"][6].update(id="7"), "claim 7, field id: String should match pattern"),
])
def test_a_corrupted_ledger_is_refused_with_where_and_why(tmp_path, edit, message):
    path = _corrupt(tmp_path, edit)
    with pytest.raises(ledger.ClaimsError) as exc:
        ledger.load(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ledger.ClaimsError, match="file is missing"):
        ledger.load(tmp_path / "nope.yaml")
    bad = tmp_path / "claims.yaml"
    bad.write_text("claims: [\n  - id: C1\n", encoding="utf-8")
    with pytest.raises(ledger.ClaimsError, match="malformed YAML"):
        ledger.load(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ledger.ClaimsError, match="expected a mapping"):
        ledger.load(bad)


def test_the_ledger_table_links_each_claim_to_its_section_and_escapes_text():
    from tokenfactory.claims import evidence, report, rules
    from tokenfactory.claims.params import Params

    verdicts = rules.assess(ledger.load(), evidence.Evidence({}, "none", "none"), Params())
    page = report.ledger_html(verdicts)
    assert 'href="#c9-typical-cycles-and-the-nine-month-tape-out-self-reported"' in page
    assert page.count("<tr>") == len(verdicts) + 1 and "vendor&#x27;s" in page
    assert 'class="tf-verdict-unverifiable">self-reported<' in page  # C12 without evidence


def test_the_articles_figures_are_recorded_with_their_claim_and_set_the_parameters():
    """C9's "18 to 36 months" and C10's "six or three months" are recorded with the claim (figures), each
    under the name of the claims parameter whose default it is; the claim's own wording states each."""
    from tokenfactory.claims.params import Params

    words = {3: "three", 6: "six", 9: "nine", 12: "twelve"}
    seen = 0
    for claim in ledger.load().claims:
        for name, value in claim.figures.items():
            assert name in Params.model_fields, f"{claim.id}: {name} is not a claims parameter"
            assert getattr(Params(), name) == value
            assert str(int(value)) in claim.claim or words.get(int(value), "?") in claim.claim
            seen += 1
    assert seen == 4   # 18, 36 (C9); 6, 3 (C10)
