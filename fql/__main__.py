"""`python -m fql`: the same as the `fql` command."""

from .cli import main

main()
