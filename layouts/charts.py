"""What every chart on a page shares: the button that saves it as a picture.

The picture's title, source line and data version come from the chart's presenter,
inside the figure (presenters/common/charts.py `with_image`); dashboard/assets/charts.js
draws and saves it.
"""

from __future__ import annotations

from dash import html


def png_button(graph_id: str, label: str = "Download this chart (PNG)") -> html.Div:
    """A button that saves the chart drawn in `graph_id` as a PNG with its title, source
    and data version."""
    return html.Div(png_button_only(graph_id, label), className="arp-actions chart-actions")


def png_button_only(graph_id: str, label: str = "Download this chart (PNG)") -> html.Button:
    """The button alone, for a row of actions a page lays out itself."""
    return html.Button(
        label, type="button", className="chart-png arp-button", **{"data-chart-for": graph_id}
    )
