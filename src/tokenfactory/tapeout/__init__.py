"""Chapter `tapeout`: its parameters (params.py) and its analysis."""
