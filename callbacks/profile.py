"""Placeholder while this page is built in this session; replaced before submission."""

from __future__ import annotations

from dash import Dash

from callbacks.context import Context


def register(app: Dash, context: Context) -> None:
    return None
