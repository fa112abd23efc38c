"""lrfunc: learning-rate schedules as pure functions of the step, for PyTorch.

Examples:
    >>> import lrfunc as lf
    >>> sched = lf.chain(lf.warmup(1_000), lf.cosine(99_000, end=0.1))
    >>> sched
    chain(warmup(1000), cosine(99000, end=0.1))
    >>> round(sched(1_000, 3e-4), 10)
    0.0003
"""

from . import functional as functional
from ._basic import constant as constant
from ._basic import cosine as cosine
from ._basic import exp as exp
from ._basic import linear as linear
from ._basic import multistep as multistep
from ._basic import piecewise_constant as piecewise_constant
from ._basic import poly as poly
from ._basic import step as step
from ._basic import warmup as warmup
from ._combinators import chain as chain
from ._combinators import clip as clip
from ._combinators import product as product
from ._combinators import scale as scale
from ._combinators import shift as shift
from ._combinators import stretch as stretch
from ._cyclic import cyclic as cyclic
from ._cyclic import onecycle as onecycle
from ._cyclic import repeat as repeat
from ._cyclic import restarts as restarts
from ._from_torch import from_torch as from_torch
from ._from_torch_cyclic import from_torch_momentum as from_torch_momentum
from ._schedule import Schedule as Schedule

__version__ = "0.1.0"
