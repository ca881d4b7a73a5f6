"""Notification outbox, channels and preferences (written by the notify helper)."""
