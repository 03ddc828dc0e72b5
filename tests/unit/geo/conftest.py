"""Boundary layers loaded and built once per test session: the tests only read them."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.boundaries import load_boroughs, load_wards
from geo.register import register_from
from geo.web import build_web_layers


@pytest.fixture(scope="session")
def wards(raw_dir: Path) -> gpd.GeoDataFrame:
    return load_wards(raw_dir)


@pytest.fixture(scope="session")
def boroughs(raw_dir: Path) -> gpd.GeoDataFrame:
    return load_boroughs(raw_dir)


@pytest.fixture(scope="session")
def register(boroughs: gpd.GeoDataFrame, wards: gpd.GeoDataFrame) -> pd.DataFrame:
    return register_from(boroughs, wards)


@pytest.fixture(scope="session")
def web_layers(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_web_layers(raw_dir, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def ward_layer(web_layers: dict[str, Path]) -> dict:
    return json.loads(web_layers["ward"].read_bytes())


@pytest.fixture(scope="session")
def borough_layer(web_layers: dict[str, Path]) -> dict:
    return json.loads(web_layers["borough"].read_bytes())
