"""Every change to sandboxes and executions goes through these services."""
