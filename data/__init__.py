"""The data layer: readers, canonical tables, the store, queries and statistics.

pandas 3 keeps text columns in Arrow arrays by default. This app walks its text in
Python far more than it computes on it: a ward's name into a sentence, a status
compared row by row, a view's frame pickled into the cache and read back on every
request. Each of those crosses from Arrow to Python objects: about a fifth of the
server's time in a profile under load (docs/PERFORMANCE.md); the same `str` columns kept in Python
storage behave identically (same dtype, same missing values) without the crossing.
So the whole app, tests included, keeps strings in Python storage, set once here
before any frame is made.
"""

import pandas as pd

pd.set_option("mode.string_storage", "python")
