"""Limits of structures as the standards give them: a control value for the cumulative change and one for its
daily rate, each in three bands (预警 70 %, 报警 85 %, 控制 100 % of the control value), and the alarm rules
that carry them into the rule engine. A building's design values make the same rules for its own sensors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cockpit.i18n import t
from cockpit.vocab import STRUCTURE_BANDS, STRUCTURE_TYPES

# metric -> (control value of the cumulative change, control value of its rate per day or None); the basis is
# the i18n text struct.basis.<metric>
LIMITS: dict[str, tuple[float, float | None]] = {
    "settle_mm": (30.0, 2.0),
    "incline_permil": (2.0, None),
    "crack_mm": (2.0, 0.2),
    "strain_ue": (1500.0, None),
    "ppv_mms": (10.0, None),
}
ESCALATE_S = {1: 600, 2: 1800, 3: 3600}
BAND_OF_SEVERITY = {severity: band for band, _share, severity in STRUCTURE_BANDS}  # what an open alarm means


@dataclass(frozen=True)
class Limit:
    control: float
    rate: float | None
    design: bool  # set by the building's design, not the standard's default


def rule_name(metric: str, kind: str, band: str, value: float, lang: str) -> str:
    return t(
        f"struct.rule.{kind}",
        lang,
        metric=t(f"metric.{metric}", lang),
        band=t(f"band.{band}", lang),
        value=f"{value:g}",
    )


def rules_for(device_type: str, limit: Limit, device_code: str | None = None) -> Iterator[dict[str, Any]]:
    """The rules of one limit: each band of the cumulative value, and of the daily rate where there is one."""
    metric = STRUCTURE_TYPES[device_type]
    for band, share, severity in STRUCTURE_BANDS:
        for kind, control in (("threshold", limit.control), ("rate", limit.rate)):
            if control is None:
                continue
            value = round(control * share, 4)
            yield {
                "name": rule_name(metric, kind, band, value, "zh"),
                "name_en": rule_name(metric, kind, band, value, "en"),
                "device_type": device_type,
                "kind": kind,
                "metric": metric,
                "op": ">=",
                "threshold": value,
                "duration_s": 0,
                "severity": severity,
                "escalate_after_s": ESCALATE_S[severity],
                "device_code": device_code,
            }


def default_rules() -> list[dict[str, Any]]:
    return [
        rule
        for device_type, metric in STRUCTURE_TYPES.items()
        for rule in rules_for(device_type, Limit(*LIMITS[metric], design=False))
    ]


def band(value: float | None, control: float | None) -> str:
    if value is None or not control:
        return "normal"
    reached = [name for name, share, _severity in STRUCTURE_BANDS if value >= control * share - 1e-9]
    return reached[-1] if reached else "normal"


def worse(a: str, b: str) -> str:
    order = ("normal", *(name for name, _s, _v in STRUCTURE_BANDS))
    return max(a, b, key=order.index)


def project_bands(gravest: dict[str, int]) -> dict[str, str]:
    """project code -> its gravest band, from its sensors' gravest open alarms (a sensor's code is its project's
    code and the point number)."""
    out: dict[str, int] = {}
    for code, severity in gravest.items():
        project = code.rsplit("-", 1)[0]
        out[project] = min(out.get(project, severity), severity)
    return {project: BAND_OF_SEVERITY.get(severity, "warning") for project, severity in out.items()}
