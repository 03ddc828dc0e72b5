"""Presenters: one module per page, turning a dataset and a page state into typed view
models (words, numbers, tables, map paint). Pure Python: no Dash, no Flask, so every
word a page shows can be tested on a hand-made dataset in milliseconds."""
