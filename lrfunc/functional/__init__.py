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
from ._cyclic import cyclic as cyclic
from ._cyclic import onecycle as onecycle
from ._cyclic import restarts as restarts
