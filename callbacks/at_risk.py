"""Most at-risk areas (/at-risk): the selects or the address -> the presenter -> the page."""

from __future__ import annotations

from dash import Dash, Input, Output, ctx

from callbacks.common import page_state, profile_href
from callbacks.context import Context
from layouts import ids
from layouts.controls import fieldset
from layouts.tables import table
from layouts.text import definition, link_list, paras
from presenters import at_risk
from presenters.at_risk import AtRiskState


def show(ds, search: object, choice: object = None, *, from_choice: bool = False,
         targets=None) -> dict:  # fmt: skip
    """Every output of the page for an address or a change of the selects; outcome rates
    against the staff's `targets`."""
    if ds is None:
        view = at_risk.view(None, AtRiskState())
        return {"controls": None, "search": None, "heading": "", "summary": paras(view.summary),
                "definition": [], "hidden": True, "figure": {}, "funnel_table": None,
                "table": None, "profiles": None, "notes": []}  # fmt: skip
    state, search_out = page_state(
        AtRiskState, ds, search=search, choice=choice, from_choice=from_choice,
        settle=at_risk.settle, choose=at_risk.choose,
    )  # fmt: skip
    view = at_risk.view(ds, state, targets)
    return {
        "controls": fieldset(
            at_risk.controls(ds, state), store=ids.RISK_CHOICE, prefix=ids.RISK_SELECT
        ),
        "search": search_out,
        "heading": view.heading,
        "summary": paras(view.summary),
        "definition": definition(view.definition),
        "hidden": not view.has_results,
        "figure": view.funnel_figure,
        "funnel_table": table(view.funnel_table, label="Funnel plot figures"),
        "table": table(view.ranked, label="Ranked areas", class_name="risk-table"),
        "profiles": link_list(view.profiles_heading, view.profiles, "Area profiles"),
        "notes": paras(view.notes),
    }


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={
            "controls": Output(ids.RISK_CONTROLS, "children"),
            "search": Output(ids.RISK_URL, "search"),
            "heading": Output(ids.RISK_HEADING, "children"),
            "summary": Output(ids.RISK_SUMMARY, "children"),
            "definition": Output(ids.RISK_DEFINITION, "children"),
            "hidden": Output(ids.RISK_RESULTS, "hidden"),
            "figure": Output(ids.RISK_FUNNEL, "figure"),
            "funnel_table": Output(ids.RISK_FUNNEL_TABLE, "children"),
            "table": Output(ids.RISK_TABLE, "children"),
            "profiles": Output(ids.RISK_PROFILES, "children"),
            "notes": Output(ids.RISK_NOTES, "children"),
        },
        inputs={"choice": Input(ids.RISK_CHOICE, "data"), "search": Input(ids.RISK_URL, "search")},
    )
    def _show(choice, search):
        return show(context.dataset(), search, choice,
                    from_choice=ctx.triggered_id == ids.RISK_CHOICE,
                    targets=context.targets())  # fmt: skip

    @app.callback(
        Output(ids.RISK_URL, "href"),
        Input(ids.RISK_FUNNEL, "clickData"),
        prevent_initial_call=True,
    )
    def _open_profile(click):
        return profile_href(click)
