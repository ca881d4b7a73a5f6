"""Open311 GeoReport v2 server of the hotline (``/open311/v2/``), with mySociety's
``servicerequestupdates`` extension. See docs/open311.md."""
