"""Component ids, in one place so a layout and its callbacks cannot drift apart."""

URL = "url"
HEADLINE = "headline"
MAP = "map"
MAP_TITLE = "map-title"
MAP_NOTE = "map-note"
TABLE = "map-table"
DATA_VERSION = "data-version"
