"""`python -m peelpipe` runs the command line, exactly as the `peelpipe` command does."""

from peelpipe.cli import console

console()
