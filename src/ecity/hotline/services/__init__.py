"""Services (writes) of the hotline app, one module per concept."""
