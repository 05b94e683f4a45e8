"""Chapter `flywheel`: its parameters (params.py) and its analysis."""
