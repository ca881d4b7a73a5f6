"""Models of the participation app (one module per concept, re-exported here)."""
