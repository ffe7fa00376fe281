"""netspectra: spectra of neural-network functions in weight space and input space.

Your own model, in a few lines (the names load lazily, so ``import netspectra`` stays light)::

    table = netspectra.roughness(model, x)              # h per layer; see netspectra.api
    recorder = netspectra.SpectrumRecorder(x, target=y)  # spectrum over training; see netspectra.inputspace
    netspectra.plot_spectrum(recorder.table)            # sb-fig1-style heat map; see netspectra.plotting
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "roughness": "api",
    "input_spectrum": "inputspace",
    "SpectrumRecorder": "inputspace",
    "line": "inputspace",
    "grid": "inputspace",
    "plot_spectrum": "plotting",
    "plot_roughness": "plotting",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'netspectra' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
