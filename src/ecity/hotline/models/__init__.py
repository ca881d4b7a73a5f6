"""Models of the hotline app (one module per concept, re-exported here)."""

from ecity.hotline.models.categories import Category  # noqa: F401
