"""`wec`: the command-line tool for staff and operators."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click

from dashboard import logs
from dashboard.settings import Settings


def _settings() -> Settings:
    settings = Settings.from_env()
    logs.configure(settings.log_level)
    return settings


def _store(settings: Settings):
    from data.store.store import Store

    return Store(settings.database_url)


def _actor() -> str:
    return os.environ.get("WEC_ACTOR") or getpass.getuser()


@click.group()
def main() -> None:
    """London Weapon-Enabled Crime Dashboard: data and server commands."""


@main.command("ingest")
@click.option(
    "--raw-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Folder laid out like ../shared/data/raw (default: WEC_RAW_DIR).",
)
@click.option("--publish/--no-publish", default=True, show_default=True)
@click.option("--note", default="", help="Why this version was made.")
def ingest_command(raw_dir: Path | None, publish: bool, note: str) -> None:  # fmt: skip
    """Read every data file of a raw-data folder into a new version."""
    from data.ingest import ingest, raw_sources
    from data.problems import InputError
    from geo.register import area_register

    settings = _settings()
    raw_dir = raw_dir or settings.raw_dir
    if raw_dir is None:
        raise click.UsageError("no raw-data folder: pass --raw-dir or set WEC_RAW_DIR")
    store = _store(settings)
    try:
        report = ingest(store, raw_sources(raw_dir), area_register(raw_dir), actor=_actor(),
                        publish=publish, note=note)  # fmt: skip
    except InputError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was published; the published version is unchanged.", err=True)
        sys.exit(1)
    if not report.created:
        click.echo(f"These files already make version {report.version_id}; nothing new created.")
    else:
        for f in report.files:
            months = f" {f.first_month:%Y-%m} to {f.last_month:%Y-%m}" if f.first_month else ""
            warned = f"{f.warnings} warning{'s' if f.warnings != 1 else ''}"
            click.echo(f"  {f.name}: {f.kind}, {f.rows_read:,} rows{months}, {warned}")
        for w in report.warnings:
            click.echo(f"  {w}")
        click.echo(f"Created version {report.version_id} in {report.seconds:.1f} s: "
                   + ", ".join(f"{k} {v:,}" for k, v in report.row_counts.items()))  # fmt: skip
    if report.published:
        click.echo(f"Published version {report.version_id}.")


@main.command("versions")
def versions_command() -> None:
    """List data versions, marking the published one."""
    store = _store(_settings())
    for v in store.versions():
        mark = "*" if v.published else " "
        latest = f"{v.latest_month:%Y-%m}" if v.latest_month else "-"
        files = len([f for f in v.files if f["kind"] != "revision"])
        click.echo(f"{mark} {v.id:>4}  {v.created_at:%Y-%m-%d %H:%M}  {v.created_by:<16} "
                   f"latest {latest}  {files} files  {v.note}")  # fmt: skip


@main.command("publish")
@click.argument("version", type=int)
def publish_command(version: int) -> None:
    """Make VERSION the public one."""
    from data.refresh import publish_version
    from data.store.store import VersionNotFoundError

    store = _store(_settings())
    try:
        publish_version(store, version, actor=_actor())
    except VersionNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Published version {version}.")


@main.command("rollback")
@click.argument("version", type=int, required=False)
def rollback_command(version: int | None) -> None:
    """Publish VERSION again (default: the version published before the current one)."""
    from data.refresh import rollback
    from data.store.store import VersionNotFoundError

    store = _store(_settings())
    try:
        restored = rollback(store, version, actor=_actor())
    except VersionNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Rolled back: version {restored} is published.")


@main.command("history")
def history_command() -> None:
    """Who created, published and rolled back which version, newest first."""
    store = _store(_settings())
    for row in store.history():
        version = f"v{row['version_id']}" if row["version_id"] is not None else "-"
        click.echo(f"{row['at']:%Y-%m-%d %H:%M:%S}  {row['actor']:<16} {row['action']:<9} "
                   f"{version:<5} {row['detail']}")  # fmt: skip


@main.command("upload")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option("--publish", is_flag=True, help="Publish the new version if the check passes.")
def upload_command(files: tuple[Path, ...], publish: bool) -> None:  # fmt: skip
    """Check FILES against the published version, as the staff page does; with
    --publish, publish the result. Exits 1 if the files are refused."""
    from dashboard.services import DataService
    from dashboard.staff import StaffService
    from data import refresh
    from presenters.staff import errors_words

    settings = _settings()
    staff = StaffService(DataService(settings))
    store, actor = staff.store, _actor()
    too_big = [f for f in files if f.stat().st_size > settings.upload_max_bytes]
    if too_big:
        click.echo(", ".join(f.name for f in too_big) + f": over the limit of "
                   f"{settings.upload_max_bytes:,} bytes (WEC_UPLOAD_MAX_BYTES). Nothing was "
                   "uploaded.", err=True)  # fmt: skip
        sys.exit(1)
    if publish and store.published_version_id() is None:
        click.echo(f"Refused: {refresh.NOTHING_PUBLISHED}.", err=True)
        sys.exit(1)
    upload_id = store.add_upload([(f.name, f.read_bytes()) for f in files], actor=actor)
    report = refresh.check_upload(store, upload_id, staff.area_register(), read=staff.read,
                                  limits=staff.check_limits)  # fmt: skip
    if report.failed:
        click.echo(f"Upload {upload_id}: the check did not finish: {report.failed}. Nothing "
                   "was published.", err=True)  # fmt: skip
        sys.exit(1)
    for f in report.files:
        click.echo(f"{f.name}: {f.format}, months {f.months or 'none'}, {f.rows_read:,} rows "
                   f"read, {f.rows_rejected:,} rejected, sha256 {f.sha256[:12]}")  # fmt: skip
        for p in f.errors + f.warnings:
            where = "".join(
                [f", row {p['row']}" if p["row"] is not None else "",
                 f", column {p['column']!r}" if p["column"] else ""]
            )  # fmt: skip
            click.echo(f"  {p['severity']}: {p['file']}{where}: {p['reason']}")
        if f.note:
            click.echo(f"  {f.note}")
    for p in report.problems:
        click.echo(f"  {p['severity']}: {p['file']}: {p['reason']}")
    if not report.ok:
        click.echo(f"Upload {upload_id} refused: {errors_words(len(report.errors))}. Nothing "
                   "was published; the published version is unchanged.", err=True)  # fmt: skip
        sys.exit(1)
    for change in report.changes:
        new = ", ".join(m["month"] for m in change.new_months)
        click.echo(f"  {change.label}, {change.level}: "
                   + "; ".join(part for part in (
                       f"new months {new}" if new else "",
                       f"{len(change.revised_months)} months revised"
                       if change.revised_months else "",
                   ) if part))  # fmt: skip
    if report.unchanged:
        click.echo(f"Upload {upload_id}: nothing changes; version {report.draft_version} "
                   "is already published.")  # fmt: skip
        return
    click.echo(f"Upload {upload_id} passed: draft version {report.draft_version}, checked in "
               f"{report.seconds:.1f} s.")  # fmt: skip
    if publish:
        try:
            done = refresh.publish_upload(store, upload_id, staff.area_register(), actor=actor,
                                          read=staff.read)  # fmt: skip
        except refresh.RefreshError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Published version {done.version_id}.")
    else:
        click.echo(f"Publish it with: wec publish {report.draft_version}")


@main.command("gc")
@click.option(
    "--older-than-days",
    type=float,
    default=None,
    help="Delete drafts made over this many days ago (default: WEC_DRAFT_RETENTION_DAYS).",
)
def gc_command(older_than_days: float | None) -> None:
    """Delete unpublished drafts nobody can publish any more, and old kept reads; fail
    checks whose worker has died. Published versions are always kept."""
    import datetime as dt

    from dashboard.services import DataService
    from dashboard.staff import StaffService
    from data import refresh

    settings = _settings()
    staff = StaffService(DataService(settings))
    days = settings.draft_retention_days if older_than_days is None else older_than_days
    failed = refresh.watch_checks(staff.store, staff.check_limits)
    removed = refresh.collect_garbage(
        staff.store, older_than=dt.timedelta(days=days), actor=_actor()
    )
    pruned = staff.cache.prune()
    for upload_id in failed:
        click.echo(f"Upload {upload_id}: its check had stopped; marked failed.")
    click.echo(f"Deleted {len(removed)} unpublished drafts made over {days:g} days ago"
               + (f" (versions {', '.join(map(str, removed))})" if removed else "")
               + f", and {pruned} kept file reads no longer used.")  # fmt: skip


@main.group("users")
def users_group() -> None:
    """Staff accounts for the staff area (/staff)."""


def _accounts():
    from dashboard.auth import Accounts

    settings = _settings()
    return Accounts(_store(settings).engine, session_hours=settings.session_hours,
                    session_idle_minutes=settings.session_idle_minutes)  # fmt: skip


def _password() -> str:
    # WEC_PASSWORD is for automation; by hand, the password is asked for twice.
    return os.environ.get("WEC_PASSWORD") or click.prompt(
        "Password (at least 12 characters)", hide_input=True, confirmation_prompt=True
    )


@users_group.command("add")
@click.argument("username")
@click.option("--name", default="", help="The person's full name.")
def users_add(username: str, name: str) -> None:
    """Create a staff account (the password is asked for, or read from WEC_PASSWORD)."""
    from dashboard.auth import AccountError

    try:
        user = _accounts().create(username, _password(), name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created staff account {user.username}.")


@users_group.command("password")
@click.argument("username")
def users_password(username: str) -> None:
    """Set a new password; every session of the account ends and its lock is lifted."""
    from dashboard.auth import AccountError

    try:
        _accounts().set_password(username, _password())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Password changed for {username}.")


@users_group.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Stop an account signing in (its sessions end too)."""
    from dashboard.auth import AccountError

    try:
        _accounts().set_active(username, False)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Disabled {username}.")


