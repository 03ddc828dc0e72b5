"""Text from the data inside plotly figures: shown as the characters it is."""

from __future__ import annotations

import pandas as pd

from presenters.common import charts


def test_a_label_escapes_what_plotly_would_read_as_markup_or_a_placeholder():
    assert charts.label('<a href="x">A & B</a> %{y}') == (
        '&lt;a href="x"&gt;A &amp; B&lt;/a&gt; %&#123;y}'
    )
    assert charts.label("Barking and Dagenham") == "Barking and Dagenham"
    assert charts.label(12) == "12"


def test_a_trend_chart_names_its_lines_with_labels():
    frame = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]),
                          "area": [1.0, 2.0]})  # fmt: skip
    figure = charts.trend_chart(frame, {"area": "<b>Lambeth</b>"}, y_title="Rate <i>")
    (line,) = figure["data"]
    assert line["name"] == "&lt;b&gt;Lambeth&lt;/b&gt;"
    assert line["hovertemplate"].startswith("&lt;b&gt;Lambeth&lt;/b&gt;<br>")
    assert figure["layout"]["yaxis"]["title"]["text"] == "Rate &lt;i&gt;"
