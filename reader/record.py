"""Frozen, slotted value classes that cost nothing to define.

``@dataclass(frozen=True, slots=True)`` writes out and compiles ``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` for
each class when its module is imported: 0.3-1 ms a class, and a start imports
some 35 of them before its first frame. A ``Record`` subclass names its fields
in ``__slots__`` (in order) and writes its own ``__init__``, setting each field
through ``object.__setattr__``; the rest comes from this one base class and
behaves as a frozen dataclass's does: a ``repr`` of every field, equality and
hashing over the fields (``_uncompared`` ones left out) between instances of the
same class only, assignment and deletion refused with ``FrozenInstanceError``,
``__match_args__`` for ``match``, and pickling and copying through ``__init__``.
tests/unit/test_record.py compares each one with the dataclass it replaces.

For a class that is not made at start, or that ``dataclasses.replace`` or
``fields`` is used on, a dataclass is the plainer choice.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, ClassVar


class Record:
    """Base of a frozen value class whose fields are its ``__slots__``.

    A class that ``match`` takes apart positionally names them once more for the type
    checker: ``__slots__ = __match_args__ = ("name",)``."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()  # every field, the bases' first
    _compared: ClassVar[tuple[str, ...]] = ()  # the fields that equality and hashing use
    _uncompared: ClassVar[frozenset[str]] = frozenset()  # a subclass's compare=False fields
    __match_args__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        slots = cls.__dict__.get("__slots__", ())
        cls._fields = (*cls._fields, *((slots,) if isinstance(slots, str) else slots))
        cls._compared = tuple(name for name in cls._fields if name not in cls._uncompared)
        if cls.__dict__.get("__match_args__", cls._fields) != cls._fields:
            raise TypeError(f"{cls.__qualname__}.__match_args__ must be its fields, in order")
        setattr(cls, "__match_args__", cls._fields)  # noqa: B010 - the type checker's own rule

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, tuple([getattr(self, name) for name in self._fields]))
