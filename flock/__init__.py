"""The top and the bottom of Flock.

Top (this folder): the processes and commands that compose everything below: the app factory
(`app.py`, with `health.py` and `metrics.py`), the worker process (`worker.py`), the `flock`
command (`cli/`, one module per group), the restore procedure (`restore.py`) and the embedded
stack (`stack/`). They may import every layer.

Bottom (`core/`): settings, logging, connections, ids, errors and the write pause, which every
layer imports and which import nothing of the app but `cypher/`.
"""
