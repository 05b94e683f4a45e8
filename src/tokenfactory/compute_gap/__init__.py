"""Chapter `compute_gap`: its parameters (params.py) and its analysis."""
