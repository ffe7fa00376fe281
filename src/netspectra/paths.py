"""Batched evaluation of layer outputs along a path ``p(t) = f_l(x, W + t·D)`` in weight space.

All points of a chunk are evaluated in one call. netspectra's own models take stacked parameters natively
(``netspectra.layers``: points folded into channels, grouped convolutions); any other ``nn.Module`` is
evaluated with ``torch.func.vmap`` over ``functional_call``. BatchNorm uses the batch statistics of the
sampled images (``batchnorm="batch"``, no running-statistics updates) or the running statistics
(``batchnorm="running"``, for trained checkpoints). Besides layer outputs, the *loss path* (the batch's mean
cross-entropy at every point, the pseudo-layer :data:`LOSS`) is recorded from the same forward passes.

What does not change along a path is computed once. For a direction that leaves the first layers unmoved
(``layer:k``), netspectra's models evaluate those layers once per call with their plain weights and every chunk
of points starts from the first moved layer (``forward(x, start=k)``, :func:`shared_prefix`). The first module
of that layer that reads the shared input (a convolution or linear map) is linear in t, so its output at every
point is ``A + t·B`` from two evaluations (:func:`points_from_line`). The layers after it, which the direction
leaves unmoved, get one weight tensor for all points (an ``expand`` view) and run as one dense convolution of
all points (``layers.Conv2d``). ``vmap`` shares by itself for any other module, whose unmoved parameters enter
unbatched.
"""

from __future__ import annotations

import copy
import functools
import inspect
from contextlib import contextmanager
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, replace_all_batch_norm_modules_, vmap

from . import layers as layer_types
from .device import keep_freed_memory
from .layers import unstack
from .schemas import LOSS

MAX_CHUNK = 64  # points per batched call at most (beyond it nothing was faster; memory grows linearly)


def l2_cache_bytes() -> int:
    """The CPU's level-2 cache per core in bytes (Linux sysfs), 1 MiB where it cannot be read."""
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            if (index / "level").read_text().strip() == "2":
                size = (index / "size").read_text().strip().upper()
                return int(size.rstrip("KMG")) * {"K": 1024, "M": 1024**2, "G": 1024**3}.get(size[-1], 1)
        except (OSError, ValueError):
            break
    return 1024**2


