"""Ringing ReLUs: the paper's experiments, figures and claim checks (catalogue.py indexes them by figure id)."""
