"""Participation (互动交流): consultations on drafts, surveys and mailboxes."""
