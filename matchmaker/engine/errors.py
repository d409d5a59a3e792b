"""Errors the engine raises on bad input; the CLI turns them into one line and exit status 2."""


class InputError(ValueError):
    """An input file or structure is malformed; the message names the problem in one line."""
