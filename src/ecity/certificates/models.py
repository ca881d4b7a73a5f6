"""Decision documents, e-certificates and signing keys (written by the certificates helper)."""
