"""The versioned store: SQLite by default, PostgreSQL when DATABASE_URL says so.

A version is written in a single transaction, so a crash part-way leaves no trace of
it; publishing moves one pointer, so the public switches between whole versions.
Writers take a lock first (BEGIN IMMEDIATE on SQLite, an advisory lock on
PostgreSQL), so two publishes at once are serialised and neither is lost.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    create_engine,
    event,
    func,
    select,
)

from data import targets as target_rules
from data.canonical import Tables
from data.store import schema

_PG_LOCK_KEY = 604_2018  # any constant: the advisory lock id for writers
_PG_EXCLUSIVE_KEY = 604_2019  # held across a whole staff publish or rollback
CONNECT_TIMEOUT = 3  # seconds to wait for PostgreSQL to accept a connection


@dataclass(frozen=True)
class FileRecord:
    """A source file of a version, with what its reader found."""

    name: str
    content: bytes
    kind: str
    rows_read: int
    first_month: dt.date | None = None
    last_month: dt.date | None = None
    warnings: int = 0

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class VersionInfo:
    id: int
    created_at: dt.datetime
    created_by: str
    note: str
    latest_month: dt.date | None
    summary: dict
    published: bool
    files: list[dict]


class VersionNotFoundError(LookupError):
    pass


class UploadNotFoundError(LookupError):
    pass


def fingerprint(shas: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(shas)).encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Let SQLAlchemy, not the driver, decide when transactions begin, and
            # use WAL so readers keep reading while a new version is written.
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            immediate = conn.get_execution_options().get("writer", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A server that stops answering (not one that refuses) must not hold a request
    # for the operating system's TCP timeout: the app then serves the version it has.
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT})


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        schema.metadata.create_all(self.engine)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(writer=True)
            with conn.begin():
                if self.is_postgres:
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
                yield conn

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the publishers' lock: one staff publish or rollback at a time, across
        processes and machines.

        A session lock on PostgreSQL, a file lock beside the SQLite file; both are
        released by the operating system or the server if the holder is killed, so a
        crashed publish never blocks the next one.
        """
        if self.is_postgres:
            with self.engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({_PG_EXCLUSIVE_KEY})")
                conn.commit()
                try:
                    yield
                finally:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_PG_EXCLUSIVE_KEY})")
                    conn.commit()
            return
        path = self.engine.url.database
        lock_path = Path(f"{path}.publish-lock") if path else None
        if lock_path is None:  # an in-memory database lives in one process
            yield
            return
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- writing ---------------------------------------------------------------

    def add_version(
        self,
        tables: Tables,
        files: list[FileRecord],
        *,
        actor: str,
        note: str = "",
        summary: dict | None = None,
    ) -> int:
        """Write a complete new version (not yet published) and return its id."""
        latest = _latest_month(tables)
        with self._writing() as conn:
            version_id = conn.execute(
                schema.versions.insert().returning(schema.versions.c.id),
                {
                    "created_at": _now(),
                    "created_by": actor,
                    "note": note,
                    "fingerprint": fingerprint([f.sha256 for f in files]),
                    "latest_month": latest,
                    "summary": json.loads(json.dumps(summary or {}, default=str)),
                },
            ).scalar_one()
            known = set(
                conn.execute(
                    select(schema.source_files.c.sha256).where(
                        schema.source_files.c.sha256.in_([f.sha256 for f in files])
                    )
                ).scalars()
            )
            for f in files:
                if f.sha256 not in known:
                    conn.execute(
                        schema.source_files.insert(),
                        {"sha256": f.sha256, "name": f.name, "bytes": len(f.content),
                         "content": f.content},
                    )  # fmt: skip
                    known.add(f.sha256)
            if files:
                conn.execute(
                    schema.version_files.insert(),
                    [
                        {
                            "version_id": version_id,
                            "sha256": f.sha256,
                            "name": f.name,
                            "kind": f.kind,
                            "rows_read": f.rows_read,
                            "first_month": f.first_month,
                            "last_month": f.last_month,
                            "warnings": f.warnings,
                        }
                        for f in {f.sha256: f for f in files}.values()
                    ],
                )
            for name, table in schema.DATA_TABLES.items():
                self._bulk_insert(conn, table, getattr(tables, name), version_id)
            self._audit(conn, actor, "create", version_id, note or "new version")
        return version_id

    def _bulk_insert(self, conn: Connection, table, frame: pd.DataFrame, version_id: int) -> None:
        columns = [c.name for c in table.columns if c.name != "version_id"]
        if frame.empty:
            return
        values = []
        for col in columns:
            cells = frame[col]
            if col in schema.DATE_COLUMNS.get(table.name, ()):
                values.append(pd.to_datetime(cells).dt.date.tolist())
            elif cells.isna().any():
                values.append([None if pd.isna(v) else v for v in cells.tolist()])
            else:
                values.append(cells.tolist())
        rows = list(zip([version_id] * len(frame), *values, strict=True))
        names = ", ".join(["version_id", *columns])
        if self.is_postgres:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in range(len(columns) + 1))
            sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608 - schema names
            conn.exec_driver_sql(sql, rows)

    def publish(
        self,
        version_id: int,
        *,
        actor: str,
        action: str = "publish",
        note: dict | None = None,
        previous: int | None = None,
    ) -> None:
        """Make a version the public one, in one step; with `note` (a release note's
        content, data.releases), its public note is written in the same transaction and
        audited, so there is never a publication without its note or a note without
        its publication. `previous` is the version the note compares with."""
        with self._writing() as conn:
            exists = conn.execute(
                select(schema.versions.c.id).where(schema.versions.c.id == version_id)
            ).scalar()
            if exists is None:
                raise VersionNotFoundError(f"there is no data version {version_id}")
            now = _now()
            row = {"version_id": version_id, "published_at": now, "published_by": actor}
            updated = conn.execute(
                schema.publication.update().where(schema.publication.c.id == 1), row
            ).rowcount
            if not updated:
                conn.execute(schema.publication.insert(), {"id": 1, **row})
            done = "rolled back to" if action == "rollback" else f"{action}ed"
            self._audit(conn, actor, action, version_id, f"{done} version {version_id}")
            if note is not None:
                note_id = conn.execute(
                    schema.release_notes.insert().returning(schema.release_notes.c.id),
                    {"uuid": str(uuid.uuid4()), "at": now, "action": action,
                     "version_id": version_id, "previous_version_id": previous,
                     "content": json.loads(json.dumps(note, default=str))},
                ).scalar_one()  # fmt: skip
                self._audit(conn, actor, "release note", version_id,
                            f"release note {note_id}: {note.get('title', '')}"[:2000])  # fmt: skip

    def rollback(
        self,
        version_id: int | None = None,
        *,
        actor: str,
        note: dict | None = None,
        previous: int | None = None,
    ) -> int:
        """Publish an earlier version: the one given, or the one published before now."""
        if version_id is None:
            version_id = self.previously_published()
            if version_id is None:
                raise VersionNotFoundError("no earlier published version to roll back to")
        self.publish(version_id, actor=actor, action="rollback", note=note, previous=previous)
        return version_id

    def _audit(self, conn: Connection, actor: str, action: str, version_id, detail: str) -> None:
        conn.execute(
            schema.audit.insert(),
            {"at": _now(), "actor": actor, "action": action, "version_id": version_id,
             "detail": detail},
        )  # fmt: skip

    def discard(self, version_id: int, *, actor: str) -> None:
        """Delete a version that was never published (a draft nobody wants).

        Its source files stay: they are the record of what was uploaded.
        """
        with self._writing() as conn:
            published = conn.execute(
                select(func.count())
                .select_from(schema.audit)
                .where(schema.audit.c.version_id == version_id)
                .where(schema.audit.c.action.in_(["publish", "rollback"]))
            ).scalar()
            if published:
                raise ValueError(f"version {version_id} has been published and is kept")
            for table in (*schema.DATA_TABLES.values(), schema.version_files):
                conn.execute(table.delete().where(table.c.version_id == version_id))
            deleted = conn.execute(
                schema.versions.delete().where(schema.versions.c.id == version_id)
            ).rowcount
            if not deleted:
                raise VersionNotFoundError(f"there is no data version {version_id}")
            self._audit(
                conn, actor, "discard", version_id, f"discarded unpublished version {version_id}"
            )

    def add_upload(self, files: list[tuple[str, bytes]], *, actor: str) -> int:
        """Keep uploaded files (by checksum) and open an upload record for them."""
        now = _now()
        listed = [
            {"name": name, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            for name, content in files
        ]
        with self._writing() as conn:
            known = set(
                conn.execute(
                    select(schema.source_files.c.sha256).where(
                        schema.source_files.c.sha256.in_([f["sha256"] for f in listed])
                    )
                ).scalars()
            )
            for f, (name, content) in zip(listed, files, strict=True):
                if f["sha256"] not in known:
                    conn.execute(
                        schema.source_files.insert(),
                        {"sha256": f["sha256"], "name": name, "bytes": len(content),
                         "content": content},
                    )  # fmt: skip
                    known.add(f["sha256"])
            upload_id = conn.execute(
                schema.uploads.insert().returning(schema.uploads.c.id),
                {"created_at": now, "created_by": actor, "status": "received", "files": listed,
                 "updated_at": now},
            ).scalar_one()  # fmt: skip
            self._audit(conn, actor, "upload", None,
                        f"upload {upload_id}: " + ", ".join(f["name"] for f in listed))  # fmt: skip
        return upload_id

    def update_upload(self, upload_id: int, **fields) -> None:
        allowed = {"status", "base_version", "draft_version", "published_version", "report"}
        if set(fields) - allowed:
            raise ValueError(f"unknown upload fields: {sorted(set(fields) - allowed)}")
        if "report" in fields:
            fields["report"] = json.loads(json.dumps(fields["report"], default=str))
        with self._writing() as conn:
            updated = conn.execute(
                schema.uploads.update().where(schema.uploads.c.id == upload_id),
                {**fields, "updated_at": _now()},
            ).rowcount
        if not updated:
            raise UploadNotFoundError(f"there is no upload {upload_id}")

    # -- the runs of upload checks -------------------------------------------------

    def start_check(self, upload_id: int, worker: str) -> int | None:
        """Open a run of an upload's check and mark the upload "checking"; None if the
        upload is not waiting for a check (someone else finished or failed it)."""
        now = _now()
        with self._writing() as conn:
            status = conn.execute(
                select(schema.uploads.c.status).where(schema.uploads.c.id == upload_id)
            ).scalar()
            if status is None:
                raise UploadNotFoundError(f"there is no upload {upload_id}")
            if status not in ("received", "checking"):
                return None
            # A run still open for this upload has been superseded by this one.
            conn.execute(
                schema.checks.update()
                .where(schema.checks.c.upload_id == upload_id)
                .where(schema.checks.c.finished_at.is_(None)),
                {"finished_at": now, "outcome": "failed",
                 "reason": "a new run of the check started"},
            )  # fmt: skip
            check_id = conn.execute(
                schema.checks.insert().returning(schema.checks.c.id),
                {"upload_id": upload_id, "started_at": now, "heartbeat_at": now,
                 "reason": "", "worker": worker[:200]},
            ).scalar_one()  # fmt: skip
            conn.execute(
                schema.uploads.update().where(schema.uploads.c.id == upload_id),
                {"status": "checking", "updated_at": now},
            )
        return check_id

    def heartbeat(self, check_id: int) -> bool:
        """Say a run is alive; False once it has been finished or declared failed."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    schema.checks.update()
                    .where(schema.checks.c.id == check_id)
                    .where(schema.checks.c.finished_at.is_(None)),
                    {"heartbeat_at": _now()},
                ).rowcount
            )

    def finish_check(self, check_id: int, outcome: str, reason: str = "", **upload) -> bool:
        """Close a run with its outcome and, in the same transaction, update its upload
        (fields as for update_upload). Only the first close counts: False (and nothing
        changed) if the run was already closed, e.g. declared failed for going quiet."""
        if "report" in upload:
            upload["report"] = json.loads(json.dumps(upload["report"], default=str))
        now = _now()
        with self._writing() as conn:
            closed = conn.execute(
                schema.checks.update()
                .where(schema.checks.c.id == check_id)
                .where(schema.checks.c.finished_at.is_(None)),
                {"finished_at": now, "outcome": outcome, "reason": reason},
            ).rowcount
            if not closed:
                return False
            upload_id = conn.execute(
                select(schema.checks.c.upload_id).where(schema.checks.c.id == check_id)
            ).scalar_one()
            if upload:
                conn.execute(
                    schema.uploads.update().where(schema.uploads.c.id == upload_id),
                    {**upload, "updated_at": now},
                )
        return True

    def checks_of(self, upload_id: int) -> list[dict]:
        """The runs of an upload's check, newest first."""
        with self.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(schema.checks)
                    .where(schema.checks.c.upload_id == upload_id)
                    .order_by(schema.checks.c.id.desc())
                ).mappings()
            ]

    def waiting_uploads(self) -> list[dict]:
        """Uploads received or being checked (what a watcher looks after)."""
        with self.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(schema.uploads).where(schema.uploads.c.status.in_(["received",
                                                                              "checking"]))
                ).mappings()
            ]  # fmt: skip

    def update_upload_if(self, upload_id: int, expected: str, **fields) -> bool:
        """update_upload, only if the upload's status is still `expected`."""
        if "report" in fields and fields["report"] is not None:
            fields["report"] = json.loads(json.dumps(fields["report"], default=str))
        with self._writing() as conn:
            return bool(
                conn.execute(
                    schema.uploads.update()
                    .where(schema.uploads.c.id == upload_id)
                    .where(schema.uploads.c.status == expected),
                    {**fields, "updated_at": _now()},
                ).rowcount
            )

    def set_target(
        self, measure: str, area_code: str, rate: float | None, *, actor: str, what: str
    ) -> tuple[float | None, float | None]:
        """Set (or, with None, clear) the target positive outcome rate of a measure,
        London-wide (area_code "") or for one area, and record in the audit who set it,
        when, and its old and new value. `what` names it in the audit ("Target for the
        positive outcome rate of knife crime, London-wide"). Returns (old, new)."""
        if rate is not None and not 0 <= rate <= 100:
            raise ValueError("a target is a percentage between 0 and 100")
        with self._writing() as conn:
            old = conn.execute(
                select(schema.targets.c.rate)
                .where(schema.targets.c.measure == measure)
                .where(schema.targets.c.area_code == area_code)
                .order_by(schema.targets.c.id.desc())
                .limit(1)
            ).scalar()
            conn.execute(
                schema.targets.insert(),
                {"measure": measure, "area_code": area_code, "rate": rate, "set_at": _now(),
                 "set_by": actor},
            )  # fmt: skip
            before, after = target_rules.percent_text(old), target_rules.percent_text(rate)
            detail = f"{what}: {before} -> {after}"
            self._audit(conn, actor, "target", None, detail)
        return old, rate

    def targets(self) -> target_rules.Targets:
        """The targets in force (the latest row of each measure and area)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.targets).order_by(schema.targets.c.id)).mappings()
            return target_rules.Targets.from_rows([dict(r) for r in rows])

    def audit(self, actor: str, action: str, version_id: int | None, detail: str) -> None:
        with self._writing() as conn:
            self._audit(conn, actor, action, version_id, detail)

    # -- reading ---------------------------------------------------------------

    def upload(self, upload_id: int) -> dict:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(schema.uploads).where(schema.uploads.c.id == upload_id))
                .mappings()
                .first()
            )
        if row is None:
            raise UploadNotFoundError(f"there is no upload {upload_id}")
        return dict(row)

    def uploads(self, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.uploads).order_by(schema.uploads.c.id.desc()).limit(limit)
            ).mappings()
            return [dict(r) for r in rows]

    def published_version_id(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(schema.publication.c.version_id).where(schema.publication.c.id == 1)
            ).scalar()

    def publication(self) -> tuple[int, dt.datetime] | None:
        """The published version and when it was published (or rolled back to), in one
        indexed read: the running app asks this once per request."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.publication.c.version_id, schema.publication.c.published_at)
                .where(schema.publication.c.id == 1)
            ).first()  # fmt: skip
        return None if row is None else (row.version_id, row.published_at)

    def previously_published(self) -> int | None:
        """The version that was public before the current one."""
        current = self.published_version_id()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.audit.c.version_id)
                .where(schema.audit.c.action.in_(["publish", "rollback"]))
                .order_by(schema.audit.c.id.desc())
            ).scalars()
            for version_id in rows:
                if version_id != current:
                    return version_id
        return None

    def version_key(self, version_id: int) -> str:
        """A name for a version's content that no other version ever has, even one
        given the same id after a discarded draft's id is reused: the id, the files'
        fingerprint and the moment it was made. Cached views are filed under it."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.versions.c.fingerprint, schema.versions.c.created_at).where(
                    schema.versions.c.id == version_id
                )
            ).first()
        if row is None:
            raise VersionNotFoundError(f"there is no data version {version_id}")
        made = row.created_at.isoformat() if row.created_at is not None else ""
        return f"{version_id}.{row.fingerprint[:16]}.{made}"

    def version_with_fingerprint(self, shas: list[str]) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.max(schema.versions.c.id)).where(
                    schema.versions.c.fingerprint == fingerprint(shas)
                )
            ).scalar()

    def versions(self) -> list[VersionInfo]:
        current = self.published_version_id()
        with self.engine.connect() as conn:
            files: dict[int, list[dict]] = {}
            for row in conn.execute(select(schema.version_files)).mappings():
                files.setdefault(row["version_id"], []).append(dict(row))
            rows = conn.execute(select(schema.versions).order_by(schema.versions.c.id)).mappings()
            return [
                VersionInfo(
                    id=r["id"],
                    created_at=r["created_at"],
                    created_by=r["created_by"],
                    note=r["note"],
                    latest_month=r["latest_month"],
                    summary=r["summary"],
                    published=r["id"] == current,
                    files=files.get(r["id"], []),
                )
                for r in rows
            ]

    def release_notes(self, limit: int | None = None) -> list[dict]:
        """The public notes of publications, newest first: id, uuid, at, action,
        version_id, previous_version_id, content."""
        query = select(schema.release_notes).order_by(schema.release_notes.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def history(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(schema.audit).order_by(schema.audit.c.id.desc())
                ).mappings()
            ]

    def source_file(self, sha256: str) -> bytes:
        with self.engine.connect() as conn:
            content = conn.execute(
                select(schema.source_files.c.content).where(schema.source_files.c.sha256 == sha256)
            ).scalar()
        if content is None:
            raise KeyError(f"no stored file with checksum {sha256}")
        return bytes(content)

    def load(self, version_id: int) -> Tables:
        """Every table of one version, as frames."""
        loaded = {}
        with self.engine.connect() as conn:
            if (
                conn.execute(
                    select(schema.versions.c.id).where(schema.versions.c.id == version_id)
                ).scalar()
                is None
            ):
                raise VersionNotFoundError(f"there is no data version {version_id}")
            for name, table in schema.DATA_TABLES.items():
                loaded[name] = _read_table(conn, table, version_id)
        return Tables(**loaded)

    def coverage(self, version_id: int) -> pd.DataFrame:
        """The months each series of a version covers (measure, level, first and last)."""
        with self.engine.connect() as conn:
            return _read_table(conn, schema.coverage, version_id)

    def load_counts(
        self, version_id: int, measures: list[str], since: dt.date | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The counts (from month `since` on) and coverage of some measures of a version."""
        if not measures:
            return _empty_frame(schema.counts), _empty_frame(schema.coverage)
        marks = ", ".join(["{mark}"] * len(measures))
        where, params = f"measure IN ({marks})", list(measures)
        counts_where, counts_params = where, params
        if since is not None:
            counts_where, counts_params = f"{where} AND month >= {{mark}}", [*params, since]
        with self.engine.connect() as conn:
            counts = _read_table(conn, schema.counts, version_id, counts_where, counts_params)
            coverage = _read_table(conn, schema.coverage, version_id, where, params)
        return counts, coverage

    def dump_csv(self, version_id: int, table: str) -> str:
        frame = getattr(self.load(version_id), table)
        buf = io.StringIO()
        frame.to_csv(buf, index=False)
        return buf.getvalue()


