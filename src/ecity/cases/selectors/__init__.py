"""Reads on cases, with permission filtering. Re-exports each module's public functions."""
