"""The demo city 示范市: data only (regions, departments, themes, service guides, accounts).

``ecity.demo.services.demo_city_load`` loads it; ``manage.py load_demo`` and ``ecity run`` call
that service. Everything here is fictional demo data.
"""

from __future__ import annotations

from ecity.demo.data import (
    services_construction,
    services_health,
    services_market,
    services_police,
    services_social,
    services_tax,
)
from ecity.demo.data.blocks import Item

ITEMS: list[Item] = [
    *services_market.ITEMS,
    *services_tax.ITEMS,
    *services_health.ITEMS,
    *services_social.ITEMS,
    *services_police.ITEMS,
    *services_construction.ITEMS,
]
