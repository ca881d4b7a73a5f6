"""Pages of the participation app, one module per concept."""
