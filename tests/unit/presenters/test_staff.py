"""The staff presenter on hand-made reports, datasets and store records: the preview opens
on what an upload changes, words count right, and the history says what happened."""

from __future__ import annotations

import base64
import datetime as dt
from types import SimpleNamespace

from data.refresh import FileCheck, Report, SeriesChange
from presenters import staff
from tests.builders import BOROUGH_WARD, BRIXTON, CLAPHAM, PECKHAM, STOCKWELL, tiny_dataset

KNIFE = "Knife crime"


def report(*changes: SeriesChange, files=(), problems=()) -> Report:
    return Report(upload_id=7, base_version=1, files=list(files), problems=list(problems),
                  changes=list(changes), tables={"counts": [10, 12]}, kept=[], left_out=[],
                  draft_version=2, seconds=1.25)  # fmt: skip


def new(measure: str, level: str, *months: str) -> SeriesChange:
    return SeriesChange(
        measure, KNIFE, level, new_months=[{"month": m, "total": 5} for m in months]
    )


def revised(measure: str, level: str, *months: str) -> SeriesChange:
    return SeriesChange(measure, KNIFE, level, revised_months=[
        {"month": m, "before": 4, "after": 6, "areas": 2} for m in months])  # fmt: skip


# -- the preview opens on what changed ------------------------------------------------


def test_a_ward_only_upload_opens_the_preview_on_wards_and_its_month():
    # London's figures have no map; the wards gained February 2026.
    r = report(new("knife_crime", "ward", "2026-02"))
    assert staff.preview_opening(r) == staff.PreviewState("knife_crime", "ward", "2026-02")
    assert staff.check_view(r, "ready").preview == {
        "measure": "knife_crime", "level": "ward", "month": "2026-02"}  # fmt: skip


def test_a_revision_opens_on_the_latest_month_it_revises():
    r = report(revised("knife_crime_injury", "borough", "2025-06", "2025-09"))
    assert staff.preview_opening(r) == staff.PreviewState("knife_crime_injury", "borough",
                                                          "2025-09")  # fmt: skip


def test_an_upload_that_changes_no_map_has_no_preview():
    r = report(new("knife_crime", "london", "2026-02"))
    view = staff.check_view(r, "ready")
    assert view.preview is None
    assert view.preview_hidden


def test_a_choice_is_kept_only_where_the_upload_changes_something():
    r = report(new("knife_crime", "borough", "2026-02"),
               new("knife_crime", "ward", "2026-01", "2026-02"))  # fmt: skip
    assert staff.preview_state(r, {"measure": "knife_crime", "level": "ward",
                                   "month": "2026-01"}) == staff.PreviewState(
        "knife_crime", "ward", "2026-01")  # fmt: skip
    # A month the ward figures do not change, and a measure the upload does not touch.
    assert staff.preview_state(r, {"measure": "gun_crime", "level": "lsoa",
                                   "month": "1999-01"}) == staff.PreviewState(
        "knife_crime", "borough", "2026-02")  # fmt: skip
    months = staff.preview_controls(r, staff.PreviewState("knife_crime", "ward", "2026-02"))
    month = next(s for s in months.selects if s.name == "month")
    assert [o.label for o in month.options] == ["February 2026 (new)", "January 2026 (new)"]


