"""Hotline pages: the agent console, the dispatcher's queue and the citizen's pages."""
