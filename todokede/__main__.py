"""``python -m todokede``: the same as the ``todokede`` command."""

from todokede.tui.cli import main

if __name__ == "__main__":
    main()
