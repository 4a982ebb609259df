"""Project tools run from the project root (``python -m tools.<name>``); not part of the installed library."""
