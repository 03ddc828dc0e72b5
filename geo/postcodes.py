"""Postcode points against the ward boundaries: which ward polygon each point falls in.

The postcode search opens the ward Code-Point Open gives each postcode (its
`Admin_ward_code`, assigned by Ordnance Survey on the real ward boundaries). The ward
boundaries the map draws are heavily generalised (about 37 vertices a ward), so a
postcode close to a ward's edge can fall in a neighbour's polygon, or in no polygon
at all (a river frontage cut off by the simplified outline). This check says how
often the generalised polygons and the file's ward codes disagree, and where: it is
what shows that the search must use the file's codes, not the map's polygons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.boundaries import BRITISH_NATIONAL_GRID, load_wards


@dataclass(frozen=True)
class WardCheck:
    """Each postcode with a point: the file's ward, the polygon's ward, and how far the
    point lies outside every polygon (0 inside one).

    `frame` columns: postcode, ward_code (the file's), polygon_ward (the polygon the
    point lies in, or the nearest one if none), inside (bool), distance_m (outside
    every polygon: to the nearest), agrees, and from_file_ward_m: where the polygon
    disagrees, how far the point lies from the file's ward polygon (NaN elsewhere).
    """

    frame: pd.DataFrame
    without_point: int  # postcodes the product gives no point

    @property
    def checked(self) -> int:
        return len(self.frame)

    @property
    def outside(self) -> pd.DataFrame:
        return self.frame[~self.frame["inside"]]

    @property
    def disagreements(self) -> pd.DataFrame:
        return self.frame[~self.frame["agrees"]]

    def summary(self) -> dict[str, float]:
        n = self.checked
        return {
            "postcodes with a point": n,
            "without a point": self.without_point,
            "inside a ward polygon": int(self.frame["inside"].sum()),
            "outside every polygon": len(self.outside),
            "largest distance outside (m)": float(self.outside["distance_m"].max())
            if len(self.outside)
            else 0.0,
            "largest distance from the file's ward, where they disagree (m)": float(
                self.disagreements["from_file_ward_m"].max()
            )
            if len(self.disagreements)
            else 0.0,
            "polygon agrees with the file": int(self.frame["agrees"].sum()),
            "polygon disagrees": len(self.disagreements),
            "disagreeing share (%)": 100 * len(self.disagreements) / n if n else 0.0,
        }


def check_wards(postcodes: pd.DataFrame, wards: gpd.GeoDataFrame) -> WardCheck:
    """Place every postcode point (British National Grid) in the ward polygons."""
    has_point = postcodes["easting"].notna() & postcodes["northing"].notna()
    located = postcodes[has_point].reset_index(drop=True)
    points = gpd.GeoDataFrame(
        located[["postcode", "ward_code"]],
        geometry=gpd.points_from_xy(located["easting"], located["northing"]),
        crs=BRITISH_NATIONAL_GRID,
    )
    polygons = wards[["code", "geometry"]].to_crs(BRITISH_NATIONAL_GRID)
    polygons = polygons.rename(columns={"code": "polygon_ward"})
    within = gpd.sjoin(points, polygons, how="left", predicate="within")
    # A point on a shared edge lies in two polygons: keep the file's ward if it is one.
    within["file_match"] = within["polygon_ward"] == within["ward_code"]
    within = within.sort_values("file_match", ascending=False, kind="stable")
    within = within[~within.index.duplicated(keep="first")].sort_index()
    inside = within["polygon_ward"].notna().to_numpy()
    polygon_ward = within["polygon_ward"].to_numpy(dtype=object)
    distance = np.zeros(len(points))
    if (~inside).any():
        lost = points[~inside]
        nearest = gpd.sjoin_nearest(lost, polygons, how="left", distance_col="distance_m")
        nearest = nearest[~nearest.index.duplicated(keep="first")]
        polygon_ward[~inside] = nearest["polygon_ward"].reindex(lost.index).to_numpy()
        distance[~inside] = nearest["distance_m"].reindex(lost.index).to_numpy()
    frame = pd.DataFrame(
        {
            "postcode": located["postcode"],
            "ward_code": located["ward_code"],
            "polygon_ward": polygon_ward,
            "inside": inside,
            "distance_m": distance,
        }
    )
    frame["agrees"] = frame["polygon_ward"] == frame["ward_code"]
    frame["from_file_ward_m"] = np.nan
    differ = ~frame["agrees"].to_numpy()
    if differ.any():
        shapes = polygons.set_index("polygon_ward").geometry
        own = shapes.reindex(frame.loc[differ, "ward_code"]).to_numpy()
        frame.loc[differ, "from_file_ward_m"] = [
            point.distance(shape) if shape is not None else np.nan
            for point, shape in zip(points.geometry[differ], own, strict=True)
        ]
    return WardCheck(frame, int((~has_point).sum()))


def check_against_boundaries(postcodes: pd.DataFrame, raw_dir: Path) -> WardCheck:
    """`check_wards` on the published ward boundaries (December 2022, generalised)."""
    return check_wards(postcodes, load_wards(raw_dir))
