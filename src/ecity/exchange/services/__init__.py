"""Writes of the data exchange, one module per concept."""
