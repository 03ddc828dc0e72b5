"""Readers of the published boundary files, returning areas in WGS84 with our column names.

Each layer comes back sorted by code, so anything built from it (a web layer and its
content hash, a register) does not depend on the order of features in the file.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio.errors

WGS84 = "EPSG:4326"
BRITISH_NATIONAL_GRID = "EPSG:27700"

WARDS_FILE = Path("boundaries_wards_2022/london_wards.json")
BOROUGHS_FILE = Path("boundaries_boroughs/london_boroughs.geojson")
LSOAS_FILE = Path("boundaries_lsoa_2021/london-2021-lsoa-gen20.shp")
LOOKUP_FILE = Path(
    "ons_lookups/LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_in_EW_v2.csv"
)

_WARD_FIELDS = {
    "WD22CD": "code",
    "WD22NM": "name",
    "LAD22CD": "borough_code",
    "LAD22NM": "borough_name",
}
_BOROUGH_FIELDS = {"GSS_CODE": "code", "NAME": "name"}
_LSOA_FIELDS = {"LSOA21CD": "code", "LSOA21NM": "name", "LAD22CD": "borough_code"}


def load_wards(raw_dir: Path) -> gpd.GeoDataFrame:
    """The 704 London wards of December 2022 (including the City of London's 25)."""
    return _read(Path(raw_dir) / WARDS_FILE, _WARD_FIELDS, WGS84)


def load_boroughs(raw_dir: Path) -> gpd.GeoDataFrame:
    """The 33 London boroughs, City of London included."""
    return _read(Path(raw_dir) / BOROUGHS_FILE, _BOROUGH_FIELDS, WGS84)


def load_lsoas(raw_dir: Path) -> gpd.GeoDataFrame:
    """The 4,994 London LSOAs of 2021, reprojected from British National Grid."""
    return _read(Path(raw_dir) / LSOAS_FILE, _LSOA_FIELDS, BRITISH_NATIONAL_GRID)


def wards_from_lsoas(raw_dir: Path) -> gpd.GeoDataFrame:
    """Wards rebuilt by dissolving the 2021 LSOA polygons through the ONS best-fit
    lookup (each LSOA wholly in the ward holding most of its people), on British
    National Grid: finer lines than the generalised ward file, but in the wrong place
    wherever an LSOA straddles a ward boundary. Columns code and geometry; a ward that
    gets no LSOA is missing."""
    path = Path(raw_dir) / LOOKUP_FILE
    if not path.is_file():
        raise FileNotFoundError(f"lookup file not found: {path}")
    lookup = pd.read_csv(path, usecols=["LSOA21CD", "WD25CD"], encoding="utf-8-sig")
    lsoas = load_lsoas(raw_dir).to_crs(BRITISH_NATIONAL_GRID)
    joined = lsoas.merge(lookup, left_on="code", right_on="LSOA21CD", how="inner")
    wards = joined[["WD25CD", "geometry"]].dissolve("WD25CD").reset_index()
    return wards.rename(columns={"WD25CD": "code"}).sort_values("code", ignore_index=True)


def _read(path: Path, fields: dict[str, str], source_crs: str) -> gpd.GeoDataFrame:
    # GeoJSON files without a `crs` member are WGS84 by RFC 7946; a shapefile without
    # its .prj is assumed to be in the CRS the provenance records for it.
    if not path.is_file():
        raise FileNotFoundError(f"boundary file not found: {path}")
    try:
        gdf = gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ValueError(f"{path}: cannot be read as a boundary file: {exc}") from exc
    missing = [name for name in fields if name not in gdf.columns]
    if missing:
        raise ValueError(
            f"{path}: expected properties {', '.join(missing)} are missing "
            f"(found: {', '.join(str(c) for c in gdf.columns if c != 'geometry')})"
        )
    gdf = gdf[[*fields, "geometry"]].rename(columns=fields)
    for column in fields.values():
        if gdf[column].isna().any():
            raise ValueError(f"{path}: {_source(fields, column)} is empty for some features")
        gdf[column] = gdf[column].astype(str).str.strip()
    if (gdf["code"] == "").any():
        raise ValueError(f"{path}: {_source(fields, 'code')} is blank for some features")
    duplicated = sorted(set(gdf.loc[gdf["code"].duplicated(), "code"]))
    if duplicated:
        raise ValueError(f"{path}: codes appear more than once: {', '.join(duplicated)}")
    if (gdf.geometry.isna() | gdf.geometry.is_empty).any():
        raise ValueError(f"{path}: some features have no geometry")
    if gdf.crs is None:
        gdf = gdf.set_crs(source_crs)
    gdf = gdf.to_crs(WGS84)
    return gdf.sort_values("code", ignore_index=True)


def _source(fields: dict[str, str], column: str) -> str:
    return next(name for name, ours in fields.items() if ours == column)
