"""Organisations and people: provinces, districts, organisations, positions, acting holders."""
