"""Component ids, in one place so a layout and its callbacks cannot drift apart.

Each page's ids carry the page's prefix.
"""

# The shell
URL = "url"
PAGE = "page-content"
NAV = "nav"
NAV_HOLDER = "nav-holder"
DATA_VERSION = "data-version"

# Map (/map)
TITLE = "page-title"  # the shell's document-title store
MAP = "map"  # the graph
MAP_URL = "map-url"
MAP_CHOICE = "map-choice"  # the selects' values, copied in by dashboard/assets/choices.js
MAP_SELECT = "map"  # each select's id is this and its name: "map-measure", "map-level"
MAP_CHOOSE = "map-choose"  # the folding panel of choices (folded on a phone)
MAP_CONTROLS = "map-controls"
MAP_DRAWN = "map-drawn"  # what the map figure was drawn for, and where it was fitted
MAP_FOCUS = "map-focus"
MAP_IMAGE = "map-image"  # the picture's file name and its title, key and source
MAP_FIND = "map-find"
MAP_FIND_LIST = "map-find-list"
MAP_FIND_NAMES = "map-find-names"
MAP_FIND_BUTTON = "map-find-button"
MAP_FIND_MESSAGE = "map-find-message"
MAP_BACK = "map-back"
MAP_HEADLINE = "map-headline"
MAP_HEADING = "map-heading"
MAP_NOTE = "map-note"
MAP_DEFINITION = "map-definition"
MAP_LEGEND = "map-legend"
MAP_SELECTED = "map-selected"
MAP_IMAGE_BUTTON = "map-image-button"
MAP_TABLE_TOGGLE = "map-table-toggle"
MAP_TABLE_OPEN = "map-table-open"  # beside the map: shows the table (and its CSV)
MAP_TABLE_HEADING = "map-table-heading"
MAP_TABLE_AREA = "map-table-area"  # the table and its CSV button, shown on request
MAP_TABLE = "map-table"
MAP_CSV = "map-csv"  # beside the map: the CSV button, once the table is there

# London overview (/)
OVERVIEW_URL = "overview-url"
OVERVIEW_PERIOD = "overview-period"
OVERVIEW_CARDS = "overview-cards"
OVERVIEW_SUMMARY = "overview-summary"
OVERVIEW_TREND_MONTHLY = "overview-trend-monthly"
OVERVIEW_TREND_ROLLING = "overview-trend-rolling"
OVERVIEW_CHARTS = "overview-charts"
OVERVIEW_TABLE = "overview-table"

# About the data (/about)
ABOUT_CONTENT = "about-content"
ABOUT_DOWNLOAD = "about-download"  # the published version's open data zip

# Most at-risk areas (/at-risk)
RISK_URL = "risk-url"
RISK_CHOICE = "risk-choice"
RISK_CONTROLS = "risk-controls"
RISK_SELECT = "risk"  # each select's id is this and its name: "risk-measure"
RISK_HEADING = "risk-heading"
RISK_SUMMARY = "risk-summary"
RISK_DEFINITION = "risk-definition"
RISK_NOTES = "risk-notes"
RISK_RESULTS = "risk-results"
RISK_FUNNEL = "risk-funnel"
RISK_FUNNEL_TABLE = "risk-funnel-table"
RISK_TABLE = "risk-table"
RISK_PROFILES = "risk-profiles"

