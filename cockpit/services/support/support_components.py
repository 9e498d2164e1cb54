"""The application-support platform's components (应用支撑组件): services the scenarios call through an API,
each listed on /platform/support with how often it was called (calls are registered against the catalog
dataset the component reads, like the data services')."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cockpit.actor import Actor
from cockpit.services.data import data_services


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
    Component(
        "router",
        "12345 智能分拨：诉求文本 → 分类、承办部门、置信度",
        "12345 router: request text to category, department and confidence",
        "POST /api/v1/tickets/route",
        "tickets",
        "nav.services",
    ),
    Component(
        "licences",
        "电子证照签发与核验（Ed25519 签名、二维码）",
        "E-licences: issue (Ed25519 signature, QR code) and verify",
        "POST /api/v1/licences · GET /api/v1/licences/{id}/verify",
        "service_items",
        "nav.services",
    ),
    Component(
        "commitments",
        "信用承诺：以承诺代替材料，到期核查",
        "Credit commitments: a promise in place of a material, checked when due",
        "POST /api/v1/commitments · POST /api/v1/commitments/{id}/settle",
        "service_items",
        "nav.services",
    ),
    Component(
        "outbox",
        "消息通知：站内信，短信与邮件适配器（COCKPIT_SMS_URL、COCKPIT_SMTP_URL）",
        "Notifications: in-app; SMS and e-mail adapters (COCKPIT_SMS_URL, COCKPIT_SMTP_URL)",
        "GET /api/v1/notifications",
        "tickets",
        "nav.services",
    ),
)
BY_NAME = {c.name: c for c in COMPONENTS}


def record_call(url: str, actor: Actor, name: str) -> None:
    data_services.record_usage(url, actor, f"support.{name}", BY_NAME[name].dataset)


def listing(url: str) -> list[dict]:
    counts = data_services.call_counts(url, [f"support.{c.name}" for c in COMPONENTS])
    return [asdict(c) | {"calls": counts.get(f"support.{c.name}", 0)} for c in COMPONENTS]
