"""The command line: the only part of adrbench that knows about terminals and argument parsing."""