def test_the_preview_draws_the_drafts_month_and_both_totals():
    counts = {BRIXTON: [2] * 24, CLAPHAM: [1] * 24, STOCKWELL: [1] * 24, PECKHAM: [1] * 24,
              BOROUGH_WARD: [1] * 24}  # fmt: skip
    published = tiny_dataset(counts, first_month="2024-02")  # to January 2026
    counts[BRIXTON] = counts[BRIXTON] + [9]
    for code in (CLAPHAM, STOCKWELL, PECKHAM, BOROUGH_WARD):
        counts[code] = counts[code] + [1]
    draft = tiny_dataset(counts, first_month="2024-02", ward_only_months=1, version=2)
    r = report(new("knife_crime", "ward", "2026-02"))
    view = staff.preview_view(published, draft, 2, r, staff.preview_opening(r))
    assert view.note == ("Knife crime, wards, February 2026, as the public map would show it "
                         "after publishing version 2.")  # fmt: skip
    values = dict(zip(view.paint.codes, view.paint.z, strict=True))
    assert values[BRIXTON] == 9
    totals = {row[0]: [c[1] for c in row[1:]] for row in view.totals.rows}
    # February 2026, published and after: the wards' 13 and 1 placed in no ward; the 12
    # months to February 2026 after publishing: 11 x 7 + 14 = 91 (a month of 2 + 4 x 1
    # and 1 unplaced is 7). Nothing is published for February yet.
    assert totals["Wards"] == [None, 14, None, 91]
    assert totals["Boroughs"] == [None, None, None, None]
    assert view.totals.column_texts(view.totals.headings[1]) == ["not published"] * 3
    assert view.totals.headings[1:] == [
        "February 2026: published", "February 2026: after publishing",
        "12 months to February 2026: published", "12 months to February 2026: after publishing",
    ]  # fmt: skip


# -- words ------------------------------------------------------------------------------


def test_errors_are_counted_in_words():
    assert staff.errors_words(1) == "1 error"
    assert staff.errors_words(3) == "3 errors"
    problem = {"file": "feb.csv", "row": 5, "column": "Count", "reason": "negative",
               "severity": "error"}  # fmt: skip
    check = FileCheck("feb.csv", "ab" * 32, 2048, "knife", "MPS Monthly Crime Dashboard", True,
                      "2026-02 to 2026-02", 10, 1, errors=[problem])  # fmt: skip
    view = staff.report_view(report(files=[check]), "refused")
    assert view.refused
    assert view.status[0].text.startswith("Refused: 1 error. Nothing was published")
    assert view.files[0].errors.caption == "Errors in feb.csv (1 error)"
    assert view.files[0].errors.texts() == [["feb.csv", "5", "Count", "negative"]]
    assert ("Rows rejected", "1") in view.files[0].facts
    assert staff.limits_words(1, 2 * 2**20) == "Up to 1 file at once, each up to 2 MB."


def test_a_passed_report_lists_new_and_revised_months_with_signed_changes():
    r = report(new("knife_crime", "ward", "2026-02"), revised("knife_crime", "borough", "2025-12"))
    view = staff.report_view(r, "ready")
    assert view.status[0].text == ("Passed its check: a draft version ready to publish. "
                                   "Draft version 2.")  # fmt: skip
    assert view.checked == "Checked against published version 1, in 1.2 s."
    captions = [t.caption for t in view.changes]
    assert captions == ["New months", "Revised months"]
    assert view.changes[1].texts() == [[KNIFE, "Boroughs", "2025-12", "4", "6", "+2", "2"]]


def test_uploaded_files_are_decoded_and_refused_with_reasons():
    data = "data:text/csv;base64," + base64.b64encode(b"a,b\n1,2\n").decode()
    files, refused = staff.decode_files([data, "data:,%%%", "data:text/csv;base64,"],
                                        ["ok.csv", "broken.csv", "empty.csv"],
                                        max_bytes=100, max_files=5)  # fmt: skip
    assert files == [("ok.csv", b"a,b\n1,2\n")]
    assert refused == ["broken.csv: the file did not arrive whole; upload it again.",
                       "empty.csv: the file is empty."]  # fmt: skip
    assert staff.decode_files([data] * 3, None, max_bytes=100, max_files=2) == (
        [], ["3 files were chosen; upload at most 2 at once."])  # fmt: skip


# -- the history -------------------------------------------------------------------------


