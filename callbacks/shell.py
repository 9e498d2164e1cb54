"""The shell's only callback runs in the browser: which nav link is active."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State


def register(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="shell", function_name="activeNav"),
        Output({"type": "nav-link", "path": ALL}, "className"),
        Input("url", "pathname"),
        State({"type": "nav-link", "path": ALL}, "id"),
    )
