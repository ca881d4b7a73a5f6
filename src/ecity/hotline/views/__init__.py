"""HTML pages of the hotline (one module per area)."""
