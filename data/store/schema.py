"""Tables of the versioned store.

Every data row carries the version it belongs to. A version is written whole inside
one transaction and never changed afterwards; what the public sees is whichever
version the single row of `publication` points at, so publishing or rolling back is
one UPDATE and readers can never see half a version.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("note", Text, nullable=False, default=""),
    # The sorted checksums of the files the version was built from, so that
    # ingesting the same files again finds the existing version.
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("latest_month", Date),
    Column("summary", JSON, nullable=False),
)

source_files = Table(
    "source_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("name", String(400), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

version_files = Table(
    "version_files",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("sha256", String(64), ForeignKey("source_files.sha256"), primary_key=True),
    Column("name", String(400), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("first_month", Date),
    Column("last_month", Date),
    Column("warnings", Integer, nullable=False, default=0),
)

publication = Table(
    "publication",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: there is one public version
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("published_by", String(200), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("version_id", Integer),
    Column("detail", Text, nullable=False, default=""),
)


# A staff upload: its files (kept in source_files), the version it was checked
# against, the unpublished version it made if it passed, and its validation report.
uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    # received -> checking -> ready | refused | unchanged | failed;
    # ready -> published | discarded | expired; failed or expired -> received (check again)
    Column("status", String(20), nullable=False),
    Column("files", JSON, nullable=False),  # [{"name", "sha256", "bytes"}], in upload order
    Column("base_version", Integer),
    Column("draft_version", Integer),
    Column("published_version", Integer),
    Column("report", JSON),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


# Each run of an upload's check: a background job writes `heartbeat_at` every few
# seconds while it runs, so a job whose process died (killed, out of memory, a worker
# lost) is seen to have stopped; `outcome` is set once, by the job or by whoever
# declares it failed, whichever comes first.
checks = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("upload_id", Integer, nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(20)),  # passed, refused, unchanged, failed
    Column("reason", Text, nullable=False, default=""),
    Column("worker", String(200), nullable=False, default=""),  # host:pid
)


def _versioned(name: str, *columns: Column, indexes: tuple[tuple[str, ...], ...] = ()) -> Table:
    table = Table(
        name,
        metadata,
        Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
        *columns,
    )
    for i, cols in enumerate(indexes):
        Index(f"ix_{name}_{i}", table.c.version_id, *(table.c[c] for c in cols))
    return table


areas = _versioned(
    "areas",
    Column("code", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("level", String(10), nullable=False),
    Column("parent_code", String(20)),
    Column("bcu", String(40)),
    Column("covered", Boolean, nullable=False),
    Column("caveat", Text),
    indexes=(("level",),),
)

measures = _versioned(
    "measures",
    Column("id", String(60), nullable=False),
    Column("grp", String(20), nullable=False),
    Column("label", String(200), nullable=False),
    Column("definition", Text, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("levels", String(60), nullable=False),
    Column("source", Text, nullable=False),
    Column("young", Boolean, nullable=False),
    Column("outcome_of", String(60)),
    Column("arrival", Text),
)

counts = _versioned(
    "counts",
    Column("measure", String(60), nullable=False),
    Column("level", String(10), nullable=False),
    Column("area_code", String(20), nullable=False),
    Column("month", Date, nullable=False),
    Column("value", Integer, nullable=False),
    indexes=(("measure", "level"),),
)

coverage = _versioned(
    "coverage",
    Column("measure", String(60), nullable=False),
    Column("level", String(10), nullable=False),
    Column("first_month", Date, nullable=False),
    Column("last_month", Date, nullable=False),
)

population = _versioned(
    "population",
    Column("area_code", String(20), nullable=False),
    Column("level", String(10), nullable=False),
    Column("age_band", String(10), nullable=False),
    Column("value", Integer, nullable=False),
)

lookup = _versioned(
    "lookup",
    Column("lsoa_code", String(20), nullable=False),
    Column("ward_code", String(20), nullable=False),
    Column("ward_name", String(200)),
    Column("borough_code", String(20)),
)

survey = _versioned(
    "survey",
    Column("quarter_end", Date, nullable=False),
    Column("survey", String(60), nullable=False),
    Column("area_code", String(20), nullable=False),
    Column("measure", String(200), nullable=False),
    Column("proportion", Float, nullable=False),
)

# Census 2021 workday population by level (data.workday). A store made before this
# table existed gains it empty, so its versions load with no workday population.
workday = _versioned(
    "workday",
    Column("area_code", String(20), nullable=False),
    Column("level", String(10), nullable=False),
    Column("name", String(200)),
    Column("residents", Integer, nullable=False),
    Column("employed_residents", Float, nullable=False),
    Column("workplace", Float, nullable=False),
    Column("workday_population", Float, nullable=False),
    Column("estimated", Boolean, nullable=False),
    indexes=(("level",),),
)

# Homicide victims by month, borough, method, age group, sex and solved status. A store
# made before this table existed gains it empty: its versions have no victims table.
homicide_victims = _versioned(
    "homicide_victims",
    Column("month", Date, nullable=False),
    Column("area_code", String(20), nullable=False),
    Column("method", String(100), nullable=False),
    Column("age_group", String(20), nullable=False),
    Column("sex", String(20), nullable=False),
    Column("solved_status", String(20), nullable=False),
    Column("value", Integer, nullable=False),
)

# The canonical tables in the order they are written and read.
DATA_TABLES = {
    t.name: t
    for t in (areas, measures, counts, coverage, population, lookup, survey, workday,
              homicide_victims)
}  # fmt: skip
DATE_COLUMNS = {
    "counts": ("month",),
    "homicide_victims": ("month",),
    "coverage": ("first_month", "last_month"),
    "survey": ("quarter_end",),
}
