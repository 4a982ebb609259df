"""peelpipe: HMICFRS PEEL grades for the 43 police forces of England and Wales, as data."""

__version__ = "0.2.0"