def auto_chunk(bytes_per_point: int, device: torch.device, mostly_unmoved: bool = False) -> int:
    """Points per batched call, from the largest working set one point adds to a layer (output + weights).

    On the CPU the points of a chunk should keep a layer's working set within about four times the level-2
    caches of the threads in use, and twice that when most of the layers that run are ones the direction
    leaves unmoved (``mostly_unmoved``: a ``layer:k`` direction, whose later layers run as one dense
    convolution of all points, which gains from larger chunks). Measured on a 2-core EPYC (1 MiB L2 per core)
    over Toy-CNN 50 and ResNet 20/56 at batches 2-32, chunks 1-128, all-layer and ``layer:k`` directions: this
    rule came within 8 % of the fastest chunk everywhere; the previous rule (twice the caches) ran up to 1.5x
    slower (bench/paths.py). On a GPU the bound is memory: a quarter of what is free, for about three live
    copies. Powers of two from 1 to :data:`MAX_CHUNK`.
    """
    if device.type == "cuda":
        budget = torch.cuda.mem_get_info(device)[0] // 4 // 3
    else:
        budget = (8 if mostly_unmoved else 4) * l2_cache_bytes() * torch.get_num_threads()
    chunk = max(1, min(MAX_CHUNK, budget // max(bytes_per_point, 1)))
    return 1 << (chunk.bit_length() - 1)


def _channels_last(t: torch.Tensor) -> torch.Tensor:
    """A 4-D tensor (images, activations, convolution weights) in channels-last memory; others as they are."""
    return t.contiguous(memory_format=torch.channels_last) if t.dim() == 4 else t


def is_stackable(model: nn.Module) -> bool:
    """True when every parameterised module of ``model`` comes from ``netspectra.layers``."""
    from . import layers

    own = (layers.Conv2d, layers.BatchNorm2d, layers.Linear)
    return all(isinstance(m, own) for m in model.modules() if any(True for _ in m.parameters(recurse=False)))


def stacked_parameters(params: dict[str, torch.Tensor], direction: dict[str, torch.Tensor],
                       ts: torch.Tensor, plain: frozenset[str] = frozenset()) -> dict[str, torch.Tensor]:
    """``W + t·D`` for every t, each with a leading point dimension of size ``len(ts)``; the parameters named
    in ``plain`` (unmoved, evaluated once for all points) keep their own shape."""
    out = {}
    for name, w in params.items():
        if name in direction:
            out[name] = torch.addcmul(w, ts.view(-1, *[1] * w.dim()), direction[name])
        else:
            out[name] = w if name in plain else w.expand(len(ts), *w.shape)
    return out


def shared_prefix(model: nn.Module, direction: dict[str, torch.Tensor]) -> tuple[str | None, frozenset[str]]:
    """The first layer a direction moves and the parameters registered before it, which it leaves unmoved.

    ``(layer name, parameter names)`` for a model with ``layer_names`` whose parameters are registered in the
    order its forward pass uses them (netspectra's models), or ``(None, ∅)`` when nothing can be shared (the
    first layer moves, or the first moved parameter lies outside every layer of ``layer_names``).
    """
    names = [n for n, _ in model.named_parameters()]
    first = next((n for n in names if n in direction), None)
    layer = next((ln for ln in getattr(model, "layer_names", []) if first and first.startswith(ln + ".")), None)
    if layer is None:
        return None, frozenset()
    start = next(i for i, n in enumerate(names) if n.startswith(layer + "."))
    return (layer, frozenset(names[:start])) if start > 0 else (None, frozenset())


def broadcast_points(x: torch.Tensor, p: int) -> torch.Tensor:
    """One point's activation ``(B, C, ...)`` repeated for ``p`` points in the stacked layout ``(B, P·C, ...)``."""
    if x.dim() != 4:
        return x.repeat(1, p)
    # (B, C, H, W) -> (B, P·C, H, W) in channels-last memory, with one copy
    b, c, h, w = x.shape
    x = x.permute(0, 2, 3, 1).unsqueeze(3).expand(b, h, w, p, c).reshape(b, h, w, p * c)
    return x.permute(0, 3, 1, 2)


def points_from_line(out: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
    """``A + t·B`` for every t: ``out`` ``(B, 2·C, ...)`` holds ``A`` and ``B`` stacked (layout of a 2-point stack);
    returns ``(B, len(ts)·C, ...)`` in the stacked layout, channels-last where ``out`` is."""
    o = out.movedim(1, -1).unflatten(-1, (2, -1))  # (B, ..., 2, C)
    y = torch.addcmul(o[..., :1, :], ts.view(-1, 1), o[..., 1:, :])  # (B, ..., P, C)
    return y.flatten(-2).movedim(-1, 1)


@contextmanager
def _recording(model: nn.Module, layer_names: list[str], keep=lambda name, out: out,
               modules: dict[str, nn.Module] | None = None):
    """Forward hooks that store ``keep(name, output)`` of ``layer_names`` in the yielded dict (``modules``:
    ``dict(model.named_modules())`` where the caller has it).

    Reducing inside the hook lets the full output be freed at once, so the allocator reuses its memory
    (retaining every layer's full output would need fresh memory for each chunk).
    """
    modules = dict(model.named_modules()) if modules is None else modules
    missing = [n for n in layer_names if n not in modules]
    if missing:
        recordable = getattr(model, "layer_names", sorted(modules))
        raise ValueError(f"model has no layer(s) {missing}; recordable: {recordable}")
    store: dict[str, torch.Tensor] = {}
    handles = [modules[n].register_forward_hook(lambda m, i, o, n=n: store.__setitem__(n, keep(n, o)))
               for n in layer_names]
    try:
        yield store
    finally:
        for h in handles:
            h.remove()


def unravel_index(flat: torch.Tensor, shape: tuple[int, ...]) -> tuple[torch.Tensor, ...]:
    """``torch.unravel_index(flat, shape)`` (C order), whose argument check imports sympy: ~0.7 s of every
    path-sampling job."""
    index = []
    for size in reversed(shape):
        index.append(flat % size)
        flat = flat // size
    return tuple(reversed(index))


class _Stop(Exception):
    """Ends a forward pass early, once what it was run for has been seen."""


class PathEvaluator:
    """Evaluates the outputs of ``layers`` at many points ``W + t·D`` of one model.

    ``__call__(direction, ts)`` returns ``{layer: (len(ts), B, ...)}`` computed in chunks of ``chunk``
    points (bounding memory at about ``chunk`` copies of the activations and weights). With
    ``select={layer: flat indices}`` it keeps only those entries of each point's output: ``(len(ts), n)``.
    ``layers`` may name :data:`LOSS`: then ``targets`` (the batch's class labels, (B,)) are needed and the
    result holds ``{LOSS: (len(ts),)}``, the mean cross-entropy of the model's output at every point.
    On the CPU it calls :func:`netspectra.device.keep_freed_memory` (the stacked activations are megabytes).
    """

    def __init__(self, model: nn.Module, x: torch.Tensor, layers: list[str], *, batchnorm: str = "batch",
                 chunk: int | str = "auto", targets: torch.Tensor | None = None):
        if batchnorm not in ("batch", "running"):
            raise ValueError(f"batchnorm must be 'batch' or 'running', got {batchnorm!r}")
        self.records_loss = LOSS in layers
        if self.records_loss and targets is None:
            raise ValueError("recording the loss path needs the batch's labels (targets)")
        self.stackable = is_stackable(model)
        if not self.stackable:
            model = copy.deepcopy(model)
            if batchnorm == "batch":
                replace_all_batch_norm_modules_(model)
        self.model = model.train(batchnorm == "batch")
        self.modules = dict(model.named_modules())
        self.starts = "start" in inspect.signature(model.forward).parameters  # forward(x, start=k)
        self.params = {n: p.detach() for n, p in model.named_parameters()}
        # Channels-last makes the grouped convolutions of the stacked layout markedly faster on CPU; with the
        # convolution weights and directions channels-last too, W + t·D comes out in the layout the convolution
        # takes, with no reorder of each stacked weight (~20 % of a Toy-CNN convolution at batch 4).
        self.channels_last = self.stackable and x.dim() == 4
        if self.channels_last:
            self.params = {n: _channels_last(p) for n, p in self.params.items()}
        self.buffers = {n: b.detach() for n, b in model.named_buffers()}
        self.recorded = list(layers)  # in the caller's order, LOSS included
        self.layers = [n for n in layers if n != LOSS]  # the modules whose outputs hooks record
        self.targets = targets
        self.x = _channels_last(x) if self.channels_last else x
        if x.device.type == "cpu":
            keep_freed_memory()
        self.chunk = chunk if chunk == "auto" else int(chunk)

    def chunk_for(self, direction: dict[str, torch.Tensor]) -> int:
        """The chunk used along ``direction``: the one asked for, or :func:`auto_chunk`'s where it was "auto"."""
        return self._chunk(direction, self._start(direction)[1] if self.stackable else None)

    def _chunk(self, direction: dict[str, torch.Tensor], plain: frozenset[str] | None) -> int:
        """:meth:`chunk_for` with the shared prefix's parameters ``plain`` known (None: not a stackable model)."""
        if self.chunk != "auto":
            return self.chunk
        running = [] if plain is None else [n for n in self.params if n not in plain]
        # Mostly unmoved parameters per chunk: their layers run as dense convolutions, which gain from wide chunks.
        dense = 2 * sum(n in direction for n in running) < len(running)
        return auto_chunk(self.bytes_per_point, self.x.device, mostly_unmoved=dense)

    def _loss(self, logits: torch.Tensor) -> torch.Tensor:
        """(P, B, classes) -> (P,): the batch's mean cross-entropy at every point."""
        per_image = F.cross_entropy(logits.flatten(0, 1), self.targets.repeat(logits.shape[0]), reduction="none")
        return per_image.view(logits.shape[:2]).mean(1)

    def _stacked(self, stacked: dict[str, torch.Tensor], ts: torch.Tensor, x: torch.Tensor, start: int = 0,
                 entry: str | None = None, select: dict[str, tuple[torch.Tensor, ...]] | None = None,
                 skip: frozenset[str] = frozenset(), until: str | None = None) -> dict[str, torch.Tensor]:
        """``{layer: (P, B, ...)}`` (or ``(P, n)`` at the ``select``ed entries, as :func:`unravel_index` gives them)
        for the P = ``len(ts)`` points of ``stacked``, running the model from ``layer_names[start]`` on ``x``, that
        layer's input at one point.

        ``entry``: the Conv2d/Linear inside that layer fed by ``x`` itself, whose parameters ``stacked`` holds as
        the two-point stack ``[W, D]``; its output ``A + t·B`` is formed from those two (see :meth:`_plain_pass`).
        ``skip``: recorded modules that ran before that layer (not recorded here). ``until``: a module after
        whose output the pass stops, returning what was recorded up to there.
        """
        p = len(ts)

        def keep(n, o):  # a copy: an in-place activation may overwrite a module's output later
            o = unstack(o, p)
            if select is None:
                return o.clone()
            return o[(slice(None), *select[n])]  # no copy of the whole (P, B, ...) output

        def stop(module, args, out):
            raise _Stop

        modules = self.modules
        hooks = [] if until is None else [modules[until].register_forward_hook(stop)]
        if entry is not None:
            hooks += [modules[entry].register_forward_pre_hook(lambda m, args: (x, *args[1:])),
                      modules[entry].register_forward_hook(lambda m, args, out: points_from_line(out, ts),
                                                           prepend=True)]
        try:
            with _recording(self.model, [n for n in self.layers if n not in skip], keep, modules) as store:
                # only what runs is swapped in (each swap costs ~10 µs); the buffers are the model's own;
                # netspectra's models tie no weights, and the check for tied ones costs 10 ms on Toy-CNN 80
                out = functional_call(self.model, stacked, (broadcast_points(x, p) if start else x,),
                                      {"start": start} if start else {}, tie_weights=False)
        except _Stop:
            return dict(store)
        finally:
            for h in hooks:
                h.remove()
        return dict(store) | ({LOSS: self._loss(unstack(out, p))} if self.records_loss else {})

    def _vmapped(self, stacked: dict[str, torch.Tensor], select: dict[str, torch.Tensor] | None = None):
        """Any other module: ``vmap`` over the points; unmoved parameters enter unbatched, so what depends on
        them alone is evaluated once for all points."""
        def keep(n, o):
            return o if select is None else o.flatten()[select[n]]

        def one(params):
            with _recording(self.model, self.layers, keep, self.modules) as store:
                out = functional_call(self.model, (params, self.buffers), (self.x,))
            return dict(store) | ({LOSS: self._loss(out[None])[0]} if self.records_loss else {})

        moved = {n: 0 if stacked[n].dim() > self.params[n].dim() else None for n in stacked}
        return vmap(one, in_dims=(moved,))(stacked)

    def _plain_pass(self, start: int, select: dict[str, tuple[torch.Tensor, ...]] | None
                    ) -> tuple[dict[str, torch.Tensor], torch.Tensor, str | None]:
        """What the points share, from one pass with the plain weights up to the end of ``layer_names[start]``.

        Returns the outputs ``(1, B, ...)`` (or ``(1, n)`` at the ``select``ed entries) of the recorded modules that
        run before that layer, its input ``x`` and the Conv2d or Linear inside it that takes ``x`` itself (None if
        there is none): that module's output is exactly linear in t, ``f(x, W + t·D) = f(x, W) + t·f(x, D)``, so two
        evaluations serve every point.
        """
        names = getattr(self.model, "layer_names", None)
        if not names:
            return {}, self.x, None
        layer, modules, seen = names[start], self.modules, {}
        inside = {n for n in modules if n == layer or n.startswith(layer + ".")}
        convs = {n for n in inside if isinstance(modules[n], layer_types.Conv2d)}
        linear_types = (layer_types.Conv2d, layer_types.Linear)
        linears = [n for n in modules if n in inside and isinstance(modules[n], linear_types)]

        def consumer(name):
            def hook(module, args):
                if "entry" not in seen and args[0] is seen["input"] and (name in convs or args[0].dim() == 2):
                    seen["entry"] = name
            return hook

        hooks = [modules[layer].register_forward_pre_hook(lambda m, args: seen.setdefault("input", args[0])),
                 *(modules[n].register_forward_pre_hook(consumer(n)) for n in linears)]
        zero = torch.zeros(1, device=self.x.device)
        try:
            store = self._stacked(stacked_parameters(self.params, {}, zero), zero, self.x, select=select, until=layer)
        finally:
            for h in hooks:
                h.remove()
        before = {n: o for n, o in store.items() if n not in inside}  # the layer's own modules depend on t
        return before, seen["input"], seen.get("entry")

    def _start(self, direction: dict[str, torch.Tensor]) -> tuple[int, frozenset[str]]:
        """Where the points part: the index in ``layer_names`` of the first layer the direction moves (0 where
        the model cannot start from it) and the parameters before it."""
        layer, plain = shared_prefix(self.model, direction)
        if layer is None or not self.starts:
            return 0, frozenset()
        return self.model.layer_names.index(layer), plain

    def _one_point(self) -> dict[str, torch.Tensor]:
        """The recorded outputs ``(1, B, ...)`` at the plain weights, as one stacked point (BatchNorm then uses
        the batch statistics and leaves its running statistics alone)."""
        zero = torch.zeros(1, device=self.x.device)
        one = stacked_parameters(self.params, {}, zero)
        with torch.no_grad():
            return self._stacked(one, zero, self.x) if self.stackable else self._vmapped(one)

    @functools.cached_property
    def shapes(self) -> dict[str, torch.Size]:
        """Shape ``(B, ...)`` of one point's output of every recorded layer."""
        return {n: o.shape[1:] for n, o in self._one_point().items()}

    @functools.cached_property
    def bytes_per_point(self) -> int:
        """The largest output-plus-weights of any module of one point's forward pass, in bytes."""
        sizes = []

        def hook(module, inputs, output):
            if isinstance(output, torch.Tensor):
                weights = sum(p.numel() * p.element_size() for p in module.parameters(recurse=False))
                sizes.append(output.numel() * output.element_size() + weights)

        leaves = [m for m in self.model.modules() if not any(True for _ in m.children())]
        handles = [m.register_forward_hook(hook) for m in leaves]
        try:
            self._one_point()
        finally:
            for h in handles:
                h.remove()
        return max(sizes, default=1)

    @torch.no_grad()
    def __call__(self, direction: dict[str, torch.Tensor], ts: torch.Tensor,
                 select: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
        if select is not None:
            select = {n: i.to(self.x.device) for n, i in select.items()}
        if not self.stackable:
            plain = frozenset(n for n in self.params if n not in direction)
            chunks = [self._vmapped(stacked_parameters(self.params, direction, t, plain), select)
                      for t in ts.split(self._chunk(direction, None))]
            return {n: torch.cat([c[n] for c in chunks]) for n in self.recorded}
        if self.channels_last:
            direction = {n: _channels_last(d) for n, d in direction.items()}
        start, plain = self._start(direction)
        if select is not None:  # the selected flat entries as (image, channel, ...) indices, once per call
            select = {n: unravel_index(i, self.shapes[n]) for n, i in select.items() if n in self.shapes}
        before, x, entry = self._plain_pass(start, select)
        line = {}
        if entry is not None:  # the entry module's parameters as the two-point stack [W, D]
            for name, w in self.modules[entry].named_parameters(entry, recurse=False):
                line[name] = torch.stack([w.detach(), direction.get(name, torch.zeros_like(w))])
        running = {n: w for n, w in self.params.items() if n not in plain}  # the prefix has run already
        chunks = [self._stacked(stacked_parameters(running, direction, t) | line, t, x, start, entry, select,
                                skip=frozenset(before)) for t in ts.split(self._chunk(direction, plain))]
        out = {n: torch.cat([c[n] for c in chunks]) for n in self.recorded if n not in before}
        for n, o in before.items():  # the same at every point
            out[n] = o.expand(len(ts), *o.shape[1:])
        return {n: out[n] for n in self.recorded}


def sample_indices(shape: torch.Size, max_paths: int | None, generator: torch.Generator) -> torch.Tensor:
    """Sorted flat indices of at most ``max_paths`` entries (unit, position, image) of a layer output."""
    n = int(torch.tensor(shape).prod())
    if max_paths is None or max_paths >= n:
        return torch.arange(n)
    return torch.randperm(n, generator=generator)[:max_paths].sort().values
