"""Modal dialogs; each returns a typed result through ``dismiss``.

Nothing is imported here: each dialog is imported by the action that opens it.
"""
