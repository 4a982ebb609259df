"""What a command-line flow run prints on the terminal when it fails.

Prefect logs a failed flow or task run at ERROR with its whole traceback, to its API (where the
run's logs keep it) and to the terminal. On the terminal, peelpipe's own one-line error already
names the cause (a 403, a bad setting), so there the traceback is left out of Prefect's line.
"""

from __future__ import annotations

import logging

RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


class NoRunTracebacks(logging.Filter):
    """Drops the traceback from flow and task run records on the handler it is added to.

    The run loggers' own handler (Prefect's API log handler) has formatted the record, traceback
    included, before the record propagates to the root logger's console handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.name.startswith(RUN_LOGGERS):
            record.exc_info, record.exc_text = None, None
            run_id = getattr(record, "flow_run_id", None) or "<flow run id>"
            record.msg = f"{record.msg} (the traceback is in the run's logs: prefect flow-run logs {run_id})"
        return True


def terse_console() -> None:
    """Add NoRunTracebacks to the console handlers of the root logger (once)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not any(isinstance(f, NoRunTracebacks)
                                                                  for f in handler.filters):
            handler.addFilter(NoRunTracebacks())
