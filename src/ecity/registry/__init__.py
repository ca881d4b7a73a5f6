"""The city information resource centre: metadata, resource catalogue, base registries, sharing."""
