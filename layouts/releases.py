"""Release notes drawn: the overview's latest and the About page's history share this."""

from __future__ import annotations

from dash import dcc, html

from presenters.common.releases import ReleaseNoteView, ReleaseView


def note(model: ReleaseNoteView, *, heading: str = "h3", anchor: bool = False) -> html.Div:
    """A note's heading, its summary and what changed, one item a measure."""
    tag = {"h3": html.H3, "h4": html.H4}[heading]
    children: list = [tag(model.heading, **({"id": model.anchor} if anchor else {}))]
    if model.summary:
        children.append(html.P(model.summary))
    children.append(html.Ul([html.Li(line) for line in model.lines], className="release-lines"))
    return html.Div(children, className="release-note")


def feed_link(href: str) -> html.A:
    return html.A("Follow releases with the Atom feed", href=href, className="release-feed")


def latest(view: ReleaseView) -> list:
    """The overview's section body: the note of the version public now, and where the
    history and the feed are."""
    body: list = [note(view.note)] if view.note is not None else [html.P(view.message)]
    body.append(
        html.P(
            [dcc.Link("Every release so far", href=view.history_href), " \u00b7 ",
             feed_link(view.feed_href)],
            className="note release-links",
        )
    )  # fmt: skip
    return body
