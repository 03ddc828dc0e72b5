"""Wiring every page shares: reading a page's state from its URL or its selects, opening
a profile from a chart mark, named outputs, and the staff pages' signed-in check."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from dash import Output, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import StaffContext
from data.dataset import Dataset
from presenters.common.state import PageState

S = TypeVar("S", bound=PageState)


def page_state(
    state_type: type[S],
    ds: Dataset,
    *,
    search: object,
    choice: object,
    from_choice: bool,
    settle: Callable[[Dataset, S], S],
    choose: Callable[[Dataset, S, Mapping], S] | None = None,
) -> tuple[S, object]:
    """The page's state, and the query string to write to the address (or no_update).

    A change of the selects starts from the state in the address and writes the new
    state back, so Back returns to the one before; a change of the address (the first
    load, Back, a shared link) is read and never written back, so Back cannot loop.
    """
    current = settle(ds, state_type.from_query(search))
    if not from_choice or not isinstance(choice, Mapping):
        return current, no_update
    state = choose(ds, current, choice) if choose else settle(ds, current.with_choice(choice))
    search_now = search if isinstance(search, str) else ""
    return state, (state.search() if state.search() != search_now else no_update)


def profile_href(click: object) -> object:
    """The profile address of the area a chart mark stands for (its customdata[0])."""
    try:
        code = click["points"][0]["customdata"][0]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return no_update
    return f"/area/{code}" if isinstance(code, str) else no_update


def outputs(spec: Mapping[str, tuple[str, str]], *, duplicate: bool = False) -> dict:
    """Named outputs from {name: (component id, property)}; `duplicate` for a second
    callback writing the same properties."""
    more = {"allow_duplicate": True} if duplicate else {}
    return {name: Output(cid, prop, **more) for name, (cid, prop) in spec.items()}


class NotSignedIn(PreventUpdate):
    """A staff callback reached without a signed-in member of staff: nothing happens."""


def require_staff(context: StaffContext) -> str:
    """The signed-in member of staff, or NotSignedIn."""
    user = context.staff_user()
    if not user:
        raise NotSignedIn
    return user
