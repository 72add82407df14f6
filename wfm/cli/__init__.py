"""The ``wfm`` command line. Each stage adds its subcommands here once it does real work."""

from wfm.cli.app import app, main

__all__ = ["app", "main"]
