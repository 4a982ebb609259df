"""Warehouse: schemas and atomic snapshot publishing."""

from peelpipe.warehouse.schemas import KEYS, SCHEMA_VERSION, TABLES
from peelpipe.warehouse.store import Warehouse

__all__ = ["KEYS", "SCHEMA_VERSION", "TABLES", "Warehouse"]
