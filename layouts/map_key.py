"""A map's key in words, beside the map: each colour with the range it stands for, the
greys, and what an outline means. Every choropleth page draws its key here."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from presenters.common.map_paint import MapKey


def legend(
    title: str,
    classes: Sequence[tuple[str, str]],
    greys: Sequence[tuple[str, str]],
    outlines: Sequence[tuple[str, str]] = (),
) -> list:
    """The key: a title, then (colour, words) for each class, grey and outline."""

    def item(colour: str, text: str, kind: str = "fill") -> html.Li:
        style = {"background": colour} if kind == "fill" else {"borderColor": colour}
        return html.Li(
            [
                html.Span(className=f"swatch {kind}", style=style, **{"aria-hidden": "true"}),
                html.Span(text),
            ]
        )

    items = [item(c, t) for c, t in classes] + [item(c, t) for c, t in greys]
    items += [item(c, t, "outline") for c, t in outlines]
    return [html.P(title, className="legend-title"), html.Ul(items, className="legend-list")]


def key(model: MapKey | None) -> list:
    if model is None:
        return []
    return legend(model.title, model.classes, model.greys, model.outlines)
