"""Schedule kernels in the card's form ``(step, base_lr, **params) -> lr``.

Like :mod:`torch.nn.functional` beside :mod:`torch.nn`: each schedule object of
:mod:`lrfunc` binds parameters and calls the kernel of the same name here. Kernels apply
the step convention (number in, float out; tensor in, tensor out) but do not validate
their parameters; the schedule constructors do.
"""

from ._basic import constant as constant
from ._basic import cosine as cosine
from ._basic import exp as exp
from ._basic import linear as linear
from ._basic import multistep as multistep
from ._basic import piecewise_constant as piecewise_constant
from ._basic import poly as poly
from ._basic import step as step
from ._basic import warmup as warmup
from ._decays import interpolate as interpolate
from ._decays import inverse_sqrt as inverse_sqrt
from ._decays import inverse_time as inverse_time
from ._decays import noam as noam
from ._decays import rex as rex
from ._decays import tanh as tanh
from ._noise import noise as noise
from ._wave import cosine_wave as cosine_wave
from ._wsd import wsd as wsd
