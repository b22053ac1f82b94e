"""Everything a person touches in a terminal: the CLI and the Textual app."""
