"""The profile's panels on other pages' subjects, from the data to components: a plain
function each, for the profile's callbacks and for tests."""

from __future__ import annotations

from callbacks.context import Context
from data.dataset import Dataset
from data.profiles import AreaFacts
from layouts import area_panels
from presenters.common.hotspot_status import hotspot_status
from presenters.common.perception_panel import perception_panel as perception_view


def hotspot_section(ds: Dataset | None, context: Context, facts: AreaFacts | None) -> list:
    """A ward's, borough's or BCU's hot-spot status (ward neighbours from `context`)."""
    needed = ds is not None and facts is not None and facts.covered
    contiguity = context.contiguity("ward") if needed else None
    return area_panels.hotspot_status(hotspot_status(ds, contiguity, facts))


def perception_panel(ds: Dataset | None, code: str) -> list:
    """The latest survey figures of the area's borough, beside London."""
    return area_panels.perception_panel(perception_view(ds, code))
