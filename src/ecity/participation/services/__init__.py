"""Services (writes) of the participation app, one module per concept."""
