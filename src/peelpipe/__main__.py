"""`python -m peelpipe` runs the command line."""

from peelpipe.cli import main

raise SystemExit(main())