@users_group.command("unlock")
@click.argument("username")
@click.option("--address", default=None, help="Also lift the block of this client address.")
def users_unlock(username: str, address: str | None) -> None:
    """Lift the sign-in lock of an account (after too many failed attempts)."""
    accounts = _accounts()
    if accounts.by_username(username) is None:
        raise click.ClickException(f"there is no active account called {username!r}")
    cleared = accounts.unlock(username, address)
    click.echo(f"Unlocked {username}" + (f" and address {address}" if address else "")
               + ("." if cleared else " (nothing was locked)."))  # fmt: skip


@users_group.command("list")
def users_list() -> None:
    """Staff accounts, and any sign-in lock."""
    for u in _accounts().users():
        state = "active" if u["active"] else "disabled"
        lock = f"  locked until {u['locked_until']:%H:%M} UTC" if u["locked_until"] else ""
        click.echo(f"{u['username']:<20} {u['name']:<30} {state}  "
                   f"created {u['created_at']:%Y-%m-%d}{lock}")  # fmt: skip


@main.command("build-geo")
def build_geo_command() -> None:
    """Build the browser's boundary files, their gzipped copies and the neighbours of
    wards and small areas (also done on first start)."""
    from dashboard.services import compress_web_files
    from geo.web import build_web_layers
    from geo.weights import build_weights

    settings = _settings()
    if settings.raw_dir is None:
        raise click.UsageError("no raw-data folder: set WEC_RAW_DIR")
    for level, path in build_web_layers(settings.raw_dir, settings.web_dir).items():
        click.echo(f"{level}: {path} ({path.stat().st_size:,} bytes)")
    for level, path in build_weights(settings.raw_dir, settings.weights_dir).items():
        click.echo(f"{level} neighbours: {path} ({path.stat().st_size:,} bytes)")
    for packed in compress_web_files(settings.web_dir):
        click.echo(f"gzipped: {packed} ({packed.stat().st_size:,} bytes)")