# Area profile (/area)
PROFILE_URL = "profile-url"
PROFILE_CODE = "profile-code"
PROFILE_TITLE = "profile-title"
PROFILE_SUBTITLE = "profile-subtitle"
PROFILE_SEARCH = "profile-search"
PROFILE_SEARCH_LIST = "profile-search-list"
PROFILE_SEARCH_NAMES = "profile-search-names"
PROFILE_SEARCH_BUTTON = "profile-search-button"
PROFILE_SEARCH_MESSAGE = "profile-search-message"
PROFILE_BROWSE = "profile-browse"  # every borough and its wards, on /area
PROFILE_BODY = "profile-body"
PROFILE_DETAILS = "profile-details"
PROFILE_MISSING = "profile-missing"
PROFILE_SUMMARY = "profile-summary"
PROFILE_LINKS = "profile-links"
PROFILE_GLANCE = "profile-glance"
PROFILE_TREND_CONTROLS = "profile-trend-controls"
PROFILE_TREND_CHOICE = "profile-trend-choice"
PROFILE_TREND_SELECT = "profile-trend"  # the prefix of the trend's select ids
PROFILE_TREND = "profile-trend"
PROFILE_TREND_NOTE = "profile-trend-note"
PROFILE_TREND_TABLE = "profile-trend-table"
PROFILE_RANKS = "profile-ranks"
PROFILE_FUNNEL = "profile-funnel"
PROFILE_FUNNEL_NOTE = "profile-funnel-note"
PROFILE_FUNNEL_TABLE = "profile-funnel-table"
PROFILE_OUTCOMES = "profile-outcomes"
PROFILE_DOWNLOAD_BUTTON = "profile-download-button"
PROFILE_DOWNLOAD = "profile-download"

# Hot spots and repeat victimisation (/hotspots)
HOT_URL = "hot-url"
HOT_CHOICE = "hot-choice"  # the selects' values, copied in by dashboard/assets/choices.js
HOT_SELECT = "hot"  # each select's id is this and its name: "hot-measure", "hot-within"
HOT_CONTROLS = "hot-controls"
HOT_HEADING = "hot-heading"
HOT_SUMMARY = "hot-summary"
HOT_RESULTS = "hot-results"
HOT_MAP = "hot-map"
HOT_MAP_FOCUS = "hot-map-focus"  # what the map is fitted to (dashboard/assets/map_fit.js)
HOT_MAP_NOTE = "hot-map-note"
HOT_LEGEND = "hot-legend"
HOT_CLASSES = "hot-classes"
HOT_TABLE = "hot-table"
HOT_CONCENTRATION_TEXT = "hot-concentration-text"
HOT_LORENZ = "hot-lorenz"
HOT_CONCENTRATION = "hot-concentration"
HOT_NOTES = "hot-notes"
HOT_SENSITIVITY = "hot-sensitivity"

# Young people (/young-people)
YOUNG_URL = "young-url"
YOUNG_CHOICE = "young-choice"
YOUNG_SELECT = "young"  # each select's id is this and its name: "young-level"
YOUNG_CONTROLS = "young-controls"
YOUNG_HEADING = "young-heading"
YOUNG_SUMMARY = "young-summary"
YOUNG_RESULTS = "young-results"
YOUNG_CHART = "young-chart"
YOUNG_CHART_NOTE = "young-chart-note"
YOUNG_TABLE = "young-table"
YOUNG_NOTES = "young-notes"
YOUNG_SHARE = "young-share"
YOUNG_SHARE_NOTE = "young-share-note"
YOUNG_SHARE_CAPTION = "young-share-caption"
YOUNG_SHARE_TABLE = "young-share-table"

# Area profile: hot-spot history
PROFILE_HOTSPOTS = "profile-hotspots"

