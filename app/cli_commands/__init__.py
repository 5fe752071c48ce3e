"""The CLI's commands, one module per area; each adds its sub-commands to the parser.

A command sets ``handler`` (a function of the parsed args returning an exit
code) with ``set_defaults``; :mod:`app.cli` dispatches on it.
"""
