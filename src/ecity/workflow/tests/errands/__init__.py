"""A test-only app (installed by the test settings only): a second subject type for workflow."""
