"""todokede（届出）: a municipality's register of personal-information processes.

The core is :mod:`todokede.registry` (no Textual), the documents
:mod:`todokede.reports`, the CLI and the terminal app :mod:`todokede.tui`.
"""

__version__ = "0.1.0"
