"""Loaders of the original dataset formats, the ADR builder, the synthetic generators and per-video kinematics."""
