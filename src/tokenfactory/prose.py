"""No typed number in the prose: every figure a reader sees in text is glued from a result.

`typed_numbers(text)` strips what is not prose (glue roles, inline code, link targets, URLs, HTML
tags, list markers, directives) and returns every number left that is not on the short, explicit
allow-list below: names that contain digits (chips, models), claim ids, and dates in citations.
The test `tests/test_prose.py` runs it over book/*.md and every notebook's markdown.
"""

from __future__ import annotations

import re

#: Names that contain digits. Each entry is a regular expression for one family of names.
ALLOWED_NAMES = (
    r"\bC1[0-2]\b|\bC[1-9]\b",                                   # claim ids C1..C12
    r"\b(?:G|D)?[HBA]\d{3}s?\b|\bGB\d{3}s?\b|\bVR\d{3}\b",        # NVIDIA chips: H100(s), H800, B200, GB200
    r"\bMI\d{3}X?\b",                                              # AMD Instinct MI300X
    r"\bTPU ?v?\d+[a-z]*\b|\bTPU\d+x?\b",                          # Google TPU v5e, TPU7x
    r"\b(?:Trainium|Inferentia|Gaudi|Maia|MTIA ?v?)\s?\d+\b",      # other ASICs
    r"\bGPT-\d(?:\.\d)?(?:o|-\d{4})?\b|\bgpt-oss-\d+b\b",          # GPT-4, GPT-4o, gpt-oss-120b
    r"\bLlama \d(?:\.\d)?(?: \d+B)?\b",                            # Llama 3.3 70B
    r"\bDeepSeek-[VR]\d(?:\.\d)?\b",                               # DeepSeek-V3, DeepSeek-R1
    r"\b(?:Gemini|Claude(?: [A-Za-z]+)?|Grok|Qwen|Kimi K|o)\s?\d(?:\.\d)?\b",  # Gemini 2.5, o3
    r"\bP(?:10|50|90)\b",                                          # percentile names
    r"\bMLPerf Inference v\d\.\d\b|\bAI Index (?:19|20)\d{2}\b|\bMiniMax-M\d\b|\ba16z\b",
    r"\b(?:BF|FP|INT)\d+\b|\blog(?:10|2)\b|\bsoft-L1\b",      # number formats, logarithms, a loss
)

#: Method conventions and notation that are not results: a standard error, months per year in an
#: exponent, "1 +" in a formula, a ratio written n:1, FLOPs per parameter. An interval's level is not
#: here: it is a parameter or a source's statement, glued like any number.
ALLOWED_NOTATION = (
    r"±1 standard errors?",
    r"/12\b",
    r"\(1 [+−-] ",
    r":1\b",
    r"\b2 × active parameters\b",
)

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: Dates in citations: ISO dates, "March 2025", "6 Oct 2025", "(2024)", "Epoch AI, 2024",
#: "Jouppi et al., 2017"; and quotations of a source, which cite rather than judge.
ALLOWED_DATES = (
    r"\b[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)*(?: et al\.)?, (?:19|20)\d{2}\b",
    r"\"[^\"]{0,400}\"|“[^”]{0,400}”",
    r"\b(?:19|20)\d{2}-\d{2}(?:-\d{2})?\b",
    rf"\b(?:\d{{1,2}} )?(?:{_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?(?: \d{{1,2}},)? (?:19|20)\d{{2}}\b",
    r"\((?:19|20)\d{2}\)",
    r"\((?:19|20)\d{2}[–-](?:19|20)\d{2}\b",                  # a source's data span: (2006–2021, ...)
)

_STRIP = (
    r"\{glue(?::\w+)?\}`[^`]*`",        # glue roles
    r"\{[a-z]+\}`[^`]*`",               # other roles ({doc}`...`)
    r"```.*?```",                       # fenced blocks
    r"`[^`]*`",                         # inline code
    r"\]\([^)]*\)",                     # link targets
    r"https?://\S+",                    # bare URLs
    r"<[^>]+>",                         # HTML tags
    r"^\s*(?:\d+\.|[-*+])\s",           # list markers
    r"^\s*:[a-z-]+:.*$",                # directive options
    r"^\(.*\)=\s*$",                    # MyST targets
)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def strip_markup(text: str) -> str:
    for pattern in _STRIP:
        text = re.sub(pattern, " ", text, flags=re.S | re.M)
    return text


def typed_numbers(text: str) -> list[str]:
    """Each line fragment holding a typed number that is neither glued nor allowed."""
    clean = strip_markup(text)
    for pattern in ALLOWED_DATES + ALLOWED_NAMES + ALLOWED_NOTATION:
        clean = re.sub(pattern, " ", clean)
    out = []
    for line in clean.splitlines():
        for m in _NUMBER.finditer(line):
            lo, hi = max(0, m.start() - 30), min(len(line), m.end() + 30)
            out.append(line[lo:hi].strip())
    return out


#: Evaluative words that always depend on a result: in the prose they must be glued, never typed.
JUDGEMENT_WORDS = ("barely", "biggest", "negligible", "dominant", "dominates", "still leads", "most sensitive",
                   "matters most", "the main driver")


def typed_judgements(text: str) -> list[str]:
    """Each typed evaluative word of JUDGEMENT_WORDS outside glue, code and quotations."""
    clean = strip_markup(text)
    clean = re.sub(r"\"[^\"]{0,400}\"|“[^”]{0,400}”", " ", clean)
    out = []
    for word in JUDGEMENT_WORDS:
        for m in re.finditer(rf"\b{re.escape(word)}\b", clean, flags=re.I):
            out.append(clean[max(0, m.start() - 40):m.end() + 40].replace("\n", " ").strip())
    return out
