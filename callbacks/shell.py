"""The shell's callbacks run in the browser: the active nav link, and the header's alarm counter and
simulated clock, drawn from what server push put in the stores."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State


def register(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="shell", function_name="activeNav"),
        Output({"type": "nav-link", "path": ALL}, "className"),
        Input("url", "pathname"),
        State({"type": "nav-link", "path": ALL}, "id"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="shell", function_name="alarmCounter"),
        Output("alarm-counter", "style"),
        Output("alarm-count", "children"),
        Output("alarm-counter", "className"),
        Input("alarm-feed", "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="shell", function_name="simClock"),
        Output("sim-clock-box", "style"),
        Output("sim-clock", "children"),
        Input("live-status", "data"),
    )
