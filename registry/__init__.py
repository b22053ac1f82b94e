"""todokede's core: models, catalog, 和暦 dates, the store and git history. No Textual."""

__version__ = "0.1.0"
