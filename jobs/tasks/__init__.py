"""The RQ entry points: plain functions of ids that re-read the graph and can run twice without
harm. Each worker process shares one context (jobs/tasks/context.py)."""
