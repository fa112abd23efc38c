"""lrfunc: learning-rate schedules as pure functions of the step, for PyTorch.

Examples:
    >>> import lrfunc as lf
    >>> sched = lf.chain(lf.warmup(1_000), lf.cosine(99_000, end=0.1))
    >>> sched
    chain(warmup(1000), cosine(99000, end=0.1))
    >>> round(sched(1_000, 3e-4), 10)
    0.0003
"""

from typing import TYPE_CHECKING, Any

from . import checks as checks
from . import functional as functional
from . import ops as ops
from ._apply import apply_schedules as apply_schedules
from ._apply import base_values as base_values
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
from ._combinators import cooldown as cooldown
from ._combinators import in_epochs as in_epochs
from ._combinators import kdecay as kdecay
from ._combinators import noise as noise
from ._combinators import product as product
from ._combinators import repeat as repeat
from ._combinators import scale as scale
from ._combinators import shift as shift
from ._combinators import stretch as stretch
from ._config import ConfigError as ConfigError
from ._config import from_config as from_config
from ._config import to_config as to_config
from ._cyclic import cyclic as cyclic
from ._cyclic import onecycle as onecycle
from ._cyclic import restarts as restarts
from ._decays import interpolate as interpolate
from ._decays import inverse_sqrt as inverse_sqrt
from ._decays import inverse_time as inverse_time
from ._decays import noam as noam
from ._decays import rex as rex
from ._decays import tanh as tanh
from ._from_torch import from_torch as from_torch
from ._from_torch_cyclic import from_torch_momentum as from_torch_momentum
from ._function import from_function as from_function
from ._parse import parse as parse
from ._plateau import plateau as plateau
from ._plateau import plateau_init as plateau_init
from ._plateau import plateau_update as plateau_update
from ._plot import plot as plot
from ._recipe import Recipe as Recipe
from ._recipe import UnboundRecipeError as UnboundRecipeError
from ._schedule import Child as Child
from ._schedule import Schedule as Schedule
from ._scheduler import Scheduler as Scheduler
from ._tree import joins as joins
from ._tree import walk as walk
from ._validate import ParameterError as ParameterError
from ._validate import ParameterTypeError as ParameterTypeError
from ._validate import ParameterValueError as ParameterValueError
from ._wave import cosine_wave as cosine_wave
from ._wsd import wsd as wsd

if TYPE_CHECKING:

    def frac(fraction: float) -> Any:
        """A number of updates given as a fraction of training (:class:`lrfunc._fraction.frac`).

        Typed ``Any`` for type checkers, as ``dataclasses.field`` is typed as its field: a
        fraction goes wherever a number of updates is annotated (``steps: int``).
        """
        ...

else:
    from ._fraction import frac as frac

__version__ = "0.1.0"
