"""Test support shared by every app's tests (not imported by the application itself)."""
