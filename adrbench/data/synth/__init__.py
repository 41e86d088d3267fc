"""Embedded synthetic twins: generative processes that write Ego-Exo4D, JIGSAWS and FitnessAQA files (docs/synthetic.md)."""