def test_the_history_says_rolled_back_never_rollbacked():
    at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    versions = [
        SimpleNamespace(id=1, created_at=at, created_by="setup", latest_month=dt.date(2026, 1, 1),
                        summary={"rows": {"counts": 1200}}, files=[
                            {"kind": "knife", "name": "knife.csv", "rows_read": 1200,
                             "sha256": "f" * 64}]),
        SimpleNamespace(id=2, created_at=at, created_by="alice", latest_month=None, summary={},
                        files=[]),
    ]  # fmt: skip
    history = [  # newest first, as the store gives it
        {"at": at, "actor": "alice", "action": "rollback", "version_id": 1,
         "detail": "rollbacked version 1"},
        {"at": at, "actor": "alice", "action": "publish", "version_id": 2,
         "detail": "published version 2"},
        {"at": at, "actor": "alice", "action": "upload", "version_id": None,
         "detail": "upload 3: feb.csv"},
        {"at": at, "actor": "setup", "action": "publish", "version_id": 1,
         "detail": "published version 1"},
    ]  # fmt: skip
    view = staff.history_view(1, versions, history, [])
    rows = {r.id: r for r in view.versions}
    assert [r.id for r in view.versions] == [2, 1]
    assert rows[1].status == "current"
    assert rows[2].status == "earlier"  # published once: it can be published again
    assert rows[1].published == (
        "Published again by alice (a roll back), 2 March 2026 at 09:30 UK time"
    )
    assert rows[1].files == (("knife.csv (1,200 rows)", "f" * 12, "f" * 64),)
    audit = view.audit.texts()
    assert [row[2] for row in audit] == ["Rolled back to", "Published", "Uploaded", "Published"]
    assert audit[0][4] == "Rolled back to version 1: published again"
    assert audit[2][3] == ""  # an upload belongs to no version
    assert "rollbacked" not in str(audit)


# -- checks that did not finish, drafts that expired, checking again ------------------


def failed(reason: str) -> Report:
    """A check's report as data.refresh writes it when the check did not finish."""
    problem = {"file": "(upload)", "row": None, "column": None, "severity": "error",
               "reason": f"The check did not finish: {reason}."}  # fmt: skip
    return Report(upload_id=7, base_version=1, files=[], problems=[problem], changes=[],
                  tables={}, kept=[], left_out=[], failed=reason)  # fmt: skip


def test_a_check_that_did_not_finish_says_why_and_offers_to_check_again():
    reason = "the process checking it (host:4242) stopped: nothing was heard from it for 31 s"
    view = staff.check_view(failed(reason), "failed")
    assert view.report.failed
    assert view.report.refused
    assert [p.text for p in view.report.status] == [
        f"The check did not finish: {reason}.",
        "Nothing was published and the published version is unchanged. Check it again; if "
        "it fails again, tell the dashboard's developers.",
    ]
    # Nothing else: no files, no problems table repeating the reason, no changes.
    assert view.report.files == ()
    assert view.report.problems is None
    assert view.report.changes == ()
    assert not view.again_hidden
    assert view.publish_hidden
    assert not view.discard_hidden  # a failed upload can be put aside
    assert view.preview_hidden
    assert view.progress == "The check did not finish."
    assert view.actions.startswith("The check did not finish, so nothing can be published")


def test_an_expired_draft_is_checked_again_and_its_old_changes_are_not_shown():
    r = report(new("knife_crime", "ward", "2026-02"))  # passed once, draft version 2
    view = staff.check_view(r, "expired")
    assert not view.again_hidden
    assert not view.discard_hidden
    assert view.publish_hidden
    assert view.preview_hidden
    assert view.progress == "Check finished."  # it did finish, long ago
    # Its draft is gone: not named as if it could still be published.
    assert view.report.status[0].text == (
        "Its draft was deleted because a newer version was published or checked since: "
        "check it again to make a new one.")  # fmt: skip
    assert view.report.changes == ()
    assert view.report.rows is None
    assert view.report.change_notes[0].text.startswith("What it would have changed is not shown")


def test_checks_that_ended_well_hide_check_again():
    r = report(new("knife_crime", "ward", "2026-02"))
    for status in ("ready", "refused", "unchanged", "published", "discarded"):
        view = staff.check_view(r, status)
        assert view.again_hidden, status
        assert view.progress == "Check finished."


