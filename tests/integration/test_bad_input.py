"""Bad files refused at ingest: a clear error naming file, row, column and reason,
and the version already published stays exactly as it was."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data.ingest import ingest
from data.problems import InputError
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register

WARD = "mps_recorded_crime/recorded-crime-ward.parquet"
OFFICIAL = {"majortext": "MajorText", "minortext": "MinorText", "wardname": "WardName",
            "wardcode": "WardCode", "lookup_boroughname": "LookUp_BoroughName"}  # fmt: skip
NAME = "MPS_Ward_Level_Crime_Most_Recent_24_Months.csv"


@pytest.fixture(scope="module")
def ward_csv(raw_dir) -> str:
    """The real ward file in the official CSV layout (first 400 rows, for speed)."""
    frame = pd.read_parquet(raw_dir / WARD).head(400).rename(columns=OFFICIAL)
    return frame.to_csv(index=False)


@pytest.fixture(scope="module")
def register(raw_dir):
    return area_register(raw_dir)


@pytest.fixture
def store(tmp_path, ward_csv, register):
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    ingest(store, [SourceFile(NAME, ward_csv.encode())], register, actor="setup")
    yield store
    store.dispose()


def _edit_cell(text: str, line: int, column: str, value: str) -> str:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    return frame.to_csv(index=False)


def _cases(ward_csv: str) -> dict[str, tuple[bytes, dict]]:
    lines = ward_csv.splitlines(keepends=True)
    header = lines[0]
    dup = "".join([*lines[:6], lines[3]])
    return {
        "truncated": ("".join(lines[:50]) + lines[50][:40]).encode(),
        "wrong headers": (header.replace("WardCode", "Ward Kode") + "".join(lines[1:])).encode(),
        "non-numeric count": _edit_cell(ward_csv, 7, "202405", "twelve").encode(),
        "negative count": _edit_cell(ward_csv, 9, "202406", "-4").encode(),
        "duplicate key": dup.encode(),
        "unknown ward code": _edit_cell(ward_csv, 11, "WardCode", "E05999999").encode(),
        "empty file": b"",
        "wrong encoding": ward_csv.encode("utf-16"),
    }


EXPECT = {
    # case: (row, column, words in the reason)
    "truncated": (51, None, "truncated"),
    "wrong headers": (1, None, "header"),
    "non-numeric count": (7, "202405", "not a number"),
    "negative count": (9, "202406", "negative"),
    "duplicate key": (7, None, "may appear only once"),
    "unknown ward code": (None, None, "E05999999"),
    "empty file": (None, None, "empty"),
    "wrong encoding": (None, None, "UTF-8"),
}


@pytest.mark.parametrize("case", list(EXPECT))
def test_a_bad_file_is_refused_with_its_place_and_nothing_changes(case, store, ward_csv, register):
    content = _cases(ward_csv)[case]
    before = store.published_version_id()
    versions = [v.id for v in store.versions()]
    with pytest.raises(InputError) as caught:
        ingest(store, [SourceFile("upload.csv", content)], register, actor="staff")
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors
    assert all(p.file.startswith("upload.csv") for p in errors)
    row, column, words = EXPECT[case]
    assert any(words.lower() in p.reason.lower() for p in errors), [str(p) for p in errors]
    if row is not None:
        assert any(p.row == row for p in errors), [str(p) for p in errors]
    if column is not None:
        assert any(p.column == column for p in errors), [str(p) for p in errors]
    assert store.published_version_id() == before
    assert [v.id for v in store.versions()] == versions
