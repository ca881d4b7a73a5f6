"""12345 hotline (政务服务便民热线): tickets from every channel, dispatch, handling, callback and
rating, the knowledge base, Open311 GeoReport v2, hotspots and department measures."""
