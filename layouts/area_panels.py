"""Panels an area's profile shows about other pages' subjects: its hot-spot status and
its borough's perception figures. Drawn from their view models
(presenters/common/hotspot_status.py, presenters/common/perception_panel.py)."""

from __future__ import annotations

from collections.abc import Iterable

from dash import dcc, html

from layouts.tables import table
from layouts.text import paras
from presenters.common.hotspot_status import HotspotStatus
from presenters.common.perception_panel import PerceptionPanel
from presenters.common.view import Link


def _links(links: Iterable[Link], class_name: str = "") -> list:
    """One link as a paragraph; several as a list."""
    items = list(links)
    if not items:
        return []
    if len(items) == 1:
        return [html.P(dcc.Link(items[0].text, href=items[0].href))]
    return [
        html.Ul(
            [html.Li(dcc.Link(link.text, href=link.href)) for link in items], className=class_name
        )
    ]


def hotspot_status(view: HotspotStatus | None) -> list:
    if view is None:
        return []
    out: list = paras(view.before)
    if view.table is not None:
        out.append(table(view.table, label="Hot-spot status"))
    out += paras(view.after)
    if view.history is not None:
        out.append(
            html.Details(
                [
                    html.Summary("Hot-spot history, window by window"),
                    table(view.history, label="Hot-spot history"),
                ]
            )
        )
    return out + _links(view.links, "profile-hotspot-links")


def perception_panel(view: PerceptionPanel | None) -> list:
    if view is None:
        return []
    out: list = paras(view.paras)
    if view.table is not None:
        out.append(table(view.table, label="Public perception figures"))
    out += [html.P(note.text, className="arp-caption") for note in view.notes]
    return out + _links(view.links, "profile-perception-links")
