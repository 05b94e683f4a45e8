"""Chapter `inference_tax`: its parameters (params.py) and its analysis."""