def test_a_file_that_could_not_be_read_shows_no_row_counts():
    problem = {"file": "cut.xlsx", "row": None, "column": None, "severity": "error",
               "reason": "the file is not a whole XLSX workbook"}  # fmt: skip
    check = FileCheck("cut.xlsx", "cd" * 32, 3 * 2**20, "unknown", "", False, "", 0, 0,
                      errors=[problem])  # fmt: skip
    view = staff.file_view(check)
    assert view.facts == (("Format", "Not read: see the errors below"), ("Size", "3.00 MB"),
                          ("SHA-256", "cd" * 32))  # fmt: skip


def test_a_refused_report_does_not_list_the_files_a_new_version_would_keep():
    problem = {"file": "feb.csv", "row": 5, "column": "Count", "reason": "negative",
               "severity": "error"}  # fmt: skip
    check = FileCheck("feb.csv", "ab" * 32, 2048, "knife", "MPS Monthly Crime Dashboard", True,
                      "2026-02 to 2026-02", 10, 1, errors=[problem])  # fmt: skip
    refused = report(files=[check])
    refused.kept, refused.left_out = ["census.csv"], ["knife-old.csv"]
    assert staff.report_view(refused, "refused").kept == ()
    passed = report(new("knife_crime", "ward", "2026-02"))
    passed.kept = ["census.csv"]
    assert [p.text for p in staff.report_view(passed, "ready").kept] == [
        "Published files kept in the new version: census.csv."]  # fmt: skip


def upload_record(status: str, seconds_ago: float, report_: Report | None, now: dt.datetime,
                  aware: bool = True) -> dict:  # fmt: skip
    updated = now - dt.timedelta(seconds=seconds_ago)
    return {"id": 7, "status": status, "base_version": 1,
            "updated_at": updated if aware else updated.replace(tzinfo=None),
            "report": None if report_ is None else report_.to_dict()}  # fmt: skip


def test_the_watcher_shows_a_failure_at_once_and_a_lost_answer_after_it_settles():
    now = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    # While the check runs, nothing new.
    assert staff.watched_view(upload_record("received", 500, None, now), now) is None
    assert staff.watched_view(upload_record("checking", 0, None, now), now) is None
    # A failure is shown as soon as the store has it.
    shown = staff.watched_view(upload_record("failed", 0, failed("it took too long"), now), now)
    assert shown.report.status[0].text == "The check did not finish: it took too long."
    assert not shown.again_hidden
    # A check that passed: its job's own answer is on the way for 15 seconds (SETTLE) ...
    passed = report(new("knife_crime", "ward", "2026-02"))
    assert staff.watched_view(upload_record("ready", 14, passed, now), now) is None
    # ... after which the watcher shows the stored report (the database's naive time is UTC).
    late = staff.watched_view(upload_record("ready", 16, passed, now, aware=False), now)
    assert late.report.status[0].text.startswith("Passed its check")
    assert late.publish_text == "Publish version 2"


def test_a_check_that_could_not_start_and_a_check_again_are_said_plainly():
    assert staff.could_not_start_words(RuntimeError("no boundary files")) == (
        "it could not start (RuntimeError: no boundary files)")  # fmt: skip
    assert staff.checked_again_words(7) == "Upload 7 is being checked again."
    assert staff.not_checked_again_words("upload 7 is ready") == (
        "Not checked again: upload 7 is ready.")  # fmt: skip


def test_an_ended_session_says_when_sessions_end_and_links_to_sign_in():
    view = staff.session_ended_view(30, 8, "/staff/history")
    assert view.heading == "Your staff session has ended"
    assert "after 30 minutes without use, 8 hours after signing in" in view.text
    assert view.sign_in.href == "/staff/sign-in?next=/staff/history"
    assert "after 1 minute without use, 0.5 hours after" in staff.session_ended_view(
        1, 0.5, "/staff").text  # fmt: skip
