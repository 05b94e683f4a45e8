"""A pydantic/genai-prices provider file (prices/providers/<id>.yml, or the same as JSON) -> api_prices.

Each model of the file becomes a price "current" on its `prices_checked` date (date_basis page_date:
the date the maintainers checked the provider's page; an upper bound, not a change date), with
uncached input, output and cache-read prices in USD per million tokens. Where `prices` is a list
(time-of-day or date constraints) the standard price is read (`standard_price`); a tiered price (long-context
tiers) is read at its base tier. A model without `prices_checked` needs --as-of.

Provider ids are named as in the table by the declaration below (else the file's `name`); model
names are mapped to models.csv by exact name (after normalising spelling) and the aliases below;
models not in models.csv are skipped and listed. One file is one provider at its check dates: rows of
other providers, other events or other dates are never removed.
"""

from __future__ import annotations

import dataclasses
import json

import yaml

from .base import Field, ProducerFileError, Mapping, Problem, Record, iso_date, number, text

PROVIDERS = {
    "openai": "OpenAI", "anthropic": "Anthropic", "google": "Google", "deepseek": "DeepSeek",
    "mistral": "Mistral AI", "x_ai": "xAI", "groq": "Groq", "together": "Together AI",
    "fireworks": "Fireworks", "cerebras": "Cerebras", "moonshotai": "Moonshot AI", "aws": "Amazon Bedrock",
    "novita": "Novita", "huggingface_novita": "Novita", "huggingface_nebius": "Nebius",
    "huggingface_hyperbolic": "Hyperbolic", "huggingface_sambanova": "SambaNova",
    "huggingface_together": "Together AI", "huggingface_fireworks-ai": "Fireworks",
    "huggingface_groq": "Groq", "huggingface_cerebras": "Cerebras",
}

#: genai-prices model ids -> models.csv names (besides the ids already quoted in api_prices' notes,
#: "prices/providers/together.yml, model meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo, ...")
ALIASES = {
    "meta-llama/Llama-3.3-70B-Instruct-Turbo": "Llama 3.3 70B",
    "meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo": "Llama 3.3 70B",
    "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo": "Llama 3.1 70B",
    "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo": "Llama 3.1 405B",
    "mistralai/Mixtral-8x7B-Instruct-v0.1": "Mixtral 8x7B",
    "deepseek-ai/DeepSeek-V3": "DeepSeek-V3", "deepseek-ai/DeepSeek-R1": "DeepSeek-R1",
    "openai/gpt-oss-120b": "gpt-oss-120b",
}

MAPPING = Mapping(
    name="genai-prices", producer="pydantic/genai-prices", table="api_prices",
    detect=("id", "models"),
    fields=(
        Field("provider", "provider", text, if_empty="skip"),
        Field("model", "name", text, if_empty="skip"),
        Field("date", "prices_checked", iso_date, if_empty="skip"),
        Field("input_usd_per_mtok", "input_mtok", number),
        Field("output_usd_per_mtok", "output_mtok", number),
        Field("cached_input_usd_per_mtok", "cache_read_mtok", number),
        Field("source_url", "source_url", text),
    ),
    constants={"date_precision": "day", "event": "current", "date_basis": "page_date"},
    source_url="https://github.com/pydantic/genai-prices",
    owner="github.com/pydantic/genai-prices",
    match_on=("provider", "model", "date"),
    model_field="model", aliases=ALIASES, snapshot=True,
    alt_names=("display",),
    learned_ids=r"\.yml, model (\S+?),?\s",
    date_source="prices_checked",
    record_id="id",
    note="genai-prices model id {id}: price seen on the provider's page as checked by genai-prices "
         "(prices_checked {as_of}), imported from {file}; an upper bound on the date the price took effect.",
)

MAPPINGS = (MAPPING,)


