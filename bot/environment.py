"""Typed settings read from the environment, with the standard library: the part of pydantic-settings Parley used.

Why not pydantic-settings: it and the pydantic machinery its first model builds (schema generation, which loads
zoneinfo and sysconfig) were about a fifth of the worker's cold start, to read some forty strings. This reads
them the same way: each setting names its environment variables (the first one set wins), a value given to the
constructor (by the setting's name or a variable's) wins over the environment, and text becomes the setting's kind:

- `text` as is; `whole` an int; `number` a float; `flag` a bool from 1/0, true/false, yes/no, on/off, t/f, y/n
  (any case); `secret` a `Secret`, which never shows its value in a repr, a str() or an error; `choice` one of
  the listed texts. An `optional` setting is None when nothing sets it.

A value that does not read raises `SettingsError` (a ValueError) naming the variable and what it should be, never
the value: the text could be a secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRUE = frozenset({"1", "true", "yes", "on", "t", "y"})
FALSE = frozenset({"0", "false", "no", "off", "f", "n"})
KINDS = ("text", "whole", "number", "flag", "secret", "choice")


class SettingsError(ValueError):
    """A setting that does not read, or settings that cannot serve together (the message says which and why)."""


class Secret:
    """A secret text: `get_secret_value()` reads it; its repr and str show stars (or nothing when it is empty)."""

    __slots__ = ("_value",)

    def __init__(self, value: str = "") -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Env:
    """How one setting is read: its variables, its kind, its default, and (for `choice`) what it may be."""

    names: tuple[str, ...]
    kind: str
    default: object
    optional: bool = False
    choices: tuple[str, ...] = ()


def env(*names: str, default: object = None, kind: str = "text", optional: bool = False,
        choices: tuple[str, ...] = ()) -> Any:
    """A setting read from the variables `names`; typed `Any` so that `stage: str = env("PARLEY_STAGE", ...)` checks.

    Example::

        class MySettings(EnvSettings):
            stage: str = env("PARLEY_STAGE", default="local")
            retries: int = env("PARLEY_RETRIES", default=3, kind="whole")
    """
    if kind not in KINDS:
        raise ValueError(f"unknown setting kind {kind!r}")
    return Env(names, kind, default, optional, choices)


class EnvSettings:
    """A class whose `env(...)` attributes are read at construction: `MySettings(stage="dev")`, or from os.environ.

    Unknown keyword arguments are ignored, as unknown variables are. `after_read` runs once every setting is set:
    a subclass checks there what needs several settings together.
    """

    def __init__(self, **given: object) -> None:
        environ = os.environ
        for name, spec in _specs(type(self)).items():
            setattr(self, name, _value(name, spec, given, environ))
        self.after_read()

    def after_read(self) -> None:
        """Checks and derived defaults once every setting is read (nothing here)."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _specs(type(self)))
        return f"{type(self).__name__}({shown})"

    __str__ = __repr__


_spec_cache: dict[type, dict[str, Env]] = {}


def _specs(cls: type) -> dict[str, Env]:
    """The class's settings by attribute name, in declaration order (its bases' first)."""
    if cls not in _spec_cache:
        specs: dict[str, Env] = {}
        for klass in reversed(cls.__mro__):
            specs.update({name: value for name, value in vars(klass).items() if isinstance(value, Env)})
        _spec_cache[cls] = specs
    return _spec_cache[cls]


def _value(name: str, spec: Env, given: Mapping[str, object], environ: Mapping[str, str]) -> object:
    label = spec.names[0] if spec.names else name
    for key in (name, *spec.names):
        if key in given:
            return _read(given[key], spec, label)
    for variable in spec.names:
        if variable in environ:
            return _read(environ[variable], spec, variable)
    if spec.optional and spec.default is None:
        return None
    return _read(spec.default, spec, label)


def _read(value: object, spec: Env, label: str) -> object:
    """`value` (a text from the environment, or a value given in code) as the setting's kind."""
    if value is None and spec.optional:
        return None
    kind = spec.kind
    if kind == "secret":
        return value if isinstance(value, Secret) else Secret(_as_text(value, label))
    if kind == "flag":
        return _flag(value, label)
    if kind in ("whole", "number"):
        return _number(value, label, whole=kind == "whole")
    text = _as_text(value, label)
    if kind == "choice" and text not in spec.choices:
        raise SettingsError(f"{label} must be one of: {', '.join(spec.choices)}")
    return text


def _as_text(value: object, label: str) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{label} must be text")
    return value


def _flag(value: object, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise SettingsError(f"{label} must be a yes or no (true/false, 1/0, on/off)")


def _number(value: object, label: str, *, whole: bool) -> int | float:
    if isinstance(value, bool):
        raise SettingsError(f"{label} must be a number")
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SettingsError(f"{label} must be {'a whole number' if whole else 'a number'}") from None
    if not whole:
        return number
    if not number.is_integer():
        raise SettingsError(f"{label} must be a whole number")
    return int(number)
