"""The one error a user sees as a single line: a register that cannot be used.

Kept free of heavy imports so the command line can catch it cheaply.
"""


class RegisterError(Exception):
    """The register cannot be found, read or changed as asked (one clear line)."""
