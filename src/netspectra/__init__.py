"""netspectra: spectra of neural-network functions in weight space and input space."""

__version__ = "0.1.0"
