"""The open data download: a published version as files anyone can reuse.

One zip per data version holds every canonical table twice, as CSV and as Parquet,
with a data dictionary (every file, column, type, unit and meaning) and a README that
states the version, the licences and the rules a reader needs to add the figures up
right (sparse counts, levels never added together, unallocated offences). Every figure
the pages show is worked out from these tables, so every figure can be reproduced
from the download.

The zip is built once per version and kept: written under a temporary name in its
folder and renamed, so a reader sees the whole file or none, and built under a file
lock, so two workers asking at once build it once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.canonical import Tables
from data.export import safe_csv

ARCHIVE_STEM = "london-weapon-crime-data"
# Zip entries carry this time, so the same version always makes the same bytes.
ENTRY_TIME = (2018, 4, 1, 0, 0, 0)
MONTH_COLUMNS = {
    "counts": ("month",),
    "coverage": ("first_month", "last_month"),
    "homicide_victims": ("month",),
}
DATE_COLUMNS = {"survey": ("quarter_end",)}


@dataclass(frozen=True)
class ColumnDoc:
    type: str
    unit: str
    meaning: str


@dataclass(frozen=True)
class FileDoc:
    description: str
    columns: dict[str, ColumnDoc]


_CODE = ColumnDoc(
    "text",
    "",
    f"The area's code: {LONDON_CODE} for London, an E09 code for a borough, E05 for a "
    "2022 ward, E01 for a 2021 small area (LSOA), BCU-... for a Basic Command Unit; "
    f"{UNALLOCATED_CODE} for offences the MPS could not place in an area of the level",
)
_LEVEL = ColumnDoc("text", "", "The geography: london, bcu, borough, ward or lsoa")
_MEASURE = ColumnDoc("text", "", "The measure's id, as in measures.csv")
_MONTH = ColumnDoc("text (YYYY-MM)", "calendar month", "The month the figures are for")

DICTIONARY: dict[str, FileDoc] = {
    "areas": FileDoc(
        "Every area with a boundary (London, the 12 Basic Command Units, 33 boroughs and "
        "704 wards, the City of London's included), whether the MPS covers it, and the "
        "caveat shown beside its figures.",
        {
            "code": _CODE,
            "name": ColumnDoc("text", "", "The area's name as the boundary files give it"),
            "level": _LEVEL,
            "parent_code": ColumnDoc(
                "text",
                "",
                "The code of the area it lies in: a ward's borough, a borough's "
                f"or BCU's London ({LONDON_CODE}); empty for London",
            ),
            "bcu": ColumnDoc("text", "", "The Basic Command Unit the area belongs to, if any"),
            "covered": ColumnDoc(
                "boolean",
                "",
                "false where the MPS publishes no figures (the City of London "
                "and its wards): no figure there means not covered, never zero",
            ),
            "caveat": ColumnDoc(
                "text",
                "",
                "Why the area has no figures, or why its rate per resident "
                "overstates the risk to residents (visitor areas); empty if none",
            ),
        },
    ),
    "measures": FileDoc(
        "Every measure the dashboard knows, with its definition, whether or not it has "
        "published figures.",
        {
            "id": ColumnDoc("text", "", "The measure's id, used in every other file"),
            "grp": ColumnDoc("text", "", "Its group: knife, gun, outcomes or context"),
            "label": ColumnDoc("text", "", "Its name on the dashboard's pages"),
            "definition": ColumnDoc("text", "", "What is counted"),
            "unit": ColumnDoc("text", "", "What one count is: offences, victims or outcomes"),
            "levels": ColumnDoc(
                "text (comma-separated)", "", "The geographies it can have figures for"
            ),
            "source": ColumnDoc("text", "", "The publisher's dataset it comes from"),
            "young": ColumnDoc(
                "boolean",
                "",
                "true for the young-victim measures, whose rates are also "
                "given per 1,000 residents aged 0-24",
            ),
            "outcome_of": ColumnDoc(
                "text",
                "",
                "For positive outcomes: the offences measure they are a rate of "
                "(rate = outcomes / offences over the same months); empty otherwise",
            ),
            "arrival": ColumnDoc(
                "text",
                "",
                "How the measure's figures arrive when no public file holds "
                "them (gun crime: a staff upload); empty otherwise",
            ),
        },
    ),
    "counts": FileDoc(
        "Monthly counts of every measure, by level and area. Sparse: an area with no "
        "offences in a month has no row, so inside the months that coverage.csv gives for "
        "the measure and level a missing row is a true zero, and outside them there is no "
        "data. The borough and ward rows count the same offences twice over: never add two "
        "levels together. London is the sum of the borough rows, unallocated included; a "
        "BCU is the sum of its boroughs.",
        {
            "measure": _MEASURE,
            "level": _LEVEL,
            "area_code": _CODE,
            "month": _MONTH,
            "value": ColumnDoc(
                "integer", "the measure's unit (measures.csv)", "The count in the month"
            ),
        },
    ),
    "coverage": FileDoc(
        "The months each measure covers at each level: inside them a missing row of "
        "counts.csv is zero.",
        {
            "measure": _MEASURE,
            "level": _LEVEL,
            "first_month": ColumnDoc("text (YYYY-MM)", "calendar month", "First month covered"),
            "last_month": ColumnDoc("text (YYYY-MM)", "calendar month", "Last month covered"),
        },
    ),
    "population": FileDoc(
        "Census 2021 usual residents (census day, 21 March 2021) by five-year age band, "
        "the denominators of every rate. Wards are built from whole small areas through "
        "the ONS best-fit lookup, so their populations are approximate.",
        {
            "area_code": _CODE,
            "level": _LEVEL,
            "age_band": ColumnDoc(
                "text",
                "years of age",
                "A Census 2021 five-year band (0-4 ... 85+), 'all' "
                "for all ages, or '0-24' (the first five bands, for the young-victim rates)",
            ),
            "value": ColumnDoc("integer", "residents", "Usual residents in the band"),
        },
    ),
    "lookup": FileDoc(
        "The ONS best-fit lookup of London's 2021 small areas (LSOAs) to wards and "
        "boroughs, by which ward populations and small-area figures are placed.",
        {
            "lsoa_code": ColumnDoc("text", "", "The LSOA 2021 code (E01)"),
            "ward_code": ColumnDoc("text", "", "The ward it is assigned to, whole (E05)"),
            "ward_name": ColumnDoc("text", "", "That ward's name"),
            "borough_code": ColumnDoc("text", "", "The borough (E09)"),
        },
    ),
    "survey": FileDoc(
        "MOPAC Public Attitude Survey measures by borough and London, each the proportion "
        "of respondents over the 12 months to the quarter's end.",
        {
            "quarter_end": ColumnDoc("date (YYYY-MM-DD)", "", "The last day of the quarter"),
            "survey": ColumnDoc("text", "", "The survey (the Public Attitude Survey)"),
            "area_code": _CODE,
            "measure": ColumnDoc("text", "", "The survey measure, as the file names it"),
            "proportion": ColumnDoc("decimal", "proportion (0 to 1)", "Share of respondents"),
        },
    ),
    "workday": FileDoc(
        "The Census 2021 workday population (residents minus employed residents plus the "
        "people who work in the area), the denominator of the rate per workday population "
        "beside visitor areas' rates.",
        {
            "area_code": _CODE,
            "level": ColumnDoc("text", "", "The geography: london, bcu, borough, msoa or ward"),
            "name": ColumnDoc("text", "", "The area's name"),
            "residents": ColumnDoc("integer", "people", "Census 2021 usual residents"),
            "employed_residents": ColumnDoc(
                "decimal",
                "people",
                "Employed residents aged 16+ living in the area (those "
                "working at or from home counted at home)",
            ),
            "workplace": ColumnDoc("decimal", "people", "People working in the area"),
            "workday_population": ColumnDoc(
                "decimal", "people", "residents - employed_residents + workplace"
            ),
            "estimated": ColumnDoc(
                "boolean", "", "true where apportioned from MSOAs (wards) rather than read"
            ),
        },
    ),
    "homicide_victims": FileDoc(
        "Homicide victims by month, borough, method of killing, age band, sex and whether "
        "the homicide is solved, as the MPS homicide victims file records them. Sparse, as "
        "counts.csv. The solved status is as the file was extracted: recent homicides have "
        "had less time to be solved. Pages show a split (by age, sex or solved status) only "
        "where the victims being split number 10 or more.",
        {
            "month": ColumnDoc("text (YYYY-MM)", "calendar month", "The month recorded"),
            "area_code": _CODE,
            "method": ColumnDoc("text", "", "The method of killing, as the file gives it"),
            "age_group": ColumnDoc(
                "text",
                "years of age",
                "The victim's age band, as the MPS groups ages "
                "(0-12, 13-19, 20-24, 25-34, 35-44, 45-54, 55-64, 65+) or 'Not recorded'",
            ),
            "sex": ColumnDoc("text", "", "Female, Male or Not recorded"),
            "solved_status": ColumnDoc("text", "", "Solved, Unsolved or Not recorded"),
            "value": ColumnDoc("integer", "victims", "Victims"),
        },
    ),
}

DICTIONARY_FILE = FileDoc(
    "This file: every column of every file in the download.",
    {
        "file": ColumnDoc("text", "", "The file, without its .csv or .parquet ending"),
        "column": ColumnDoc("text", "", "The column"),
        "type": ColumnDoc("text", "", "What its cells hold"),
        "unit": ColumnDoc("text", "", "The unit of a number, if any"),
        "meaning": ColumnDoc("text", "", "What it means"),
    },
)


def archive_name(version_id: int) -> str:
    return f"{ARCHIVE_STEM}-v{version_id}.zip"


def dictionary_frame() -> pd.DataFrame:
    """The data dictionary: one row per column of every file."""
    docs = {**DICTIONARY, "data_dictionary": DICTIONARY_FILE}
    return pd.DataFrame(
        [
            {"file": name, "column": column, "type": doc.type, "unit": doc.unit,
             "meaning": doc.meaning}
            for name, file in docs.items()
            for column, doc in file.columns.items()
        ]
    )  # fmt: skip


def export_frames(tables: Tables) -> dict[str, pd.DataFrame]:
    """Each documented table as it is written: months as YYYY-MM, dates as YYYY-MM-DD,
    columns in the dictionary's order (a table the version lacks is written empty)."""
    out = {}
    for name, doc in DICTIONARY.items():
        frame = getattr(tables, name, None)
        columns = list(doc.columns)
        frame = pd.DataFrame(columns=columns) if frame is None else frame
        frame = frame.reindex(columns=columns).copy()
        for column in MONTH_COLUMNS.get(name, ()):
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m")
        for column in DATE_COLUMNS.get(name, ()):
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
        out[name] = frame.reset_index(drop=True)
    return out


