"""Operator tools in the admin: execution history (filters, search, output and timeline
read-only; cancel, re-run, mark lost), sandboxes (owner, size, last run), the operator
settings (prices, alert thresholds) and alert state. The kill switch's page is the sandboxes
app's (sandboxes/admin.py).

Everything shown is read-only: runs change only through the execution services, which
the actions call, so an admin form can never write back a stale row over a live run.
"""

from operations.admin import executions, sandboxes, settings  # noqa: F401 (registers them)