# Public perception (/perception)
PERCEPTION_URL = "perception-url"
PERCEPTION_CHOICE = "perception-choice"
PERCEPTION_SELECT = "perception"  # each select's id is this and its name: "perception-area"
PERCEPTION_CONTROLS = "perception-controls"
PERCEPTION_MESSAGE = "perception-message"
PERCEPTION_BODY = "perception-body"
PERCEPTION_TREND_HEADING = "perception-trend-heading"
PERCEPTION_TREND_SUMMARY = "perception-trend-summary"
PERCEPTION_TREND = "perception-trend"
PERCEPTION_TREND_TABLE = "perception-trend-table"
PERCEPTION_MAP_HEADING = "perception-map-heading"
PERCEPTION_MAP_SUMMARY = "perception-map-summary"
PERCEPTION_MAP = "perception-map"
PERCEPTION_MAP_FOCUS = "perception-map-focus"
PERCEPTION_MAP_LEGEND = "perception-map-legend"
PERCEPTION_MAP_TABLE = "perception-map-table"
PERCEPTION_CRIME_HEADING = "perception-crime-heading"
PERCEPTION_CRIME_SUMMARY = "perception-crime-summary"
PERCEPTION_SCATTER = "perception-scatter"
PERCEPTION_SCATTER_TABLE = "perception-scatter-table"
PERCEPTION_CRIME_TREND = "perception-crime-trend"
PERCEPTION_CRIME_TREND_TABLE = "perception-crime-trend-table"
PERCEPTION_HOMICIDE_HEADING = "perception-homicide-heading"
PERCEPTION_HOMICIDE_SUMMARY = "perception-homicide-summary"
PERCEPTION_HOMICIDE = "perception-homicide"
PERCEPTION_HOMICIDE_TABLE = "perception-homicide-table"
PERCEPTION_VICTIMS_HEADING = "perception-victims-heading"
PERCEPTION_VICTIMS_SUMMARY = "perception-victims-summary"
PERCEPTION_VICTIMS = "perception-victims"
PERCEPTION_VICTIMS_AGE_TABLE = "perception-victims-age-table"
PERCEPTION_VICTIMS_SEX_TABLE = "perception-victims-sex-table"
PERCEPTION_VICTIMS_SOLVED_TABLE = "perception-victims-solved-table"
PERCEPTION_DOWNLOAD_BUTTON = "perception-download-button"
PERCEPTION_DOWNLOAD = "perception-download"
PROFILE_PERCEPTION = "profile-perception"

# Staff area (/staff, /staff/history). Every staff id starts "staff-": the server
# refuses a callback request for any such output without a signed-in session
# (dashboard/auth.py), so keep the prefix on every staff component.
STAFF_URL = "staff-url"
STAFF_REDIRECT = "staff-redirect"
STAFF_SIGN_OUT = "staff-sign-out"
STAFF_WHO = "staff-who"
STAFF_SESSION_ENDED = "staff-session-ended"  # shown once the server refuses a callback (403)
STAFF_UPLOAD = "staff-upload"
STAFF_UPLOAD_LIMITS = "staff-upload-limits"
STAFF_UPLOAD_MESSAGE = "staff-upload-message"
STAFF_UPLOAD_ID = "staff-upload-id"
STAFF_PROGRESS = "staff-progress"
STAFF_PROGRESS_TEXT = "staff-progress-text"
STAFF_WATCH = "staff-watch"  # interval: looks at the upload's check in the store
STAFF_CHECK_AGAIN = "staff-check-again"  # button, shown when a check did not finish
STAFF_CHECK_REQUEST = "staff-check-request"  # store: {"upload", "n"} asks for a new check
STAFF_REPORT = "staff-report"
STAFF_PREVIEW = "staff-preview"
STAFF_PREVIEW_CHOICES = "staff-preview-choices"  # holds the fieldset of native selects
STAFF_PREVIEW_CHOICE = "staff-preview-choice"  # their values, copied in by choices.js
STAFF_PREVIEW_SELECT = "staff-preview"  # each select's id is this and its name
STAFF_PREVIEW_KEY = "staff-preview-key"
STAFF_PREVIEW_MAP = "staff-preview-map"
STAFF_PREVIEW_NOTE = "staff-preview-note"
STAFF_TOTALS = "staff-totals"
STAFF_ACTIONS = "staff-actions"
STAFF_PUBLISH = "staff-publish"
STAFF_DISCARD = "staff-discard"
STAFF_OUTCOME = "staff-outcome"
STAFF_HISTORY = "staff-history"
STAFF_HISTORY_MESSAGE = "staff-history-message"
STAFF_ROLLBACK = "staff-rollback"  # pattern-matched: {"type": STAFF_ROLLBACK, "version": N}
