"""The build: everything that turns the chapters into a book, and nothing the chapters compute with.

- `pipeline` executes the chapters (papermill, in parallel, `kernels`), keyed by `cache`, and
  publishes each scenario's site in one atomic swap; `buildstate` and `hashing` keep its state.
- Site assembly: `assembly` lays out the book's source tree; the generated pages are made by
  `reproduce_page`, `data_page`, `changes_page`, `scenarios_page` and `compare` (comparison pages),
  with `pagetext` (shared wording) and `footer` (edition, repository, citation).
- Sphinx: `sitework` (incremental builds in a warm worker, `sphinx_worker`) and the extensions
  `sphinx_offline`, `sphinx_glue_deps`, `sphinx_assets`.
- Outputs beside the site: `pdf`, `screenshots` (with `browser`), `bench`, `editions`, `results`.

Nothing in the chapters' science, the core or the notebook glue imports this package
(tests/test_layers.py holds it).
"""