@main.command("warm")
def warm_command() -> None:
    """Work out the published version's views now, into the configured cache.

    The running app does this by itself within seconds of a publish (one worker, in the
    background); with REDIS_URL this command does it for every worker and instance,
    in the foreground (for a deployment script that opens the doors afterwards).
    """
    from dataclasses import replace

    from dashboard.services import DataService

    # This command is the warm-up: loading the version must not also start the
    # background one (it would work the same views out a second time beside it).
    settings = replace(_settings(), warm_views=False)
    service = DataService(settings)
    ds = service.dataset()
    if ds is None:
        raise click.ClickException("nothing is published")
    if settings.cache_type != "RedisCache" or not settings.redis_url:
        click.echo("No REDIS_URL: each worker keeps its own views, and warms them itself.")
    done = service.warmer.warm(ds, duty=1.0)
    if done is None:
        raise click.ClickException("another version was published meanwhile")
    service.warmer.mark(ds, done)
    click.echo(f"Warmed version {ds.version_id}: {done['views']} views in {done['seconds']} s.")
    for group, (n, seconds) in done["by_group"].items():
        click.echo(f"  {group}: {n} in {seconds} s")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--dev",
    is_flag=True,
    help="Development mode (WEC_ENV=development): Flask's development server, with "
    "reloading and Dash's dev tools; a random SECRET_KEY if none is set.",
)
def serve_command(host: str, port: int, workers: int, dev: bool) -> None:
    """Ingest on first start if nothing is published, then serve the dashboard."""
    from dashboard.services import ensure_ready
    from dashboard.settings import InsecureSettingsError

    if dev:
        os.environ["WEC_ENV"] = "development"
    settings = _settings()
    try:
        settings.require_safe()
    except InsecureSettingsError as exc:
        raise click.ClickException(str(exc)) from None
    ensure_ready(settings)
    if dev:
        from dashboard.app import create_app

        create_app(settings).run(host=host, port=port, debug=True)
        return
    repo = Path(__file__).resolve().parents[1]
    os.environ["WEC_BIND"] = f"{host}:{port}"
    os.environ["WEB_CONCURRENCY"] = str(workers)
    os.chdir(repo)
    os.execvp(  # noqa: S606 - replaces this process with gunicorn, arguments are fixed
        sys.executable,
        [sys.executable, "-m", "gunicorn", "-c", str(repo / "gunicorn.conf.py"), "app:server"],
    )