def readme(version_id: int, latest_month: pd.Timestamp | None, published: str) -> str:
    latest = f"{latest_month:%B %Y}" if latest_month is not None else "none"
    return f"""London Weapon-Enabled Crime Dashboard: open data, data version {version_id}

Published: {published}. Latest month of data: {latest}.

Every figure on the dashboard is worked out from these tables. Each is given twice,
as CSV (csv/) and as Parquet (parquet/), with the same columns and values;
data_dictionary.csv gives every file's columns, types, units and meanings.

Reading the counts right
- counts is sparse: inside the months that coverage gives for a measure and level, a
  missing row is a true zero; outside them there is no data.
- The borough and ward rows count the same offences twice over: never add two levels.
  London is the sum of the borough rows, UNALLOCATED included; a BCU is the sum of
  its boroughs. Offences the MPS could not place in an area of a level are the
  UNALLOCATED rows of that level, so a level's areas add up to less than London.
- The City of London is policed by the City of London Police: the MPS publishes no
  figures for it (covered = false in areas), which is not the same as zero.
- A rate per 1,000 residents is 1,000 x count / population (age band 'all'; '0-24'
  for the young-victim measures). A positive outcome rate is the outcomes measure over
  its offences measure (measures.outcome_of) for the same months.
- Any figure built on fewer than 10 events is unreliable; the pages mark it so.
- In the CSV files a text cell that begins with = + - or @ is written with an
  apostrophe before it, so that spreadsheets show it as text; the Parquet files hold
  the text unchanged.

Licences and attribution
Contains public sector information licensed under the Open Government Licence v2.0
(Metropolitan Police Service data) and v3.0 (Office for National Statistics data).
Source: Office for National Statistics licensed under the Open Government Licence
v.3.0. Contains OS data (c) Crown copyright and database right.
"""


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_archive(
    tables: Tables,
    path: Path,
    *,
    version_id: int,
    published: str = "",
) -> Path:
    """Write the version's download to `path`, atomically."""
    folder = f"{ARCHIVE_STEM}-v{version_id}"
    frames = export_frames(tables)
    latest = None if tables.counts.empty else pd.Timestamp(tables.counts["month"].max())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w") as archive:
            archive.writestr(_entry(f"{folder}/README.txt"),
                             readme(version_id, latest, published or "not recorded"))  # fmt: skip
            archive.writestr(_entry(f"{folder}/data_dictionary.csv"), safe_csv(dictionary_frame()))
            for name, frame in frames.items():
                archive.writestr(_entry(f"{folder}/csv/{name}.csv"), safe_csv(frame))
                archive.writestr(_entry(f"{folder}/parquet/{name}.parquet"), _parquet(frame))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def kept_archive(
    folder: Path,
    version_id: int,
    version_key: str,
    tables: Callable[[], Tables],
    *,
    published: str = "",
) -> Path:
    """The version's download, built now if it has not been kept yet.

    Kept as `<version key>/<archive name>`, so a version id reused by another store or
    a discarded draft never finds another version's file. The lock makes a second
    asker wait for the first build rather than start its own.
    """
    safe_key = "".join(c if c.isalnum() or c in "-." else "_" for c in version_key)
    path = folder / safe_key / archive_name(version_id)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent / ".building", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if not path.is_file():
            write_archive(tables(), path, version_id=version_id, published=published)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    return path


def utc_text(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
