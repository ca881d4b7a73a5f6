"""Registry models, one module per concept (metadata, catalogue, records, sharing)."""
