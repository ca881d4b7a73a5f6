"""The benchmark's baseline: the same submission without the platform's logic (see views.py)."""
