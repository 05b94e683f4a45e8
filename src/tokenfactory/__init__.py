"""The Token Factory: data, models and charts behind an executable report book on AI compute."""

__version__ = "0.1.0"
