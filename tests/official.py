"""The real public data written out in the MPS's official file layouts, at test time.

The raw files in ../shared/data/raw are Parquet re-exports with snake_case headers;
staff upload the London Datastore's own CSV and XLSX files. These helpers turn the
real data back into those layouts (never committed, always built in tmp_path), so
the upload path is tested on real figures in the format staff really receive.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

WARD = "mps_recorded_crime/recorded-crime-ward.parquet"
WARD_HISTORICAL = "mps_recorded_crime/recorded-crime-ward-historical.parquet"
KNIFE = "mps_knife_crime/monthly-crime-dashboard.parquet"
CENSUS = "ons_census2021/census2021-ts007a-ltla.csv"

WARD_HEADERS = {"majortext": "MajorText", "minortext": "MinorText", "wardname": "WardName",
                "wardcode": "WardCode", "lookup_boroughname": "LookUp_BoroughName"}  # fmt: skip
DASHBOARD_HEADERS = {
    "month_year": "Month_Year",
    "area_type": "Area Type",
    "borough_snt": "Borough_SNT",
    "area_name": "Area name",
    "area_code": "Area code",
    "crime_type": "Crime Type",
    "crime_subtype": "Crime Subtype",
    "measure": "Measure",
    "financial_year": "Financial Year",
    "fy_fyindex": "FY_FYIndex",
    "count": "Count",
    "refresh_date": "Refresh Date",
}


def ward_frame(raw_dir: Path, months: list[str] | None = None) -> pd.DataFrame:
    """The "most recent 24 months" ward file with its official headers.

    `months` (YYYYMM) keeps only those month columns, e.g. one month for a monthly file.
    """
    frame = pd.read_parquet(raw_dir / WARD).rename(columns=WARD_HEADERS)
    labels = list(WARD_HEADERS.values())
    columns = [c for c in frame.columns if c not in labels]
    if months is not None:
        columns = [c for c in columns if c in months]
    return frame[labels + columns]


def ward_csv(raw_dir: Path, months: list[str] | None = None) -> bytes:
    return ward_frame(raw_dir, months).to_csv(index=False).encode()


def dashboard_frame(raw_dir: Path, *, until: str | None = None, only: str | None = None):
    """The Monthly Crime Dashboard knife file with its official headers.

    `until` (YYYY-MM) keeps the months up to it, `only` (YYYY-MM) just that month.
    Months are written as the Datastore's CSV writes them (01/03/2022).
    """
    frame = pd.read_parquet(raw_dir / KNIFE)
    month = frame["month_year"].dt.strftime("%Y-%m")
    if until is not None:
        frame = frame[month <= until]
    if only is not None:
        frame = frame[month == only]
    frame = frame.drop(columns=["sheet"]).rename(columns=DASHBOARD_HEADERS)
    frame["Month_Year"] = frame["Month_Year"].dt.strftime("%d/%m/%Y")
    frame["Refresh Date"] = frame["Refresh Date"].dt.strftime("%d/%m/%Y")
    return frame.reset_index(drop=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def to_xlsx(frame: pd.DataFrame, sheet: str = "MPS_MonthlyCrimeDashboard") -> bytes:
    """A workbook as the Datastore publishes it: a short notes sheet, then the data."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame(
            {"Notes": ["Metropolitan Police Service", "Monthly Crime Dashboard"]}
        ).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def gun_frame(raw_dir: Path, *, only: str = "2026-02") -> pd.DataFrame:
    """A HAND-MADE gun file ("OtherCrimeData" has no public copy): the knife file's
    layout, areas and month, with crime type "Gun Crime" and made-up counts derived
    from the knife counts (a third of them). Never compare its figures to anything."""
    knife = dashboard_frame(raw_dir, only=only)
    knife = knife[(knife["Crime Subtype"] == "Knife Crime")]
    parts = []
    for subtype, share in (("Gun Crime", 3), ("Lethal Barrelled Firearm Discharges", 12)):
        part = knife.copy()
        part["Crime Type"] = "Gun Crime"
        part["Crime Subtype"] = subtype
        part["Count"] = part["Count"] // share
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# Gun subtypes of the HAND-MADE "OtherCrimeData" file, each made from a knife subtype's
# counts (offences and positive outcomes alike) divided by a share.
GUN_SUBTYPES = (
    ("Gun Crime", "Knife Crime", 3),
    ("Gun Crime (Personal Robbery)", "Knife Crime", 9),
    ("Lethal Barrelled Firearm Discharges", "Knife Crime with Injury", 6),
    ("Non-Lethal Discharges", "Knife Crime with Injury", 10),
)


def gun_file(raw_dir: Path, *, until: str | None = None) -> pd.DataFrame:
    """A HAND-MADE gun file in the official long layout, every month and area of the
    knife file (borough and ward rows, offences and positive outcomes), crime type "Gun
    Crime", with made-up counts: a knife subtype's counts divided by a share
    (GUN_SUBTYPES). Never compare its figures to anything but themselves."""
    knife = dashboard_frame(raw_dir, until=until)
    parts = []
    for subtype, source, share in GUN_SUBTYPES:
        part = knife[knife["Crime Subtype"] == source].copy()
        part["Crime Type"] = "Gun Crime"
        part["Crime Subtype"] = subtype
        part["Count"] = part["Count"] // share
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
