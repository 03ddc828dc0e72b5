"""A raw-data folder with every monthly series twice as long, for benchmarks only.

    python bench/doubled.py OUT_DIR [--raw-dir DIR]

Made to measure how the server's costs grow with the data; never published, never shown
to anyone. The months of each series are repeated once more before its first month:

- recorded crime, ward and borough (the historical files, April 2010 to February 2024):
  167 more month columns, May 1996 to March 2010, holding the counts of April 2010 to
  February 2024 (so the wards' and boroughs' series run from 1996 to 2026, twice their
  191 months, with the current files unchanged);
- the Monthly Crime Dashboard file (knife and gun crime, March 2022 to February 2026):
  every row again 48 months earlier (March 2018 to February 2022), its financial year
  labels moved back four years with it.

The other files (LSOA counts, homicides, census, boundaries, lookups) are linked as
they are. The figures are the real ones repeated: the shapes, sizes and number of
areas are real; the earlier years are not.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
HISTORICAL = ("recorded-crime-ward-historical.parquet", "recorded-crime-borough-historical.parquet")
DASHBOARD = "monthly-crime-dashboard.parquet"
MONTH = re.compile(r"^\d{6}$")


def _month(label: str, back: int) -> str:
    n = int(label[:4]) * 12 + int(label[4:]) - 1 - back
    return f"{n // 12:04d}{n % 12 + 1:02d}"


def double_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """A wide file (one column per month, YYYYMM) with its months repeated before it."""
    months = [c for c in frame.columns if MONTH.match(str(c))]
    keys = [c for c in frame.columns if c not in months]
    earlier = frame[months].rename(columns={m: _month(m, len(months)) for m in months})
    return pd.concat([frame[keys], earlier, frame[months]], axis=1)


def _years_back(label: object, years: int) -> object:
    """'fy21-22' -> 'fy17-18', '21-22_01' -> '17-18_01' for four years."""
    if not isinstance(label, str):
        return label
    return re.sub(r"(\d{2})-(\d{2})", lambda m: f"{int(m[1]) - years:02d}-{int(m[2]) - years:02d}",
                  label, count=1)  # fmt: skip


def double_long(frame: pd.DataFrame) -> pd.DataFrame:
    """The Monthly Crime Dashboard file with every row again, a whole number of years
    earlier than its first month."""
    months = frame["month_year"]
    first, last = months.min(), months.max()
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    years = -(-span // 12)
    earlier = frame.copy()
    earlier["month_year"] = months - pd.DateOffset(years=years)
    for column in ("financial_year", "fy_fyindex"):
        earlier[column] = earlier[column].map(lambda v: _years_back(v, years))
    return pd.concat([earlier, frame], ignore_index=True)


def build(raw_dir: Path, out: Path) -> None:
    out.mkdir(parents=True)
    for item in raw_dir.iterdir():
        (out / item.name).symlink_to(item)
    for folder, names, double in (("mps_recorded_crime", HISTORICAL, double_wide),
                                  ("mps_knife_crime", (DASHBOARD,), double_long)):  # fmt: skip
        (out / folder).unlink()
        (out / folder).mkdir()
        for source in (raw_dir / folder).iterdir():
            if source.name in names:
                double(pd.read_parquet(source)).to_parquet(out / folder / source.name)
                print(f"doubled {folder}/{source.name}")
            else:
                (out / folder / source.name).symlink_to(source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--raw-dir", type=Path, default=REPO.parent / "shared" / "data" / "raw")
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists: give a new folder")
    try:
        build(args.raw_dir.resolve(), args.out)
    except BaseException:
        shutil.rmtree(args.out, ignore_errors=True)
        raise


if __name__ == "__main__":
    main()
