"""Browser fixtures: shared by every app, see ``ecity.testing.e2e``.

``assert_accessible`` is re-exported here for the portal's journeys.
"""

from __future__ import annotations

from ecity.testing.e2e import BLOCKING_IMPACTS, CHROMIUM, CHROMIUM_ARGS, assert_accessible

__all__ = ["BLOCKING_IMPACTS", "CHROMIUM", "CHROMIUM_ARGS", "assert_accessible"]
