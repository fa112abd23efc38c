"""Schedule kernels in the card's form ``(step, base_lr, **params) -> lr``.

Like :mod:`torch.nn.functional` beside :mod:`torch.nn`. Each kernel is derived from the
schedule class of the same name in :mod:`lrfunc` (same parameters, defaults, checks and
formula): ``cosine(step, base_lr, steps=n, end=e)`` is ``lrfunc.cosine(n, end=e)(step,
base_lr)``. Kernels apply the step convention (number in, float out; tensor in, tensor
out).

Examples:
    >>> from lrfunc.functional import cosine, warmup
    >>> [round(cosine(k, 1.0, steps=4, end=0.1), 6) for k in (0, 2, 4, 8)]
    [1.0, 0.55, 0.1, 0.1]
    >>> [warmup(k, 1.0, steps=3) for k in (0, 1, 2, 3, 10)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    >>> import torch
    >>> cosine(torch.tensor([0, 2, 4]), 2.0, steps=4)
    tensor([2., 1., 0.])
"""

import lrfunc._basic as _basic
import lrfunc._combinators as _combinators
import lrfunc._cyclic as _cyclic
import lrfunc._decays as _decays
import lrfunc._wave as _wave
import lrfunc._wsd as _wsd

from .._kernel import kernel

constant = kernel(_basic.constant)
cosine = kernel(_basic.cosine)
exp = kernel(_basic.exp)
linear = kernel(_basic.linear)
multistep = kernel(_basic.multistep)
piecewise_constant = kernel(_basic.piecewise_constant)
poly = kernel(_basic.poly)
step = kernel(_basic.step)
warmup = kernel(_basic.warmup)
cyclic = kernel(_cyclic.cyclic)
onecycle = kernel(_cyclic.onecycle)
restarts = kernel(_cyclic.restarts)
interpolate = kernel(_decays.interpolate)
inverse_sqrt = kernel(_decays.inverse_sqrt)
inverse_time = kernel(_decays.inverse_time)
noam = kernel(_decays.noam)
rex = kernel(_decays.rex)
tanh = kernel(_decays.tanh)
noise = kernel(_combinators.noise)
cosine_wave = kernel(_wave.cosine_wave)
wsd = kernel(_wsd.wsd)

__all__ = [
    "constant",
    "cosine",
    "cosine_wave",
    "cyclic",
    "exp",
    "interpolate",
    "inverse_sqrt",
    "inverse_time",
    "linear",
    "multistep",
    "noam",
    "noise",
    "onecycle",
    "piecewise_constant",
    "poly",
    "restarts",
    "rex",
    "step",
    "tanh",
    "warmup",
    "wsd",
]
