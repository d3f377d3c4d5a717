"""The dashboard's pages (one thin file each) and what they share; ``dashboard.py`` is the entry point."""
