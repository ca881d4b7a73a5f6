"""Hotline pages (one module per area): console, dispatch, citizen, handling, supervision,
knowledge base."""
