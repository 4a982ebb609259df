"""Deployment entry points (prefect.yaml points here): peelpipe's flows with the configured run timeout.

The flows themselves live in the package (`peelpipe.flows`); this file only applies the settings of
the folder a deployment runs in (config/, PEELPIPE_* variables), so `run_timeout` holds there too.
"""

from peelpipe.flows import backfill_flow as _backfill
from peelpipe.flows import refresh_flow as _refresh
from peelpipe.flows import stale_refresh_flow as _stale
from peelpipe.flows import with_configured_timeout
from peelpipe.settings import load_settings

_settings = load_settings()
backfill_flow = with_configured_timeout(_backfill, _settings)
refresh_flow = with_configured_timeout(_refresh, _settings)
stale_refresh_flow = _stale
