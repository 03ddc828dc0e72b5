"""Files that used to crash a reader (or take minutes) are refused with a reason naming the
file, and the row and column where there is one: a CSV cell over the csv module's
field limit, a million columns, Parquet text that is not UTF-8, a Parquet column of
lists, a decompression-bomb XLSX (refused from the zip's directory, never parsed), a
truncated workbook and a PNG named .csv."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.readers import INTERNAL_ERROR, SourceFile, read_source
from data.readers import tables as tables_module
from tests import official

HEADER = ["Month_Year", "Area Type", "Borough_SNT", "Area name", "Area code", "Crime Type",
          "Crime Subtype", "Measure", "Count"]  # fmt: skip
ROW = ["01/02/2026", "Borough", "Lambeth", "Lambeth", "E09000022", "Knife Crime",
       "Knife Crime", "Offences", "5"]  # fmt: skip


def refused(name: str, content: bytes) -> list[dict]:
    result = read_source(SourceFile(name, content))
    assert result.errors, f"{name} was not refused"
    assert not any(INTERNAL_ERROR in p.reason for p in result.problems)
    return [p.as_dict() for p in result.errors]


def csv_of(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(buf, index=False)
    return buf.getvalue().encode()


def test_a_cell_over_the_csv_field_limit_is_refused_at_its_row_and_column():
    long = ROW.copy()
    long[3] = "x" * (tables_module.CSV_FIELD_LIMIT + 10)
    (problem,) = refused("long.csv", csv_of([HEADER, ROW, ROW, long, ROW]))
    assert problem["row"] == 4
    assert problem["column"] == "Area name"
    assert "more than 131,072 characters" in problem["reason"]


def test_an_unbalanced_quote_that_swallows_the_file_is_refused_with_advice():
    text = ",".join(HEADER) + "\n" + ",".join(ROW) + "\n"
    text += '01/02/2026,Borough,"Lambeth,' + ("Lambeth,E09000022,x,y,z,1\n" * 6000)
    (problem,) = refused("quote.csv", text.encode())
    assert problem["row"] == 3
    assert problem["column"] == "Borough_SNT"
    assert "quote mark" in problem["reason"]


def test_a_million_columns_are_refused_before_a_frame_is_built():
    header = ",".join(f"c{i}" for i in range(1_000_000))
    (problem,) = refused("wide.csv", (header + "\n" + "1," * 999_999 + "1\n").encode())
    assert problem["row"] == 1
    assert "1,000,000 columns" in problem["reason"]


def _parquet(column: pa.Array) -> bytes:
    frame = {h.lower().replace(" ", "_"): [v, v] for h, v in zip(HEADER, ROW, strict=True)}
    table = pa.table(frame)
    table = table.set_column(table.column_names.index("area_name"), "area_name", column)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


@pytest.mark.parametrize("as_text", [True, False], ids=["string column", "binary column"])
def test_parquet_text_that_is_not_utf8_is_refused_at_its_cell(as_text):
    values = pa.array([b"Lambeth", b"Lam\xffbeth"], type=pa.binary())
    column = values.view(pa.string()) if as_text else values
    (problem,) = refused("bad.parquet", _parquet(column))
    assert (problem["row"], problem["column"]) == (3, "area_name")
    assert "byte 0xff at position 3" in problem["reason"]


def test_a_parquet_binary_column_of_good_text_reads_as_text():
    column = pa.array([b"Lambeth", b"Lambeth"], type=pa.binary())
    result = read_source(SourceFile("ok.parquet", _parquet(column)))
    assert not any(INTERNAL_ERROR in p.reason for p in result.problems)
    assert result.kind == "crime_dashboard"


def test_a_parquet_column_of_lists_is_refused():
    (problem,) = refused("lists.parquet", _parquet(pa.array([["a"], ["b", "c"]])))
    assert (problem["row"], problem["column"]) == (1, "area_name")
    assert "list" in problem["reason"]


def _bomb(expanded_mb: int = 64) -> bytes:
    """A small real workbook whose sheet is replaced by `expanded_mb` MB of rows."""
    genuine = official.to_xlsx(pd.DataFrame([ROW], columns=HEADER))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(genuine)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            if item.filename.endswith("sheet1.xml"):
                row = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>"
                body = row * (expanded_mb * 2**20 // len(row))
                dst.writestr(item.filename, b"<worksheet><sheetData>" + body + b"</sheetData>"
                             b"</worksheet>", compresslevel=1)  # fmt: skip
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def test_a_decompression_bomb_workbook_is_refused_unread(monkeypatch):
    bomb = _bomb()
    assert len(bomb) < 2 * 2**20

    def never(*_args, **_kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(pd, "read_excel", never)
    (problem,) = refused("bomb.xlsx", bomb)
    assert "would expand" in problem["reason"]
    assert "refused unread" in problem["reason"]


def test_a_workbook_bigger_than_the_expansion_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tables_module, "XLSX_MAX_EXPANDED_BYTES", 8 * 2**20)
    monkeypatch.setattr(tables_module, "XLSX_MAX_RATIO", 10**6)
    (problem,) = refused("big.xlsx", _bomb(16))
    assert "would expand to 16 MB of XML" in problem["reason"]


def test_a_real_workbook_still_reads(raw_dir):
    workbook = official.to_xlsx(official.dashboard_frame(raw_dir, only="2026-02"))
    result = read_source(SourceFile("feb.xlsx", workbook))
    assert result.kind == "crime_dashboard"
    assert result.ok


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated.xlsx", official.to_xlsx(pd.DataFrame([ROW], columns=HEADER))[:900]),
        ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("utf16.csv", ",".join(HEADER).encode("utf-16")),
        ("zip.csv", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_files_that_are_not_what_they_say_are_refused_with_a_reason(name, content):
    problems = refused(name, content)
    assert all(p["file"] == name for p in problems)


def test_a_formula_in_a_name_column_is_reported_and_the_register_name_kept(raw_dir):
    from data.canonical import build_tables
    from geo.register import area_register

    register = area_register(raw_dir)
    month = official.dashboard_frame(raw_dir, only="2026-02")
    lambeth = month["Area code"] == "E09000022"
    month.loc[lambeth, "Area name"] = '=HYPERLINK("https://example.org","Lambeth")'
    result = read_source(SourceFile("feb.csv", official.to_csv(month)))
    assert result.ok
    tables, problems = build_tables([("feb.csv", result)], register)
    (named,) = [p for p in problems if "named differently" in p.reason]
    assert named.severity == "warning"
    assert named.column == "Area name"
    assert "E09000022: the file says '=HYPERLINK(" in named.reason
    assert "the register 'Lambeth'" in named.reason
    names = tables.areas.set_index("code")["name"]
    assert names["E09000022"] == "Lambeth"


@pytest.mark.parametrize(
    "count", ["9" * 400, "1" + "0" * 30, "9223372036854775808", "99999999999999999"]
)
def test_a_count_too_large_to_be_exact_is_refused_not_wrapped_or_rounded(count):
    row = ROW.copy()
    row[-1] = count
    problems = refused("big.csv", csv_of([HEADER, ROW, row]))
    assert any("is too large" in p["reason"] and p["row"] == 3 for p in problems)


def test_a_population_or_victim_count_too_large_is_refused(raw_dir):
    lines = (raw_dir / official.CENSUS).read_bytes().decode().splitlines()
    london = [line for line in lines[1:] if ",E09" in line]
    cells = london[0].split(",")
    cells[4] = "9" * 25
    census = "\n".join([lines[0], ",".join(cells), *london[1:]]).encode()
    assert any("number of residents" in p["reason"] for p in refused("census.csv", census))
    homicide = (raw_dir / "mps_homicide/Homicides_2003_2023.csv").read_bytes().decode()
    header, first, *rest = homicide.splitlines()
    column = [c.strip() for c in header.split(",")].index("Count of Victims")
    cells = first.split(",")
    cells[column] = "9" * 400
    problems = refused("homicide.csv", "\n".join([header, ",".join(cells), *rest[:50]]).encode())
    assert any("count of victims" in p["reason"] for p in problems)


def test_a_workbook_claiming_an_unknown_zip_version_is_refused():
    genuine = bytearray(official.to_xlsx(pd.DataFrame([ROW], columns=HEADER)))
    central = genuine.rfind(b"PK\x01\x02")
    genuine[central + 6] = 105  # "needed to extract": zip version 10.5
    (problem,) = refused("odd.xlsx", bytes(genuine))
    assert "not a whole XLSX file" in problem["reason"]


def test_parquet_column_names_that_are_not_utf8_are_refused():
    content = bytearray(_parquet(pa.array(["Lambeth", "Lambeth"])))
    at = content.rfind(b"area_name")
    content[at] = 0xEB
    problems = refused("names.parquet", bytes(content))
    assert all(p["file"] == "names.parquet" for p in problems)
