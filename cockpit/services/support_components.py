"""The application-support platform's components (应用支撑组件): services the scenarios call through an API,
each listed on /platform/support with how often it was called (calls are registered against the catalog
dataset the component reads, like the data services')."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cockpit.actor import Actor
from cockpit.services import data_services


@dataclass(frozen=True)
class Component:
    name: str
    title: str
    title_en: str
    route: str
    dataset: str
    used_by: str  # the scenario that calls it


COMPONENTS = (
    Component(
        "forecast",
        "预测服务：月度序列预测与回测（ETS、季节 ARIMA、动态因子）",
        "Forecasting: monthly series forecast and back-test (ETS, seasonal ARIMA, dynamic factor)",
        "POST /api/v1/services/forecast",
        "indicators",
        "nav.industry",
    ),
)
BY_NAME = {c.name: c for c in COMPONENTS}


def record_call(url: str, actor: Actor, name: str) -> None:
    data_services.record_usage(url, actor, f"support.{name}", BY_NAME[name].dataset)


def listing(url: str) -> list[dict]:
    counts = data_services.call_counts(url, [f"support.{c.name}" for c in COMPONENTS])
    return [asdict(c) | {"calls": counts.get(f"support.{c.name}", 0)} for c in COMPONENTS]
