"""The few kinds of value the pickle walk tells apart, and the calls it refuses.

The walk never builds real objects: a stack slot holds a short string (a possible module
or attribute name), a small int, a :class:`GlobalRef`, a :class:`TupleRef`, or one of the
sentinels below. That is enough to resolve ``STACK_GLOBAL`` operands and to see what an
allow-listed callable would be called with.
"""

from __future__ import annotations

from app.core.inspection.dtypes import STORAGE_DTYPES
from app.core.inspection.pickle_globals import TENSOR_REBUILDERS

MAX_NESTING = 100  # tuples nested deeper than this: hashing them recurses in C and can crash


class GlobalRef:
    """A global the pickle imported, by its ``module.name``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class TupleRef:
    """A tuple (or frozenset) the pickle built; ``depth`` counts nested tuples.

    Items are kept only for the short, shallow tuples a call's arguments are, so a flood
    of nested tuples holds one small object per stack slot, not a chain of them all.
    """

    __slots__ = ("depth", "frozen", "items")

    def __init__(self, items: list[object], *, frozen: bool = False) -> None:
        self.frozen = frozen
        self.depth: int = 1 + max((i.depth for i in items if isinstance(i, TupleRef)), default=0)
        self.items = tuple(items) if len(items) <= 16 and self.depth <= 3 else None


class _Kind:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


TEXT = _Kind("text")  # a string literal not kept (long or not ASCII)
BYTES = _Kind("bytes")  # a bytes or bytearray literal
BIG_INT = _Kind("int")  # an int whose value was not kept
NOT_STR = _Kind("data")  # None, bools, floats, lists, dicts, sets: never a str
OTHER = _Kind("object")  # anything a call or persistent id produced
ENCODED = _Kind("encoded")  # _codecs.encode of literals: how protocol 2 writes bytes

_LITERALS = (str, bytes)


def is_literal(value: object) -> bool:
    """A string or bytes value written in the pickle itself (not computed)."""
    return isinstance(value, _LITERALS) or value is TEXT or value is BYTES


def cannot_be_str(value: object) -> bool:
    """Values the unpickler would refuse as a ``STACK_GLOBAL`` operand."""
    if value is BYTES or value is NOT_STR or value is ENCODED:
        return True
    return isinstance(value, (int, GlobalRef, TupleRef))


# Tensor and storage classes: called directly they allocate from a size in the file
# (``torch.FloatTensor(2**40)``, ``UntypedStorage(n)``); torch.save never calls them.
_MODULES = ("torch", "torch.cuda")
_TENSOR_CLASSES = ("Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte")
ALLOCATING: frozenset[str] = frozenset(
    {
        "torch.Tensor",
        "torch.storage.UntypedStorage",
        "torch.storage.TypedStorage",
        *(f"{m}.{c}Tensor" for m in _MODULES for c in (*_TENSOR_CLASSES, "Bool")),
        *(f"{m}.{name}" for m in _MODULES for name in STORAGE_DTYPES),
    }
)
# torch's weights-only unpickler calls these with whatever the pickle gives them
# (torch/_weights_only_unpickler.py, REDUCE): bytearray(n) allocates n bytes and chained
# _codecs.encode calls double their input each time. torch.save only ever passes literals.
ENCODE = "_codecs.encode"
BYTEARRAY = "builtins.bytearray"
FROM_TYPE = "torch._tensor._rebuild_from_type_v2"
_REBUILDERS = frozenset(f"torch._utils.{name}" for name in TENSOR_REBUILDERS)
# numpy pickles arrays as _reconstruct(ndarray, (0,), b"b") and fills them in BUILD; another
# shape allocates that many elements before the state is checked.
NUMPY_RECONSTRUCT = frozenset(
    f"{core}._reconstruct" for core in ("numpy.core.multiarray", "numpy._core.multiarray")
)


def call_refusal(func: object, args: object) -> str | None:
    """Why calling ``func(*args)`` cannot be allowed, or None when it is harmless."""
    if not isinstance(func, GlobalRef):
        return None  # not callable in a weights-only load; anything else was flagged already
    name = func.name
    items = args.items if isinstance(args, TupleRef) and not args.frozen else None  # None: unknown
    if name in ALLOCATING:
        return f"it calls {name} directly, which allocates memory sized by the file"
    # Protocol 2 writes bytearray(_codecs.encode("...", "latin1")); an encode of an encode
    # doubles the data each time, so encode takes literals only.
    takes = is_literal if name == ENCODE else _literal_or_encoded
    if name in (ENCODE, BYTEARRAY) and (items is None or not all(map(takes, items))):
        return f"it calls {name} with computed or numeric arguments (a size to allocate)"
    if name == FROM_TYPE and not (
        items and isinstance(items[0], GlobalRef) and items[0].name in _REBUILDERS
    ):
        return f"{name} is asked to call something other than a tensor rebuild function"
    if name in NUMPY_RECONSTRUCT and not _numpy_empty_shape(items):
        return "it asks numpy for an array shape other than (0,), which allocates it"
    return None


def _literal_or_encoded(value: object) -> bool:
    return value is ENCODED or is_literal(value)


def call_result(func: object, refused: bool) -> object:
    """The stack value a call leaves: encoded bytes for a harmless encode, else unknown."""
    if not refused and isinstance(func, GlobalRef) and func.name == ENCODE:
        return ENCODED
    return OTHER


def _numpy_empty_shape(items: tuple[object, ...] | None) -> bool:
    if not items or len(items) < 2 or not isinstance(items[1], TupleRef):
        return False
    shape = items[1].items
    return shape is not None and len(shape) == 1 and type(shape[0]) is int and shape[0] == 0
