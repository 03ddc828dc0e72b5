"""Placeholder while this page is built in this session; replaced before submission."""

from __future__ import annotations

from dash import html


def layout(query: dict[str, str], path: str = "/") -> list:
    return [html.H1("profile")]
