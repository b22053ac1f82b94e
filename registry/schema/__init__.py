"""What an entry is: the models, catalog, 和暦 dates and rules. No I/O."""
