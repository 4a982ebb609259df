"""Prefect flows of peelpipe: wiring only. The steps live in the peelpipe library."""