def _empty_frame(table) -> pd.DataFrame:
    return pd.DataFrame(columns=[c.name for c in table.columns if c.name != "version_id"])


def _read_table(
    conn: Connection, table, version_id: int, where: str = "", params: list | None = None
) -> pd.DataFrame:
    """One table of a version, converted column by column rather than row by row.

    The driver's own cursor skips SQLAlchemy's per-row objects and per-value type
    conversion, which for hundreds of thousands of rows cost seconds; pandas then
    converts whole columns at once.
    """
    columns = [c for c in table.columns if c.name != "version_id"]
    names = [c.name for c in columns]
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    extra = f" AND {where.format(mark=mark)}" if where else ""
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(
            f"SELECT {', '.join(names)} FROM {table.name} WHERE version_id = {mark}{extra}",  # noqa: S608
            (version_id, *(params or [])),
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame(rows, columns=names)
    for column in columns:
        if isinstance(column.type, Date | DateTime):
            frame[column.name] = pd.to_datetime(frame[column.name])
        elif isinstance(column.type, Boolean):
            frame[column.name] = frame[column.name].astype(bool)
        elif isinstance(column.type, Integer):
            frame[column.name] = frame[column.name].astype("int64")
    return frame


def _latest_month(tables: Tables) -> dt.date | None:
    if tables.counts.empty:
        return None
    return pd.Timestamp(tables.counts["month"].max()).date()
