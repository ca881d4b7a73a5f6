"""The exchange gateway: ``/r1/{instance}/{class}/{member}/{subsystem}/{service}/{path}``."""
