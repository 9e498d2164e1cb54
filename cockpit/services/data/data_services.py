"""The platform's data-service components (数据服务组件), each with its API route, a description, and how
often it was called (every call goes in the usage register against the dataset it reads)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cockpit.actor import Actor
from cockpit.services.kernel.clock import stored_now
from data_access import catalog as catalog_store
from data_access import sharing as store
from data_access.db import transaction, write_transaction


@dataclass(frozen=True)
class DataService:
    name: str
    title: str
    title_en: str
    route: str
    dataset: str  # the catalog dataset it reads, against which its calls are registered


SERVICES = (
    DataService(
        "geocode",
        "地理信息：地址解析",
        "Geocoding: address to building, street and grid",
        "GET /api/v1/services/geocode?address=",
        "base_features",
    ),
    DataService(
        "reverse",
        "地理信息：坐标定位",
        "Reverse geocoding: point to street and grid",
        "GET /api/v1/services/reverse?lon=&lat=",
        "streets",
    ),
    DataService(
        "housing",
        "房屋信息：楼栋房屋",
        "Housing: a building's floors, homes and households",
        "GET /api/v1/services/buildings/{id}/housing",
        "base_features",
    ),
    DataService(
        "licences",
        "电子证照：查询与核验",
        "E-licences: look up a company's licences, verify one",
        "GET /api/v1/services/licences?holder= · GET /api/v1/services/licences/{number}",
        "e_licences",
    ),
)
BY_NAME = {s.name: s for s in SERVICES}


def record_call(url: str, actor: Actor, service: str, purpose: str | None = None) -> None:
    record_usage(url, actor, f"service.{service}", BY_NAME[service].dataset, purpose)


def record_usage(url: str, actor: Actor, route: str, dataset_name: str, purpose: str | None = None) -> None:
    """One call of a platform service, registered against the catalog dataset it reads."""
    with write_transaction(url) as session:
        dataset = catalog_store.dataset_by_name(session, dataset_name)
        if dataset is None:
            return
        catalog_store.record_usage(
            session,
            {
                "dataset_id": dataset["id"],
                "actor": actor.name,
                "role": actor.role,
                "purpose": (purpose or "")[:200] or None,
                "route": route,
                "records": 1,
                "at": stored_now(),
            },
        )


def call_counts(url: str, routes: list[str]) -> dict[str, int]:
    with transaction(url) as session:
        return store.call_counts(session, routes)


def listing(url: str) -> list[dict]:
    counts = call_counts(url, [f"service.{s.name}" for s in SERVICES])
    return [asdict(s) | {"calls": counts.get(f"service.{s.name}", 0)} for s in SERVICES]
