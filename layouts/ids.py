"""Component ids, in one place so a layout and its callbacks cannot drift apart.

Each page's ids carry the page's prefix.
"""

# The shell
URL = "url"
PAGE = "page-content"
NAV = "nav"
NAV_HOLDER = "nav-holder"
DATA_VERSION = "data-version"

# Map explorer (/map)
HEADLINE = "headline"
MAP = "map"
MAP_TITLE = "map-title"
MAP_NOTE = "map-note"
TABLE = "map-table"
TABLE_DETAILS = "map-table-details"
STATE = "map-state"
TITLE = "page-title"
