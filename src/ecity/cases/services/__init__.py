"""Writes on cases. Each concept has its own module; the public functions are re-exported here."""
