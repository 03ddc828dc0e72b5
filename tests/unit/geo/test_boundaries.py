from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.boundaries import WARDS_FILE, load_lsoas, load_wards


def test_wards_are_the_704_wards_of_2022_in_wgs84(wards: gpd.GeoDataFrame) -> None:
    assert len(wards) == 704
    assert list(wards.columns) == ["code", "name", "borough_code", "borough_name", "geometry"]
    assert wards.crs.to_epsg() == 4326
    assert wards["code"].is_unique
    assert wards["code"].str.fullmatch(r"E05\d{6}").all()
    assert shapely.is_valid(wards.geometry.array).all()
    minx, miny, maxx, maxy = wards.total_bounds
    assert -0.52 < minx < maxx < 0.34
    assert 51.28 < miny < maxy < 51.70


def test_ward_names_keep_the_published_ampersands(wards: gpd.GeoDataFrame) -> None:
    names = dict(zip(wards["code"], wards["name"], strict=True))
    assert names["E05013662"] == "Holborn & Covent Garden"
    assert names["E05013570"] == "Heathrow Villages"
    assert (wards["name"] == wards["name"].str.strip()).all()


def test_boroughs_are_the_33_london_boroughs(boroughs: gpd.GeoDataFrame) -> None:
    assert len(boroughs) == 33
    assert list(boroughs.columns) == ["code", "name", "geometry"]
    assert boroughs.crs.to_epsg() == 4326
    assert set(boroughs["code"]) == {f"E09{n:06d}" for n in range(1, 34)}
    assert (
        dict(zip(boroughs["code"], boroughs["name"], strict=True))["E09000001"] == "City of London"
    )


def test_every_ward_names_the_borough_it_lies_in(wards, boroughs) -> None:
    names = dict(zip(boroughs["code"], boroughs["name"], strict=True))
    assert (wards["borough_code"].map(names) == wards["borough_name"]).all()
    inside = gpd.sjoin(
        gpd.GeoDataFrame(wards[["code", "borough_code"]], geometry=wards.representative_point()),
        boroughs[["code", "geometry"]].rename(columns={"code": "container"}),
    )
    assert len(inside) == 704
    assert (inside["borough_code"] == inside["container"]).all()


def test_lsoas_are_reprojected_from_british_national_grid(raw_dir: Path) -> None:
    lsoas = load_lsoas(raw_dir)
    assert len(lsoas) == 4994
    assert list(lsoas.columns) == ["code", "name", "borough_code", "geometry"]
    assert lsoas.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = lsoas.total_bounds
    assert -0.52 < minx < maxx < 0.34
    assert 51.28 < miny < maxy < 51.70
    assert (lsoas.loc[lsoas["code"] == "E01000001", "borough_code"] == "E09000001").all()


def _write_wards(raw_dir: Path, properties: dict) -> None:
    path = raw_dir / WARDS_FILE
    path.parent.mkdir(parents=True)
    square = [[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]]
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))


def test_a_missing_boundary_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"london_wards\.json"):
        load_wards(tmp_path)


def test_missing_properties_are_named_with_the_file(tmp_path: Path) -> None:
    _write_wards(tmp_path, {"WD22CD": "E05000001", "WD22NM": "A ward", "LAD22CD": "E09000001"})
    with pytest.raises(ValueError, match=r"london_wards\.json.*LAD22NM"):
        load_wards(tmp_path)


def test_codes_and_names_are_stripped(tmp_path: Path) -> None:
    properties = {
        "WD22CD": " E05000001 ",
        "WD22NM": "Ward & Green ",
        "LAD22CD": "E09000001\t",
        "LAD22NM": " City of London",
    }
    _write_wards(tmp_path, properties)
    ward = load_wards(tmp_path).iloc[0]
    assert (ward["code"], ward["name"]) == ("E05000001", "Ward & Green")
    assert (ward["borough_code"], ward["borough_name"]) == ("E09000001", "City of London")
