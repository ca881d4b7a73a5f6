"""Data connectors (数据整合): reading sources and claiming runs; the services are in
``ecity.exchange.services.connectors``."""
