"""On the Spectral Bias of Neural Networks: the paper's experiments, figures and claim checks
(catalogue.py indexes them by figure id)."""
