"""The subcommands of ``todokede``, one module per area of work."""
