"""Full screens: the register (main), the entry form, history, report, reminders.

Nothing is imported here: the app imports the main screen, and each other
screen is imported by the action that opens it (it brings git, diffs or
reports with it), so that the register is on screen sooner.
"""
