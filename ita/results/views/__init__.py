"""The public results pages, by topic: ``results`` (the tables) and ``insights``."""