def _minutes(t) -> int:
    """Minutes after midnight of "00:30:00Z" (YAML may also give it as seconds, sexagesimal)."""
    if isinstance(t, int):
        return (t // 60) % 1440
    hh, mm = str(t).rstrip("Z").split(":")[:2]
    return int(hh) * 60 + int(mm)


def standard_price(entries: list, checked: str) -> dict:
    """The standard price among conditional ones: of the entries in effect on the check date (a
    `start_date` constraint after it is not yet in effect; the latest start wins), the one that
    applies for most of the day. genai-prices lists DeepSeek's off-peak price first, unconstrained,
    and the standard price with a time window (UTC 00:30-16:30): the window covers 16 hours, so the
    standard price is the one read."""
    dicts = [e for e in entries if isinstance(e, dict)]
    dated = [e for e in dicts if isinstance(e.get("constraint"), dict) and e["constraint"].get("start_date")]
    if dated:
        live = [e for e in dated if not checked or str(e["constraint"]["start_date"]) <= checked]
        if live:
            return max(live, key=lambda e: str(e["constraint"]["start_date"])).get("prices", {})
    timed, plain = [], []
    for e in dicts:
        c = e.get("constraint")
        if isinstance(c, dict) and c.get("start_time") is not None and c.get("end_time") is not None:
            span = (_minutes(c["end_time"]) - _minutes(c["start_time"])) % 1440
            timed.append((span, e))
        elif not c:
            plain.append(e)
    options = timed + [(1440 - sum(span for span, _ in timed), e) for e in plain[:1]]
    if not options:
        return {}
    return max(options, key=lambda o: o[0])[1].get("prices", {})


def _base(v):
    """A price: a number, or a tiered price {base: x, tiers: [...]} read at its base tier."""
    if isinstance(v, dict):
        return v.get("base")
    return v


def _load(path):
    raw = path.read_text(encoding="utf-8")
    lines: list[dict[str, int]] = []
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw)
        else:
            data = yaml.safe_load(raw)
            node = yaml.compose(raw)
            for k, v in (node.value if isinstance(node, yaml.MappingNode) else []):
                if k.value == "models" and isinstance(v, yaml.SequenceNode):
                    lines = [_lines(item) for item in v.value]
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else getattr(exc, "lineno", None)
        raise ProducerFileError([Problem(path.name, line, None, None, f"not valid YAML/JSON: {exc}")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise ProducerFileError([Problem(path.name, None, "models", None, "expected a genai-prices provider file "
                                   "(keys id, name, pricing_urls, models)")])
    return data, lines


def _lines(item) -> dict[str, int]:
    """Line of each key of one model (prices flattened to their names), from the YAML node."""
    out = {"": item.start_mark.line + 1}

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                out.setdefault(str(k.value), k.start_mark.line + 1)
                walk(v)
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value[:1]:  # the unconstrained (first) price entry
                walk(v)

    walk(item)
    return out


def read(path, mapping):
    data, lines = _load(path)
    pid = str(data.get("id") or path.stem)
    provider = PROVIDERS.get(pid) or str(data.get("name") or pid)
    urls = data.get("pricing_urls") or ([data["pricing_url"]] if data.get("pricing_url") else [])
    page = f"https://github.com/pydantic/genai-prices/blob/main/prices/providers/{pid}.yml"
    source = " ; ".join([*(str(u) for u in urls[:1]), page])
    records = []
    for i, m in enumerate(data["models"]):
        where = lines[i] if i < len(lines) else {}
        line = where.get("")
        if not isinstance(m, dict):
            raise ProducerFileError([Problem(path.name, line, f"models[{i}]", None, "expected a mapping")])
        prices = m.get("prices")
        if isinstance(prices, list):
            prices = standard_price(prices, str(m.get("prices_checked") or ""))
        prices = prices if isinstance(prices, dict) else {}
        values = {"id": str(m.get("id", "")), "name": str(m.get("id") or m.get("name") or ""),
                  "display": str(m.get("name") or ""), "provider": provider, "source_url": source,
                  "prices_checked": "" if m.get("prices_checked") is None else str(m.get("prices_checked"))}
        for key in ("input_mtok", "output_mtok", "cache_read_mtok"):
            v = _base(prices.get(key))
            values[key] = "" if v is None else str(v)
        records.append(Record(line, values, {k: v for k, v in where.items() if k}))
    scoped = dataclasses.replace(mapping, scope={"provider": provider, "event": "current"})
    return scoped, records


def sniff(path) -> set[str]:
    try:
        data, _ = _load(path)
    except ProducerFileError:
        return set()
    return set(data)
