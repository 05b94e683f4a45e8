"""Parameters of this chapter (placeholder until the chapter lands)."""

from __future__ import annotations

from ..params_base import ChapterParams


class Params(ChapterParams):
    pass
