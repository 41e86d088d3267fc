"""adrbench: the benchmark and evaluation suite for Action Difference Reasoning (ADR).

Importing adrbench only defines things: no logging setup, no environment loading, no downloads.
"""

__version__ = "0.1.0"
