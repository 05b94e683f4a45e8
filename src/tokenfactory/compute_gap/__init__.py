"""Chapter `compute_gap`: parameters (params.py), the model gap (frontier.py), leadership windows
(leadership.py), spending and training compute (compute.py), the chapter (chapter.py) and its charts
(figures.py)."""
