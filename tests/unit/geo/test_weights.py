"""Neighbours of wards and small areas: saved once per boundary build, right on links
checked by hand, and judged against the wards rebuilt from LSOA polygons and against
postcodes, which carry their exact ward."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import shapely

from data.areas import CITY_OF_LONDON_CODE
from geo.boundaries import BRITISH_NATIONAL_GRID, load_wards, wards_from_lsoas
from geo.weights import (
    MANIFEST,
    build_weights,
    contiguity_of,
    load_contiguity,
    postcode_links,
)

WESTMINSTER, LAMBETH = "E09000033", "E09000022"
TOWER_HAMLETS, SOUTHWARK, GREENWICH = "E09000030", "E09000028", "E09000011"
WANDSWORTH, HAMMERSMITH = "E09000032", "E09000013"


@pytest.fixture(scope="module")
def saved(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("weights")
    build_weights(raw_dir, out)
    return out


@pytest.fixture(scope="module")
def wards(saved: Path):
    return load_contiguity(saved, "ward")


@pytest.fixture(scope="module")
def generalised(raw_dir: Path):
    layer = load_wards(raw_dir)
    return contiguity_of(layer[layer["borough_code"] != CITY_OF_LONDON_CODE], "ward")


@pytest.fixture(scope="module")
def rebuilt(raw_dir: Path, generalised):
    layer = wards_from_lsoas(raw_dir)
    layer = layer[layer["code"].isin(generalised.codes)].copy()
    names = dict(zip(generalised.codes, generalised.names, strict=True))
    parents = dict(zip(generalised.codes, generalised.parents, strict=True))
    layer["name"] = layer["code"].map(names)
    layer["borough_code"] = layer["code"].map(parents)
    return contiguity_of(layer, "ward")


def code_of(weights, name: str) -> str:
    found = [str(c) for c, n in zip(weights.codes, weights.names, strict=True) if n == name]
    assert len(found) == 1, name
    return found[0]


def linked(weights, a: str, b: str) -> bool:
    return code_of(weights, b) in weights.neighbours_of(code_of(weights, a))


def test_the_saved_ward_neighbours_are_the_679_mps_wards(wards):
    assert wards.n == 679
    assert not (wards.parents == CITY_OF_LONDON_CODE).any()
    a = wards.adjacency
    assert (a != a.T).nnz == 0
    assert a.diagonal().sum() == 0
    assert (wards.cardinalities > 0).all()
    # Land areas from the polygons on British National Grid: London less the City and
    # the tidal Thames is about 1,570 km2.
    assert 1560 < wards.area_km2.sum() < 1575
    assert (wards.area_km2 > 0).all()


def test_the_saved_small_area_neighbours(saved):
    lsoas = load_contiguity(saved, "lsoa")
    assert lsoas.n == 4988
    assert (lsoas.cardinalities > 0).all()
    assert (lsoas.adjacency != lsoas.adjacency.T).nnz == 0


def test_links_checked_by_hand(wards):
    # Neighbours along Piccadilly and Coventry Street.
    assert linked(wards, "West End", "St James's")
    # Across the tidal Thames, bridges or not, wards share no boundary: the polygons
    # stop at mean high water.
    assert not linked(wards, "St James's", "Waterloo & South Bank")
    assert not linked(wards, "Island Gardens", "Greenwich Peninsula")
    assert not linked(wards, "Pimlico South", "Vauxhall")
    # Above Teddington Lock the boundary runs down the middle of the river: Hampton
    # Wick and Kingston town centre share it (Kingston Bridge).
    assert linked(wards, "Hampton Wick & South Teddington", "Kingston Town")


@pytest.mark.parametrize(
    ("north", "south"),
    [(WESTMINSTER, LAMBETH), (TOWER_HAMLETS, SOUTHWARK), (TOWER_HAMLETS, GREENWICH),
     (HAMMERSMITH, WANDSWORTH)],
)  # fmt: skip
def test_no_ward_is_a_neighbour_across_the_tidal_thames(wards, north, south):
    parent = dict(zip(wards.codes, wards.parents, strict=True))
    assert not [(a, b) for a, b in wards.links() if {parent[a], parent[b]} == {north, south}]


def test_postcodes_add_the_contacts_generalisation_squeezed_out(wards, generalised):
    added = wards.links() - generalised.links()
    assert generalised.links() <= wards.links()
    # Camden Square and St Pancras & Somers Town: 8 m apart on the generalised
    # polygons, postcodes of both less than 80 m apart on land.
    pair = tuple(
        sorted((code_of(wards, "Camden Square"), code_of(wards, "St Pancras & Somers Town")))
    )
    assert pair in added
    assert 0 < len(added) <= 20


def test_against_the_wards_rebuilt_from_lsoa_polygons(raw_dir, wards, generalised, rebuilt):
    # The best-fit lookup moves boundaries: about one link in eight differs.
    differ = generalised.links() ^ rebuilt.links()
    union = generalised.links() | rebuilt.links()
    assert 0.05 < len(differ) / len(union) < 0.20
    # Postcodes carry their exact ward: pairs of wards with postcodes less than 100 m
    # apart are neighbours. The generalised polygons hold more of them than the
    # rebuilt wards, so they, not the rebuilt wards, are the base of the neighbours.
    land = shapely.union_all(load_wards(raw_dir).to_crs(BRITISH_NATIONAL_GRID).geometry.array)
    land = land.buffer(1.0)
    evidence = postcode_links(raw_dir, set(wards.codes), land)
    built = {"generalised": generalised, "rebuilt": rebuilt, "used": wards}
    held = {name: len(evidence & w.links()) / len(evidence) for name, w in built.items()}
    assert held["generalised"] > 0.995
    assert held["rebuilt"] < 0.985
    assert held["used"] == 1.0


def test_weights_are_built_once_per_boundary_build(raw_dir, saved):
    ward_file = saved / "ward.npz"
    before = ward_file.stat().st_mtime_ns
    build_weights(raw_dir, saved)
    assert ward_file.stat().st_mtime_ns == before
    # A boundary file that changed (here: a manifest that says so) means a rebuild.
    manifest = (saved / MANIFEST).read_text().replace('"revision": "1"', '"revision": "0"')
    (saved / MANIFEST).write_text(manifest)
    os.utime(ward_file, ns=(0, 0))
    build_weights(raw_dir, saved)
    assert ward_file.stat().st_mtime_ns != 0
    assert load_contiguity(saved, "ward").n == 679


def test_nothing_saved_means_nothing_loaded(tmp_path):
    assert load_contiguity(tmp_path, "ward") is None
    with pytest.raises(ValueError, match="msoa"):
        load_contiguity(tmp_path, "msoa")
