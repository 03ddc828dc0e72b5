"""Every chart carries its picture: title, source line and data version (hand-made data)."""

from __future__ import annotations

from presenters import at_risk, profile, young_people
from presenters.at_risk import AtRiskState
from presenters.common import charts
from presenters.profile import ProfileState
from presenters.young_people import YoungState
from tests.builders import BRIXTON, LAMBETH, tiny_dataset


def test_a_chart_carries_its_title_source_and_version_for_its_picture():
    figure = {"data": [{"type": "scatter", "x": [1], "y": [2]}],
              "layout": {"margin": {"l": 40}, "annotations": [{"text": "kept"}]}}  # fmt: skip
    out = charts.with_image(figure, title="Knife crime in London, monthly counts",
                            source="Source: MPS.", version="Data version 3 (latest month "
                            "February 2026)", filename="London knife crime!")  # fmt: skip
    image = charts.image_of(out)
    assert image["filename"] == "london-knife-crime"
    assert image["layout"]["title"]["text"] == "Knife crime in London, monthly counts"
    assert image["annotations"][0]["text"] == (
        "Source: MPS.<br>Data version 3 (latest month February 2026)"
    )
    assert (image["width"], image["height"]) == (1200, 750)
    # The chart on the page is unchanged apart from the meta it carries.
    assert out["layout"]["annotations"] == [{"text": "kept"}]
    assert figure["layout"].get("meta") is None  # the input is not changed
    assert charts.with_image({}, title="t", source="s", version="v", filename="f") == {}


def test_a_long_title_wraps_so_the_picture_never_cuts_it():
    out = charts.with_image({"data": [{}], "layout": {}}, title=" ".join(["word"] * 40),
                            source="s", version="v", filename="f")  # fmt: skip
    lines = charts.image_of(out)["layout"]["title"]["text"].split("<br>")
    assert len(lines) == 3  # 199 characters
    assert all(len(line) <= 90 for line in lines)


def test_the_pages_charts_carry_their_pictures():
    ds = tiny_dataset()
    version = "Data version 1 (latest month February 2026)"
    funnel = at_risk.view(ds, at_risk.settle(ds, AtRiskState())).funnel_figure
    image = charts.image_of(funnel)
    assert image["layout"]["title"]["text"].startswith("Knife crime by ward")
    assert image["annotations"][0]["text"].endswith(version)
    assert "Source: MPS Monthly Crime Dashboard" in image["annotations"][0]["text"]

    trend = profile.trend_view(ds, ProfileState(area=BRIXTON)).figure
    assert charts.image_of(trend)["layout"]["title"]["text"].startswith("Brixton Windrush: ")
    assert charts.image_of(trend)["filename"].startswith("area-e05000001-trend")
    funnel = profile.view(ds, ProfileState(area=LAMBETH)).funnel_figure
    assert charts.image_of(funnel)["layout"]["title"]["text"].startswith("Lambeth on the funnel")

    young = tiny_dataset(measure="knife_injury_victims_1_24_non_da")
    view = young_people.view(young, young_people.settle(young, YoungState(borough=LAMBETH)))
    assert charts.image_of(view.chart)["annotations"][0]["text"].endswith(version)
