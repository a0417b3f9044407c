"""`python -m flock.cli`: the same as the `flock` command."""

from flock.cli import main

main()
