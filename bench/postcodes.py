"""How fast the postcode search answers, and how the postcode points sit in the wards.

    python bench/postcodes.py [--data-dir DIR] [--queries N]

Times, on the real published data, one query of each kind through the index alone
(`Dataset.postcodes`) and through the one area search every page uses
(`presenters.common.areas.find`): a full postcode (N different ones, every 1 in
180,754/N), a district, a sector, a City postcode, one outside London, and bad input.
Beside them, in the same run, a reference: a Python dict lookup of the same postcodes,
so a noisy machine shows in both. The target is under 5 ms a query (95 in 100). Then the
building of the index from the version's table (once per loaded version), and the
check of every postcode point against the generalised ward polygons
(`geo.postcodes.check_wards`): how many fall outside every polygon, and how many in a
polygon other than the ward the file gives.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data.postcodes import PostcodeIndex  # noqa: E402
from geo.postcodes import check_against_boundaries  # noqa: E402
from presenters.common import areas  # noqa: E402

TARGET_MS = 5.0


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered) * 1e3:7.3f} ms  p95 {p95 * 1e3:7.3f} ms  "
        f"max {ordered[-1] * 1e3:7.3f} ms"
    )


def _time(call, inputs) -> list[float]:
    out = []
    for value in inputs:
        started = time.perf_counter()
        call(value)
        out.append(time.perf_counter() - started)
    return out


def timings(ds, n: int) -> None:
    units = list(ds.postcodes.units())
    step = max(1, len(units) // n)
    sample = units[::step][:n]
    typed = [u.lower().replace(" ", "") for u in sample]
    reference = dict(zip(units, ds.postcodes.wards(), strict=True))
    areas.find(ds, "SW2 1RW")  # the area labels are worked out once per version
    rows = [
        ("reference: dict lookup", _time(reference.get, sample)),
        ("index: a full postcode", _time(ds.postcodes.place, typed)),
        ("index: a district (CR0, 19 wards)", _time(ds.postcodes.ward_counts, ["CR0 "] * n)),
        ("find: a full postcode", _time(lambda t: areas.find(ds, t), typed)),
        ("find: a district (CR0)", _time(lambda t: areas.find(ds, t), ["CR0"] * n)),
        ("find: a sector (SW2 1)", _time(lambda t: areas.find(ds, t), ["SW2 1"] * n)),
        ("find: the City (EC2V 7HH)", _time(lambda t: areas.find(ds, t), ["EC2V 7HH"] * n)),
        ("find: outside London (M1 1AE)", _time(lambda t: areas.find(ds, t), ["M1 1AE"] * n)),
        ("find: bad input (XX1)", _time(lambda t: areas.find(ds, t), ["XX1"] * n)),
        ("find: a name (Brixton)", _time(lambda t: areas.find(ds, t), ["Brixton"] * n)),
    ]
    print(f"{len(units):,} postcodes; {n:,} queries of each kind; target under {TARGET_MS} ms "
          "for 95 in 100 (the max shows the machine's pauses: see the reference's)")  # fmt: skip
    for name, seconds in rows:
        p95 = sorted(seconds)[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1e3
        print(f"  {name:36} {_ms(seconds)}  {'ok' if p95 < TARGET_MS else 'SLOW'}")


def index_build(ds) -> None:
    started = time.perf_counter()
    PostcodeIndex(ds.tables.postcodes)
    print(f"building the index from the version's table: {time.perf_counter() - started:.2f} s")


def polygons(ds, raw_dir: Path) -> None:
    started = time.perf_counter()
    check = check_against_boundaries(ds.tables.postcodes, raw_dir)
    print(f"postcode points against the generalised ward polygons "
          f"({time.perf_counter() - started:.1f} s):")  # fmt: skip
    for name, value in check.summary().items():
        print(f"  {name}: {value:,.2f}" if isinstance(value, float) else f"  {name}: {value:,}")
    print("  outside every polygon (each resolves to the file's ward):")
    print(check.outside[["postcode", "ward_code", "polygon_ward", "distance_m"]]
          .to_string(index=False, float_format="%.1f"))  # fmt: skip
    worst = check.disagreements.sort_values("from_file_ward_m", ascending=False).head(10)
    print("  disagreements farthest from the file's ward polygon:")
    print(worst[["postcode", "ward_code", "polygon_ward", "from_file_ward_m"]]
          .to_string(index=False, float_format="%.1f"))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    settings = Settings.from_env(
        {"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING", "WEC_WARM_VIEWS": "false"}
    )
    ensure_ready(settings)
    ds = DataService(settings).dataset()
    if ds is None:
        sys.exit("nothing is published: set WEC_RAW_DIR to the raw data folder")
    if not len(ds.postcodes):
        sys.exit("the published version has no postcodes: ingest the raw data again")
    timings(ds, args.queries)
    index_build(ds)
    if settings.raw_dir is not None:
        polygons(ds, settings.raw_dir)


if __name__ == "__main__":
    main()
