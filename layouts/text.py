"""Paragraphs, links and definitions from view models, the same on every page."""

from __future__ import annotations

from collections.abc import Iterable

from dash import dcc, html

from presenters.common.view import Definition, Link, Para

TONES = {"headline": "risk-headline", "warning": "arp-warning", "message": "arp-message"}


def paras(items: Iterable[Para | str]) -> list[html.P]:
    out = []
    for item in items:
        para = item if isinstance(item, Para) else Para(item)
        tone = TONES.get(para.tone)
        out.append(html.P(para.text, className=tone) if tone else html.P(para.text))
    return out


def definition(d: Definition | None) -> list:
    if d is None:
        return []
    return [
        html.P([html.Strong(f"{d.label}: "), d.text]),
        html.P(f"Source: {d.source}.", className="arp-source"),
    ]


def link_list(heading: str, links: Iterable[Link], label: str) -> html.Nav | None:
    items = [html.Li(dcc.Link(link.text, href=link.href)) for link in links]
    if not items:
        return None
    return html.Nav([html.H4(heading), html.Ul(items)], **{"aria-label": label})
