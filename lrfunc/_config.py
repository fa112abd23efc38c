"""Schedules as data: ``to_config`` gives JSON-safe nested dicts, ``from_config`` reads them.

The names a config may use are the schedule classes that :mod:`lrfunc` exports (looked up
when first needed, so every schedule and combinator is covered without a list to keep);
their parameters are the dataclass fields. Nothing in the data is imported, evaluated or
looked up as an attribute: a name either is one of those classes or is an error.

Three shapes are read (``to_config`` writes the first, or the third with
``style="hydra"``):

* plain: ``{"name": "cosine", "steps": 99000, "end": 0.1}``; a ``*args`` field such as
  chain's ``schedules`` is a list under its own name;
* positional: ``{"name": "cosine", "args": [99000], "kwargs": {"end": 0.1}}``;
* Hydra/OmegaConf: ``{"_target_": "lrfunc.cosine", "steps": 99000, "end": 0.1}``, with
  ``*args`` in ``"_args_"``; ``hydra.utils.instantiate`` builds the same schedule. The
  root written by ``to_config`` carries ``"_convert_": "all"``: with Hydra's default
  (``"none"``) a list of built schedules reaches ``chain`` as a ``ListConfig``, in which
  OmegaConf has turned each schedule (a dataclass) back into a ``DictConfig``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

from ._fraction import Unbound, frac
from ._ops import Tensor
from ._recipe import Recipe
from ._schedule import Schedule, differs, fields_of, varargs_of
from ._validate import (
    ParameterError,
    check_choice,
    did_you_mean,
    is_list,
    is_mapping,
    is_sequence,
    is_tuple,
    untyped,
)

__all__ = ["Arg", "ConfigError", "build", "from_config", "registry", "to_config"]

#: Most containers (schedules, lists) nested in one another, in data or text.
MAX_DEPTH = 100
#: Most values (schedules, lists, numbers, ...) in one config or expression.
MAX_ITEMS = 10_000

_HYDRA_IGNORED = frozenset({"_recursive_", "_convert_"})


class ConfigError(ValueError):
    """A config or expression that does not describe a schedule.

    The message starts with the place: the path in the data (``schedules[1].end``) or the
    line and column in the text.

    Attributes:
        where: that place, or ``""`` for the whole input.

    Examples:
        >>> import lrfunc as lf
        >>> try:
        ...     lf.from_config({"name": "chain", "schedules": [{"name": "cosine", "steps": -1}]})
        ... except lf.ConfigError as error:
        ...     print(error)
        schedules[0].steps: cosine: steps must be an int >= 0, got -1
    """

    def __init__(self, where: str, message: str) -> None:
        shown = where if len(where) <= 160 else f"{where[:60]}...{where[-60:]}"
        super().__init__(f"{shown}: {message}" if where else message)
        self.where = where
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.where, self.message))


ConfigError.__module__ = "lrfunc"  # its public home: shown as ``lrfunc.ConfigError``


def registry() -> dict[str, type[Schedule]]:
    """The schedule classes that ``lrfunc`` exports, by exported name."""
    import lrfunc

    found: dict[str, type[Schedule]] = {}
    for name, obj in vars(lrfunc).items():
        if (
            isinstance(obj, type)
            and issubclass(obj, Schedule)
            and not issubclass(obj, Unbound)  # a Recipe is written as the call it holds
            and obj is not Schedule
            and dataclasses.is_dataclass(obj)
            and not name.startswith("_")
        ):
            found[name] = obj
    return found


def readable() -> dict[str, type[Any]]:
    """The names a config or an expression may call: the schedules, and ``frac``."""
    return {**registry(), "frac": frac}


def _names_of(reg: Mapping[str, type[Schedule]]) -> dict[type, str]:
    names: dict[type, str] = {}
    for name, cls in reg.items():
        if names.get(cls) != cls.__name__:
            names[cls] = name
    return names


def unknown_name(name: str, reg: Mapping[str, type[Any]]) -> str:
    """The message for a name that is not a schedule."""
    hint = did_you_mean(name, reg) or f"; known: {', '.join(sorted(reg))}"
    return f"unknown schedule {name!r:.80}{hint}"


def join(path: str, key: str | int) -> str:
    """``path`` extended by a key (``a.b``) or an index (``a[1]``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# -- building: shared with the parser ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Arg:
    """A value read from the input, with its place (and the places of its items)."""

    value: Any
    where: str
    items: tuple[str, ...] = ()


def build(
    name: str,
    cls: type[Any],
    args: Sequence[Arg],
    kwargs: Mapping[str, Arg],
    where: str,
) -> Any:
    """Call ``cls`` with values already read, each with its place for errors.

    Positional values fill the non-keyword-only fields in order (a ``*args`` field takes
    the rest, as in ``repr``); keywords name fields. Errors from the constructor are
    re-raised as :class:`ConfigError` at the place of the parameter they name.
    """
    fields = [f for f in fields_of(cls) if f.init]
    varargs = varargs_of(cls)
    positional = [f for f in fields if not f.kw_only]
    bound: dict[str, Arg] = {}
    rest = list(args)
    for field in positional:
        if not rest:
            break
        if field.name == varargs:
            places = tuple(a.where for a in rest)
            bound[field.name] = Arg(tuple(a.value for a in rest), places[0], places)
            rest = []
        else:
            bound[field.name] = rest.pop(0)
    if rest:
        names = ", ".join(f.name for f in positional) or "none"
        raise ConfigError(
            rest[0].where,
            f"{name} takes {len(positional)} positional argument(s) ({names}), got {len(args)}",
        )
    known = {f.name: f for f in fields}
    for key, arg in kwargs.items():
        if key not in known:
            raise ConfigError(
                arg.where,
                f"unknown parameter {key!r:.80} for {name}{did_you_mean(key, known)} "
                f"(it takes {', '.join(known) or 'no parameters'})",
            )
        if key in bound:
            raise ConfigError(arg.where, f"{name} got two values for {key!r:.80}")
        if key == varargs and not isinstance(arg.value, tuple):
            raise ConfigError(arg.where, f"{key} must be a list, got {arg.value!r:.80}")
        bound[key] = arg
    for field in fields:
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if required and field.name != varargs and field.name not in bound:
            raise ConfigError(where, f"{name} is missing its parameter {field.name!r}")

    call_args: list[Any] = []
    call_kwargs: dict[str, Any] = {}
    in_order = True  # positional while no earlier positional field was left out
    for field in fields:
        if field.name not in bound:
            in_order = in_order and field.kw_only
            continue
        value = bound[field.name].value
        if field.name == varargs and in_order:
            call_args.extend(value)
        elif not field.kw_only and in_order:
            call_args.append(value)
        else:
            call_kwargs[field.name] = value
    try:
        return cls(*call_args, **call_kwargs)
    except Exception as exc:  # every constructor error becomes one error type, placed
        text = str(exc) if isinstance(exc, (TypeError, ValueError)) else repr(exc)
        text = text if len(text) <= 300 else f"{text[:300]}..."
        raise ConfigError(_blame(exc, bound, where), f"{name}: {text}") from None


def _blame(exc: Exception, bound: Mapping[str, Arg], where: str) -> str:
    """The place of the parameter (or item) a check failed on, else ``where``.

    Checks raise :class:`ParameterError`, whose ``param`` is ``"name"`` or
    ``"name[index]"``.
    """
    if not isinstance(exc, ParameterError):
        return where
    name, bracket, rest = exc.param.partition("[")
    arg = bound.get(name)
    if arg is None:
        return where
    index = rest.split("]", 1)[0]
    if bracket and index.isdigit() and int(index) < len(arg.items):
        return arg.items[int(index)]
    return arg.where


# -- from data --------------------------------------------------------------------------


class _Reader:
    def __init__(self) -> None:
        self.registry = readable()
        self.items = 0

    def value(self, data: Any, path: str, depth: int) -> Any:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise ConfigError(path or "top level", f"too many values (more than {MAX_ITEMS})")
        if data is None or isinstance(data, (bool, str)):
            return data
        if isinstance(data, Integral):
            return int(data)
        if isinstance(data, Real):
            return float(data)
        if depth >= MAX_DEPTH:
            raise ConfigError(path or "top level", f"nested more than {MAX_DEPTH} deep")
        if is_mapping(data):
            return self.schedule(data, path, depth + 1)
        if is_sequence(data) and not isinstance(data, (bytes, bytearray)):
            return tuple(self.value(v, join(path, i), depth + 1) for i, v in enumerate(data))
        raise ConfigError(
            path or "top level",
            f"expected a number, string, bool, null, list or table, got {type(data).__name__}",
        )

    def schedule(self, data: Mapping[Any, Any], path: str, depth: int) -> Any:
        for key in data:
            if not isinstance(key, str):
                raise ConfigError(path or "top level", f"keys must be strings, got {key!r:.80}")
        if set(data) == {"frac"}:  # a fraction of training, as to_config writes it
            value = self.arg(data["frac"], join(path, "frac"), depth)
            return build("frac", frac, [value], {}, path or "top level")
        if "_target_" in data:
            return self._hydra(data, path, depth)
        if "name" not in data:
            raise ConfigError(
                path or "top level",
                "expected a schedule: a table with a 'name' (or a Hydra '_target_'), "
                f"got keys {sorted(data)}",
            )
        name = self._name(data["name"], join(path, "name"))
        cls = self.registry[name]
        fields = {f.name for f in fields_of(cls)}
        keys = set(data) - {"name"}
        if keys and keys <= {"args", "kwargs"} and not fields & {"args", "kwargs"}:
            raw_args = data.get("args", [])
            raw_kwargs = data.get("kwargs", {})
            if not is_sequence(raw_args) or isinstance(raw_args, (str, bytes)):
                raise ConfigError(join(path, "args"), f"args must be a list, got {raw_args!r:.80}")
            if not is_mapping(raw_kwargs):
                raise ConfigError(
                    join(path, "kwargs"), f"kwargs must be a table, got {raw_kwargs!r:.80}"
                )
            return self._call(
                name,
                cls,
                raw_args,
                join(path, "args"),
                raw_kwargs,
                join(path, "kwargs"),
                path,
                depth,
            )
        kwargs = {k: v for k, v in data.items() if k != "name"}
        return self._call(name, cls, [], path, kwargs, path, path, depth)

    def _hydra(self, data: Mapping[str, Any], path: str, depth: int) -> Any:
        target = data["_target_"]
        where = join(path, "_target_")
        if not isinstance(target, str):
            raise ConfigError(where, f"_target_ must be a string, got {target!r:.80}")
        module, _, name = target.rpartition(".")
        if module and module != "lrfunc" and not module.startswith("lrfunc."):
            raise ConfigError(where, f"_target_ must name an lrfunc schedule, got {target!r:.80}")
        name = self._name(name, where)
        raw_args = data.get("_args_", [])
        if not is_sequence(raw_args) or isinstance(raw_args, (str, bytes)):
            raise ConfigError(join(path, "_args_"), f"_args_ must be a list, got {raw_args!r:.80}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("_target_", "_args_") or key in _HYDRA_IGNORED:
                continue
            if key.startswith("_") and key.endswith("_"):
                raise ConfigError(join(path, key), f"unsupported Hydra key {key!r:.80}")
            kwargs[key] = value
        cls = self.registry[name]
        return self._call(name, cls, raw_args, join(path, "_args_"), kwargs, path, path, depth)

    def _name(self, name: Any, where: str) -> str:
        if not isinstance(name, str):
            raise ConfigError(where, f"the schedule name must be a string, got {name!r:.80}")
        if name not in self.registry:
            raise ConfigError(where, unknown_name(name, self.registry))
        return name

    def _call(
        self,
        name: str,
        cls: type[Any],
        raw_args: Sequence[Any],
        args_path: str,
        raw_kwargs: Mapping[Any, Any],
        kwargs_path: str,
        path: str,
        depth: int,
    ) -> Any:
        args = [self.arg(v, join(args_path, i), depth) for i, v in enumerate(raw_args)]
        kwargs: dict[str, Arg] = {}
        for key, v in raw_kwargs.items():
            if not isinstance(key, str):
                raise ConfigError(kwargs_path, f"keys must be strings, got {key!r:.80}")
            kwargs[key] = self.arg(v, join(kwargs_path, key), depth)
        return build(name, cls, args, kwargs, path or "top level")

    def arg(self, data: Any, path: str, depth: int) -> Arg:
        value = self.value(data, path, depth)
        if is_tuple(value):
            return Arg(value, path, tuple(join(path, i) for i in range(len(value))))
        return Arg(value, path)


def from_config(data: Mapping[str, Any]) -> Schedule:
    """The schedule that a config describes (the inverse of :func:`to_config`).

    Args:
        data: nested dicts and lists as read from JSON, TOML or YAML, in the plain,
            positional or Hydra/OmegaConf shape (see :mod:`lrfunc._config`); any
            ``Mapping``/``Sequence`` works, OmegaConf's ``DictConfig`` included.

    Returns:
        A schedule equal to the one the config was made from.

    Raises:
        ConfigError: an unknown name, a missing, extra or bad parameter, or data too
            large or too deep; the message starts with the path of the culprit.

    Examples:
        >>> import lrfunc as lf
        >>> lf.from_config({"name": "cosine", "steps": 100, "end": 0.1})
        cosine(100, end=0.1)
        >>> lf.from_config({"_target_": "lrfunc.chain",
        ...                 "_args_": [{"_target_": "lrfunc.warmup", "steps": 10},
        ...                            {"_target_": "lrfunc.cosine", "steps": 90}]})
        chain(warmup(10), cosine(90))
        >>> lf.from_config({"name": "cosine", "steps": -1})
        Traceback (most recent call last):
        ...
        lrfunc.ConfigError: steps: cosine: steps must be an int >= 0, got -1
    """
    reader = _Reader()
    try:
        result = reader.value(data, "", 0)
    except RecursionError:
        raise ConfigError("", "config nested too deeply") from None
    if not isinstance(result, Schedule):
        raise ConfigError(
            "top level", f"expected a schedule (a table with a 'name'), got {data!r:.80}"
        )
    return result


# -- to data ----------------------------------------------------------------------------


def to_config(sched: Schedule, *, style: str = "plain") -> dict[str, Any]:
    """JSON-safe nested data that :func:`from_config` turns back into ``sched``.

    Args:
        sched: any schedule built from lrfunc's schedules and combinators.
        style: ``"plain"`` (``{"name": "cosine", "steps": 100}``) or ``"hydra"``
            (``{"_target_": "lrfunc.cosine", "_convert_": "all", "steps": 100}``, which
            ``hydra.utils.instantiate`` also builds; ``_convert_`` on the root only, where
            Hydra passes it down).

    Returns:
        Dicts, lists, numbers, strings, bools and ``None`` only. Keyword parameters left
        at their defaults are omitted, as in ``repr``.

    Raises:
        ConfigError: ``sched`` holds something that is not data (a Python function, a
            tensor) or a schedule class that ``lrfunc`` does not export; the message
            names the schedule and the path.

    Examples:
        >>> import lrfunc as lf
        >>> lf.to_config(lf.chain(lf.warmup(10), lf.cosine(90, end=0.1)))
        {'name': 'chain', 'schedules': [{'name': 'warmup', 'steps': 10},
                                        {'name': 'cosine', 'steps': 90, 'end': 0.1}]}
        >>> lf.to_config(lf.cosine(90) * 0.5, style="hydra")
        {'_target_': 'lrfunc.scale', '_convert_': 'all',
         'schedule': {'_target_': 'lrfunc.cosine', 'steps': 90}, 'factor': 0.5}
    """
    check_choice("style", style, ("plain", "hydra"))
    if not isinstance(untyped(sched), Schedule):
        raise ConfigError("", f"expected a Schedule, got {sched!r:.80} ({type(sched).__name__})")
    names = _names_of(registry())
    try:
        data = _dump_schedule(sched, "", names, style == "hydra")
    except RecursionError:
        raise ConfigError("", "schedule nested too deeply") from None
    if style == "hydra":
        # Plain lists and dicts for every argument, so the schedules that Hydra builds
        # inside ``_args_`` reach the combinator as schedules (see the module docstring).
        data = {"_target_": data.pop("_target_"), "_convert_": "all", **data}
    return data


def _dump_schedule(
    sched: Schedule, path: str, names: Mapping[type, str], hydra: bool
) -> dict[str, Any]:
    if isinstance(sched, Recipe):
        sched = sched.call  # a recipe is written as its call, fractions and all
    cls = type(sched)
    name = names.get(cls)
    if name is None:
        raise ConfigError(
            path,
            f"{cls.__qualname__} is not a schedule that lrfunc exports, so it has no config form",
        )
    fields = [f for f in fields_of(sched) if f.init]
    params: dict[str, Any] = {}
    args: list[Any] = []
    for field in fields:
        value = getattr(sched, field.name)
        # Keywords at their default are left out, as in ``repr``; so are positional
        # parameters left at a default of None (TOML has no null).
        if field.default is not dataclasses.MISSING and not differs(value, field.default):
            if field.kw_only or field.default is None:
                continue
        where = join(path, field.name)
        if field.name == varargs_of(sched) and hydra:
            args = [_dump(v, join(where, i), names, hydra, name) for i, v in enumerate(value)]
            continue
        params[field.name] = _dump(value, where, names, hydra, name)
    if hydra:
        head: dict[str, Any] = {"_target_": f"lrfunc.{name}"}
        if args:
            head["_args_"] = args
        return {**head, **params}
    if "name" in params or ("args" in params and "kwargs" in params):
        return {"name": name, "kwargs": params}
    return {"name": name, **params}


def _dump(value: Any, path: str, names: Mapping[type, str], hydra: bool, owner: str) -> Any:
    if isinstance(value, Schedule):
        return _dump_schedule(value, path, names, hydra)
    if isinstance(value, frac):
        if hydra:
            return {"_target_": "lrfunc.frac", "fraction": value.fraction}
        return {"frac": value.fraction}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and not isinstance(value, Tensor):
        number = float(value)
        if not math.isfinite(number):
            raise ConfigError(path, f"{owner} holds {number!r}, which JSON cannot hold")
        return number
    if is_list(value):
        return [_dump(v, join(path, i), names, hydra, owner) for i, v in enumerate(value)]
    if isinstance(value, Tensor):
        kind = "a tensor"
    elif callable(value):
        kind = f"a Python function ({getattr(value, '__qualname__', value)!r})"
    else:
        kind = f"a {type(value).__name__}"
    raise ConfigError(path, f"{owner} holds {kind}, which has no config form")
