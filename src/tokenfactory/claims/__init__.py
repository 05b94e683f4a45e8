"""Chapter `claims`: its parameters (params.py) and its analysis."""
