"""Scheme comparison wiring: the drawn site and the parametric numbers (or an uploaded file) to the comparison,
the table side by side, and the two schemes' massing handed to the CIM renderer (assets/cim.js)."""

from __future__ import annotations

import dash
import orjson
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from shapely.errors import GEOSException

from cockpit import context
from cockpit.auth import guard
from cockpit.i18n import t
from cockpit.inputs import Clicks, Shape, Simulated, UploadedFile
from cockpit.refusal import Refused
from cockpit.services.cim import massing
from cockpit.services.kernel.geojson import feature_collection
from cockpit.services.planning import scheme_view, schemes
from cockpit.ui import planning as ids
from cockpit.ui.kit import uploaded


def drawn_site(drawn: Shape | None) -> dict | None:
    """The last polygon drawn on the map, as a GeoJSON geometry."""
    features = (drawn or {}).get("features") or []
    polygons = [f.get("geometry") for f in features if isinstance(f, dict) and isinstance(f.get("geometry"), dict)]
    polygons = [g for g in polygons if g.get("type") == "Polygon"]
    return polygons[-1] if polygons else None


def _parametric(site_geometry: dict, numbers: dict[tuple[int, str], Simulated | None], lang: str) -> dict:
    site = schemes.polygon(site_geometry, "site")
    made = []
    for n in range(len(massing.STARTING)):
        name = t(f"scheme.name.{n}", lang)
        given = {rule: numbers.get((n, rule)) for rule, *_range in massing.RANGES}
        made.append(massing.scheme(site, name, massing.rules(given, name)))
    return {"site": site_geometry, "schemes": made}


def _numbers(values: list[Simulated | None]) -> dict[tuple[int, str], Simulated | None]:
    """The number boxes by (scheme, rule), read from the ids Dash sent along with the values."""
    boxes = ctx.states_list[1] if len(ctx.states_list) > 1 else []
    out = {}
    for box, value in zip(boxes, values, strict=False):
        given = box.get("id") if isinstance(box, dict) else None
        if isinstance(given, dict) and isinstance(given.get("scheme"), int) and isinstance(given.get("rule"), str):
            out[(given["scheme"], given["rule"])] = value
    return out


def _uploaded(contents: str) -> dict:
    body = uploaded(contents)
    try:
        parsed = orjson.loads(body) if body is not None else None
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise Refused("planning.bad_file")
    return parsed


def _verdict(passed: bool | None) -> str:
    return "" if passed is None else ("pass" if passed else "fail")


def _table(view: dict, lang: str) -> list:
    head = html.Tr(
        [html.Th(t("scheme.indicator", lang)), html.Th(t("scheme.limit", lang))]
        + [html.Th(name, className=_verdict(ok)) for name, ok in zip(view["names"], view["passes"], strict=True)]
    )
    rows = [
        html.Tr(
            [html.Td(f"{t('scheme.ind.' + r['key'], lang)} {r['unit']}".strip()), html.Td(r["limit"])]
            + [
                html.Td(
                    className=_verdict(c["verdict"]),
                    children=[c["value"], html.Span(f" {c['delta']}", className="delta") if c["delta"] else None],
                )
                for c in r["cells"]
            ]
        )
        for r in view["rows"]
    ]
    circle = [
        html.Tr(
            [html.Td(t(f"scheme.circle.{r['key']}", lang)), html.Td(t("scheme.within", lang))]
            + [
                html.Td(
                    className=_verdict(c["verdict"]),
                    children=t("scheme.provided", lang) if c["provided"] else str(c["nearby"]),
                )
                for c in r["cells"]
            ]
        )
        for r in view["life_circle"]
    ]
    zones = " · ".join(view["zones"]) or t("scheme.no_zone", lang)
    return [
        html.Div(t("scheme.site", lang, m2=f"{view['area_m2']:,.0f}", zones=zones), className="note"),
        html.Table(className="plan-counts scheme-table", children=[html.Thead(head), html.Tbody(rows + circle)]),
        html.Div(t("scheme.estimate", lang), className="note"),
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.PLAN_COMPARISON, "children"),
        Output(ids.PLAN_COMPARED, "data"),
        Output(ids.PLAN_SCHEME_MSG, "children"),
        Output(ids.PLAN_SITE, "data", allow_duplicate=True),
        Input(ids.PLAN_COMPARE, "n_clicks"),
        Input(ids.PLAN_UPLOAD, "contents"),
        State(ids.PLAN_DRAW, "geojson"),
        State({"type": ids.PLAN_SCHEME_INPUT, "scheme": ALL, "rule": ALL}, "value"),
        prevent_initial_call=True,
    )
    @guard("planning.read")
    def compare(
        _clicks: Clicks | None, contents: UploadedFile | None, drawn: Shape | None, numbers: list[Simulated | None]
    ):
        lang = context.lang()
        if ctx.triggered_id not in (ids.PLAN_COMPARE, ids.PLAN_UPLOAD):
            return no_update, no_update, no_update, no_update
        try:
            if ctx.triggered_id == ids.PLAN_UPLOAD:
                body = _uploaded(contents or "")
            else:
                site = drawn_site(drawn)
                if site is None:
                    return no_update, no_update, t("scheme.draw_first", lang), no_update
                body = _parametric(site, _numbers(numbers), lang)
            result = schemes.compare(context.database_url(), body)
        except Refused as error:
            return no_update, no_update, error.say(lang), no_update
        site = feature_collection([{"type": "Feature", "geometry": body["site"]}])
        said = t("scheme.compared", lang, n=len(result["schemes"]))
        return _table(scheme_view.table(result), lang), body, said, site

    @app.callback(
        Output(ids.PLAN_MASSING_SPEC, "data"),
        Input(ids.PLAN_COMPARED, "data"),
        Input(ids.PLAN_MASSING_SIDE, "value"),
    )
    @guard("planning.read")
    def massing_view(body: Shape | None, right: Simulated | None):
        if not body:
            return None
        try:  # the store is the client's: a forged one draws nothing
            spec = scheme_view.massing_spec(context.database_url(), body, int(right or 1))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, GEOSException):
            return None
        return spec | {"containers": [ids.PLAN_MASSING_A, ids.PLAN_MASSING_B]}

    app.clientside_callback(
        dash.ClientsideFunction("cim", "render"),
        Output(ids.PLAN_MASSING, "title"),
        Input(ids.PLAN_MASSING_SPEC, "data"),
    )
