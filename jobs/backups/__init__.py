"""Backups: their own part, not a derived store. `archive.py` (the encrypted archive format),
`export.py` (making one), `targets.py` (where they live), `schedule.py` (the workers' scheduled
backups), `restore.py` (their parts put back). May import the stores (images), the connections
and the settings below; nothing above."""
