"""Building blocks every page shares: the shell (header, navigation), panels and KPI tiles."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import dash
import dash_leaflet as dl
from dash import ALL, Dash, Input, Output, dcc, html, no_update

from cockpit import context, inputs
from cockpit.auth import guard
from cockpit.i18n import TABLE, t
from cockpit.inputs import ByNumber, Clicks, Shape
from cockpit.services.kernel import areas

T = TypeVar("T")


def _account(lang: str, who: tuple[str, str] | None, csrf_token: str) -> list:
    if who is None:
        return []
    name, role = who
    return [
        html.Span(className="who", children=[name, html.Span(t(f"role.{role}", lang), className="role-tag")]),
        html.Form(
            method="POST",
            action="/logout",
            className="logout",
            children=[
                dcc.Input(type="hidden", name="csrf_token", value=csrf_token),
                html.Button(t("app.logout", lang), type="submit", id="logout"),
            ],
        ),
    ]


def header(
    lang: str,
    nav: Sequence[tuple[str, str]],
    who: tuple[str, str] | None = None,
    csrf_token: str = "",
    wall: Sequence[str] = (),
) -> html.Header:
    other = "en" if lang == "zh" else "zh"
    return html.Header(
        className="shell-header",
        children=[
            html.Div(
                className="brand",
                children=[
                    html.Span(className="brand-mark", children="◆"),
                    html.H1(t("app.name", lang)),
                    html.Span(className="city", children=t("app.city", lang)),
                ],
            ),
            html.Nav(
                className="shell-nav",
                children=[
                    dcc.Link(t(key, lang), href=path, id={"type": "nav-link", "path": path}, className="nav-link")
                    for path, key in nav
                ],
            ),
            html.Div(
                className="wall-bar",
                id="wall-bar",
                **{"data-wall": " ".join(wall)},
                children=[
                    html.Span(t("wall.next", lang), className="wall-next-label"),
                    html.Span(id="wall-next"),
                    html.Div(id="wall-progress", className="wall-progress"),
                ],
            ),
            html.Div(
                className="shell-right",
                children=[
                    html.A(
                        id="alarm-counter",
                        href="/platform/iot",
                        className="alarm-counter",
                        style={"display": "none"},
                        children=[html.Span(t("live.alarms", lang)), html.Span(id="alarm-count", className="count")],
                    ),
                    html.Span(
                        id="sim-clock-box",
                        className="sim-clock",
                        style={"display": "none"},
                        children=[html.Span(t("live.sim_clock", lang)), html.Span(id="sim-clock")],
                    ),
                    html.Button(
                        t("alarm.mute", lang),
                        id="alarm-mute",
                        className="alarm-mute",
                        title=t("alarm.mute", lang),
                        **{"data-mute": t("alarm.mute", lang), "data-unmute": t("alarm.unmute", lang)},
                    )
                    if who
                    else None,
                    html.Time(
                        id="clock",
                        title=t("app.clock_title", lang, zone=context.settings().timezone),
                        **{"data-tz": context.settings().timezone},
                    ),
                    html.A(t("wall.open", lang), href="/wall", className="wall-link", title=t("wall.title", lang))
                    if who and wall
                    else None,
                    html.A(
                        t("app.switch", lang),
                        href=f"/lang/{other}",
                        className="lang-switch",
                        title=t("app.switch_title", lang),
                        id="lang-switch",
                    ),
                    *_account(lang, who, csrf_token),
                ],
            ),
        ],
    )


def shell(
    lang: str,
    nav: Sequence[tuple[str, str]],
    who: tuple[str, str] | None = None,
    csrf_token: str = "",
    wall: Sequence[str] = (),
) -> html.Div:
    return html.Div(
        className=f"shell lang-{lang}",
        lang="zh-CN" if lang == "zh" else "en",
        children=[
            dcc.Location(id="url"),
            dcc.Store(id="alarm-feed"),
            dcc.Store(id="live-status"),
            header(lang, nav, who, csrf_token, wall),
            html.Div(
                id="shortcut-help",
                className="shortcut-help hidden",
                role="dialog",
                children=[
                    html.H2(t("keys.title", lang)),
                    html.Dl(
                        [
                            part
                            for key, what in KEYS
                            for part in (html.Dt(html.Kbd(key)), html.Dd(t("keys." + what, lang)))
                        ]
                    ),
                ],
            ),
            html.A(
                id="alarm-notice",
                className="alarm-notice hidden",
                role="alert",
                **{f"data-sev-{s}": t(f"severity.{s}", lang) for s in (1, 2, 3, 4)},
                **{"data-title": t("alarm.notice", lang, severity="{severity}")},
            ),
            html.Main(dash.page_container, className="shell-main"),
        ],
    )


KEYS = (("?", "help"), ("/", "search"), ("n / p", "next"), ("a", "ack"), ("d", "dispatch"), ("Esc", "close"))


def denied(lang: str) -> html.Div:
    return html.Div(className="page not-found denied", children=[html.H2(t("app.denied", lang))])


def panel(title: str, *children: Any, class_name: str = "") -> html.Section:
    return html.Section(className=f"panel {class_name}".strip(), children=[html.H2(title), *children])


def uploaded(contents: str | None) -> bytes | None:
    """The bytes of a dcc.Upload's data URL (`data:<type>;base64,<data>`), or None when it is not one."""
    try:
        return base64.b64decode((contents or "").split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        return None


def detail_map(map_id: str, children: list[Any]) -> dl.Map:
    """A Leaflet map framed on the detail zone, drawn on canvas from the cockpit's own layers; bounds need
    trackViewport off, or the first viewport event undoes them."""
    return dl.Map(
        id=map_id,
        bounds=areas.detail_bounds(context.database_url()),
        trackViewport=False,
        maxZoom=19,
        zoomSnap=0.25,
        preferCanvas=True,
        className="cockpit-map",
        children=children,
    )


def city_map(map_id: str, children: list[Any], max_zoom: int = 18) -> dl.Map:
    """A Leaflet map framed on the whole city, for pages that drill from the city into its districts."""
    return dl.Map(
        id=map_id,
        bounds=areas.city_bounds(context.database_url()),
        trackViewport=False,
        minZoom=8,
        maxZoom=max_zoom,
        zoomSnap=0.25,
        preferCanvas=True,
        className="cockpit-map",
        children=children,
    )


def tab(label: str, children: Any, value: str | None = None) -> dcc.Tab:
    """A tab in the cockpit's style."""
    extra = {"value": value} if value else {}
    return dcc.Tab(label=label, className="tab", selected_className="tab-on", children=children, **extra)


def kpi(label: str, value: str, sub: str | None = None, kpi_id: str | None = None) -> html.Div:
    attrs = {"id": kpi_id} if kpi_id else {}
    return html.Div(
        className="kpi",
        children=[
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value"),
            html.Div(sub or "", className="kpi-sub"),
        ],
        **attrs,
    )


def severity_badge(severity: int, lang: str) -> html.Span:
    return html.Span(t(f"severity.{severity}", lang), className=f"sev sev-{severity}")


def number(value: int | float | None) -> str:
    return "—" if value is None else f"{value:,}"


GENERATED_CODE = re.compile(r"^\d{6}-([a-z_]+)-(\d{5})$")  # the generator's device codes: adcode-type-serial


def device_label(code: str, name: str, lang: str) -> str:
    """A generated device is named by the UI (type and serial), so it is said in the viewer's language; a real
    device keeps its source name."""
    made = GENERATED_CODE.match(code)
    if made and f"device.{made.group(1)}" in TABLE:
        return f"{t('device.' + made.group(1), lang)} {made.group(2)}"
    return name


def alarm_type_label(kind: str, lang: str) -> str:
    """An alarm type in words: the metric's name, its rate, or silence; a metric an admin made up keeps its id."""
    metric, _, rate = kind.partition(".")
    if kind == "offline":
        return t("alarm.type_offline", lang)
    name = t("metric." + metric, lang) if "metric." + metric in TABLE else metric
    return t("alarm.type_rate", lang, metric=name) if rate else name


def alarm_items(items: Sequence[Any], lang: str, link: bool = False) -> html.Div | str:
    """Alarms as the services graded and ordered them. The device opens its drawer (on the IoT page) or
    links there (elsewhere); steps the viewer may take are buttons."""
    if not items:
        return t("live.no_alarms", lang)
    rows = []
    for a in items:
        rule = a.rule_name if lang == "zh" else a.rule_name_en
        name = device_label(a.device_code, a.device_name, lang)
        meta = [context.when(a.raised_at), t(f"alarm.status.{a.status}", lang)]
        if a.value is not None:
            meta.append(t("alarm.value", lang, value=f"{a.value:g}"))
        if a.escalation_level:
            meta.append(t("alarm.escalated", lang, level=a.escalation_level))
        device = (
            dcc.Link(name, href=f"/platform/iot?device={a.device_code}", className="alarm-device")
            if link
            else html.Button(name, id={"type": "device-pick", "code": a.device_code}, className="alarm-device")
        )
        buttons = [
            html.Button(
                t(f"alarm.{action}", lang),
                id={"type": "alarm-action", "alarm": a.id, "action": action},
                **({"data-key": "a"} if action == "acknowledge" else {}),
            )
            for action in a.actions
        ]
        rows.append(
            html.Div(
                className=f"alarm-item sev-{a.severity} status-{a.status}",
                tabIndex="0",
                children=[
                    severity_badge(a.severity, lang),
                    html.Span([device, f" · {rule}"], className="what"),
                    html.Span(buttons, className="actions"),
                    html.Span(" · ".join(meta), className="meta"),
                ],
            )
        )
    return html.Div(rows, className="alarm-list")


def clicked_pattern(kind: type[T]) -> T | None:
    """The pattern-matching id of the button that was really clicked, checked to be a `kind` (a forged one
    gets a 400); None when the callback fired because buttons were (re)drawn, which Dash reports as a
    trigger with no clicks."""
    triggered = dash.ctx.triggered_id
    if isinstance(triggered, dict) and dash.ctx.triggered and dash.ctx.triggered[0]["value"]:
        return inputs.parsed(triggered, kind, "clicked id")
    return None


def register_pick(app: Dash, selected: str, pattern: str, permission: str, layer: str | None = None) -> None:
    """A list's pick into its page's selection store: the clicked item's number id, or with `layer` the `id`
    property of the map feature clicked; redraws of the list (no clicks) and bad ids change nothing."""
    items = Input({"type": pattern, "id": ALL}, "n_clicks")
    if layer is None:

        @app.callback(Output(selected, "data"), items, prevent_initial_call=True)
        @guard(permission)
        def pick(_clicks: list[Clicks | None]):
            clicked = clicked_pattern(ByNumber)
            return clicked["id"] if clicked else no_update

        return

    @app.callback(Output(selected, "data"), items, Input(layer, "clickData"), prevent_initial_call=True)
    @guard(permission)
    def pick_on_map(_clicks: list[Clicks | None], feature: Shape | None):
        if dash.ctx.triggered_id == layer:
            found = (feature or {}).get("properties", {}).get("id")
            return found if isinstance(found, int) and found > 0 else no_update
        clicked = clicked_pattern(ByNumber)
        return clicked["id"] if clicked else no_update


def styled(figure: Any, height: int | None, **layout: Any) -> Any:
    """A plotly figure in the cockpit's dark, transparent style with its font."""
    figure.update_layout(
        template="plotly_dark",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        height=height,
        margin={"l": 32, "r": 8, "t": 8, "b": 34},
        font={"family": "Cockpit Sans, sans-serif", "size": 10},
    )
    figure.update_layout(**layout)
    return figure
