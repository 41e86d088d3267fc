"""Tests of adrbench.metrics and adrbench.scoring."""
