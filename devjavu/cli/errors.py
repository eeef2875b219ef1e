class CommandError(Exception):
    """Ends a command with a one-line message and exit code 1."""
