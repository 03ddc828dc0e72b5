"""Hypothesis strategies for small, valid files in the MPS layouts, written as the
London Datastore publishes them (upper-case CSV headers), with the totals a reader
should produce from them."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from hypothesis import strategies as st

from data.areas import BOROUGHS, borough_code
from data.catalogue import RECORDED_CRIME_MEASURES

WIDE_LABELS = {
    "ward": ["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"],
    "borough": ["MajorText", "MinorText", "BoroughName"],
    "lsoa": ["LSOA Code", "LSOA Name", "Borough", "Major Category", "Minor Category"],
}
WIDE_AREA_COLUMN = {"ward": "WardCode", "borough": "BoroughName", "lsoa": "LSOA Code"}

DASHBOARD_HEADERS = [
    "Month_Year",
    "Area Type",
    "Borough_SNT",
    "Area name",
    "Area code",
    "Crime Type",
    "Crime Subtype",
    "Measure",
    "Financial Year",
    "FY_FYIndex",
    "Count",
    "Refresh Date",
]

CATEGORIES = (
    ("POSSESSION OF WEAPONS", "POSSESSION OF WEAPONS"),
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITH INJURY"),
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITHOUT INJURY"),
    ("THEFT", "SHOPLIFTING"),
    ("BURGLARY", "RES BURGLARY OF A HOME"),
)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


@dataclass
class WideFile:
    level: str
    header: list[str]
    rows: list[list[str]]
    months: list[str]  # YYYYMM headers, in order

    @property
    def kind(self) -> str:
        return f"recorded_crime_{self.level}"

    def csv(self) -> bytes:
        return csv_bytes(self.header, self.rows)

    def area_code(self, row: list[str]) -> str:
        cell = row[self.header.index(WIDE_AREA_COLUMN[self.level])].strip()
        return borough_code(cell) if self.level == "borough" else cell

    def expected_totals(self) -> Counter:
        """Offences per (measure, area code) over every month."""
        major = self.header.index("Major Category" if self.level == "lsoa" else "MajorText")
        first_month = len(self.header) - len(self.months)
        totals: Counter = Counter()
        for row in self.rows:
            measure = RECORDED_CRIME_MEASURES.get(row[major])
            if measure:
                totals[(measure, self.area_code(row))] += sum(int(v) for v in row[first_month:])
        return +totals


@st.composite
def wide_files(draw, max_months: int = 6) -> WideFile:
    level = draw(st.sampled_from(["ward", "borough", "lsoa"]))
    year = draw(st.integers(2010, 2023))
    month = draw(st.integers(1, 12))
    n_months = draw(st.integers(1, max_months))
    months = ["{:04d}{:02d}".format(*add_months(year, month, i)) for i in range(n_months)]
    if level == "borough":
        places = draw(
            st.lists(
                st.sampled_from(sorted(BOROUGHS.values())), min_size=1, max_size=4, unique=True
            )
        )
    else:
        prefix = "E05" if level == "ward" else "E01"
        numbers = draw(st.lists(st.integers(0, 999_999), min_size=1, max_size=4, unique=True))
        places = [f"{prefix}{n:06d}" for n in numbers]
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(places)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    # Exports sometimes pad codes with spaces; the reader must strip them.
    pad = draw(st.sampled_from(["", " ", "  "]))
    rows = []
    for (major, minor), place in pairs:
        counts = [
            str(c)
            for c in draw(st.lists(st.integers(0, 400), min_size=n_months, max_size=n_months))
        ]
        if level == "ward":
            labels = [major, minor, f"Ward {place[-3:]}", place + pad, "Barnet"]
        elif level == "borough":
            labels = [major, minor, place]
        else:
            labels = [place + pad, f"Area {place[-4:]}", "E09000003", major, minor]
        rows.append(labels + counts)
    return WideFile(level, WIDE_LABELS[level] + months, rows, months)


DASHBOARD_SERIES = (
    ("Knife Crime", "Knife Crime", "Offences", "knife_crime"),
    ("Knife Crime", "Knife Crime with Injury", "Positive Outcomes", "knife_crime_injury_outcomes"),
    (
        "Knife Crime",
        "Knife Injury Victims (non DA 1-24)",
        "Offences",
        "knife_injury_victims_1_24_non_da",
    ),
    ("Gun Crime", "Gun Crime", "Offences", "gun_crime"),
    ("Gun Crime", "Lethal Barrelled Discharges", "Offences", "lethal_barrelled_discharges"),
)

MONTH_WRITERS = {
    "iso": lambda y, m: f"{y:04d}-{m:02d}-01",
    "day first": lambda y, m: f"01/{m:02d}/{y:04d}",
    "year-month": lambda y, m: f"{y:04d}-{m:02d}",
    "Mon-YY": lambda y, m: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                            "Oct", "Nov", "Dec"][m - 1] + f"-{y % 100:02d}",
}  # fmt: skip


@dataclass
class LongFile:
    rows: list[list[str]]
    expected: Counter  # (measure, level, area code, "YYYY-MM") -> count

    def csv(self) -> bytes:
        return csv_bytes(DASHBOARD_HEADERS, self.rows)


@st.composite
def dashboard_files(draw) -> LongFile:
    style = draw(st.sampled_from(sorted(MONTH_WRITERS)))
    keys = draw(
        st.lists(
            st.tuples(
                st.tuples(st.integers(2022, 2025), st.integers(1, 12)),
                st.sampled_from(["Borough", "Safer Neighbourhood Teams"]),
                st.integers(0, 31),
                st.sampled_from(DASHBOARD_SERIES),
            ),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    boroughs = sorted(BOROUGHS)
    rows, expected = [], Counter()
    for (year, month), area_type, place, (crime_type, subtype, measure, measure_id) in keys:
        count = draw(st.integers(1, 60))
        if area_type == "Borough":
            code = boroughs[1 + place]
            name, level = BOROUGHS[code], "borough"
        else:
            code, name, level = f"E05{10_000 + place:06d}", f"Ward {place}", "ward"
        rows.append(
            [
                MONTH_WRITERS[style](year, month),
                area_type,
                f"SNT {name}",
                name,
                code + draw(st.sampled_from(["", "  "])),
                crime_type,
                subtype,
                measure,
                "",
                "",
                str(count),
                "18/03/2026",
            ]
        )
        expected[(measure_id, level, code, f"{year:04d}-{month:02d}")] += count
    # A real file has rows for every month it spans (a month with none is refused as
    # missing): fill any gap with one borough row.
    used = {year * 12 + month - 1 for (year, month), *_ in keys}
    crime_type, subtype, measure, measure_id = DASHBOARD_SERIES[0]
    code = boroughs[1]
    for index in sorted(set(range(min(used), max(used) + 1)) - used):
        year, month = divmod(index, 12)
        month += 1
        rows.append(
            [MONTH_WRITERS[style](year, month), "Borough", f"SNT {BOROUGHS[code]}",
             BOROUGHS[code], code, crime_type, subtype, measure, "", "", "1", "18/03/2026"]
        )  # fmt: skip
        expected[(measure_id, "borough", code, f"{year:04d}-{month:02d}")] += 1
    return LongFile(rows, expected)
