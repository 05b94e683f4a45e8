"""Parameters of the claims ledger."""

from __future__ import annotations

from ..params_base import ChapterParams, param


class Params(ChapterParams):
    strict_verdicts: bool = param(False, unit="true/false",
                                  meaning="Require every sub-test of a claim to pass for 'supported'")
