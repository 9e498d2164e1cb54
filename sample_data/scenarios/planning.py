"""The sample city's planning scenario: its generated rows loaded once, labelled, audited."""

from __future__ import annotations

from cockpit import profile
from cockpit.actor import Actor
from cockpit.services.planning.planning import geojson
from cockpit.services.support import audit
from data_access import planning as store
from data_access.db import transaction, write_transaction
from sample_data import plans, real


def load(url: str, actor: Actor, seed: int) -> int:
    """The generated plans, once; answers how many zones were written (0 when plans are already there)."""
    with transaction(url) as session:
        if store.layer_count(session):
            return 0
    generated = plans.plans(
        real.read_geojson(real.BASE_FILES["coverage"]),
        real.read_geojson(real.BASE_FILES["green"]),
        real.read_geojson(real.BASE_FILES["water"]),
        seed,
    )
    source = f"generated (cockpit seeded generator, seed={seed}) on OpenStreetMap (ODbL 1.0)"
    layers = [
        {
            "key": key,
            "title": title,
            "title_en": title_en,
            "department": department,
            "authority": authority,
            "vintage": vintage,
            "legal_status": status,
            "revision": 0,
            "generated": True,
            "source": source,
        }
        for key, (title, title_en, department, authority, vintage, status) in profile.PLAN_TYPES.items()
    ]
    zones = {
        key: [
            {
                "code": z.code,
                "use": z.use,
                "far_max": z.far_max,
                "height_max": z.height_max,
                "green_min": z.green_min,
                "geometry": geojson(z.geometry),
            }
            for z in found
        ]
        for key, found in generated.items()
    }
    with write_transaction(url) as session:
        written = store.replace_plans(session, layers, zones)
        audit.record(session, actor, "planning.load", "plan_layer", after={"zones": written, "seed": seed})
    return written
