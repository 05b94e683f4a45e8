"""The book's data: sourced tables in data/, typed and checked against their schemas."""

from .load import DataError, Problem, check_all, coverage_end, load, read_raw, source_caption
from .schemas import TABLES

__all__ = ["DataError", "Problem", "TABLES", "check_all", "coverage_end", "load", "read_raw", "source_caption"]
