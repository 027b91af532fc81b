"""recordlinkage behind one wall.

recordlinkage's package ``__init__`` imports its classifiers, which import scikit-learn and
SciPy: about 1.5 s of start-up on a 2-core laptop, for models we never use. We load only
the module we use (``base``: the index, feature and compare base classes) under a bare package
object (``compare`` and ``api`` would pull scikit-learn back in through ``algorithms.string``);
the rest of the package ``__init__`` runs the first time anything else is asked of it, so
``import recordlinkage`` elsewhere (e.g. bench/ baselines) still sees the whole package.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types


def _load_lean() -> None:
    if "recordlinkage" in sys.modules:
        return
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations or not spec.origin:
        importlib.import_module("recordlinkage")  # let the ImportError speak
        return
    pkg = types.ModuleType("recordlinkage")
    pkg.__path__ = list(spec.submodule_search_locations)
    pkg.__file__ = spec.origin
    pkg.__spec__ = spec
    pkg.__package__ = "recordlinkage"
    origin = spec.origin

    def __getattr__(name: str):  # PEP 562: complete the package on first other use
        if name.startswith("__"):
            raise AttributeError(name)
        if importlib.util.find_spec(f"recordlinkage.{name}") is not None:
            return importlib.import_module(f"recordlinkage.{name}")  # `from recordlinkage import rl_logging`
        del pkg.__dict__["__getattr__"]
        with open(origin, encoding="utf-8") as fh:
            exec(compile(fh.read(), origin, "exec"), pkg.__dict__)  # noqa: S102 - the package's own __init__
        return getattr(pkg, name)

    pkg.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules["recordlinkage"] = pkg
    try:
        importlib.import_module("recordlinkage.config_init")
        importlib.import_module("recordlinkage.base")
    except Exception:
        for mod in [m for m in sys.modules if m == "recordlinkage" or m.startswith("recordlinkage.")]:
            del sys.modules[mod]
        importlib.import_module("recordlinkage")


_load_lean()

from recordlinkage.base import BaseCompare, BaseCompareFeature, BaseIndexAlgorithm  # noqa: E402

Compare = BaseCompare  # recordlinkage.Compare minus the built-in string methods we do not use

__all__ = ["BaseCompare", "BaseCompareFeature", "BaseIndexAlgorithm", "Compare"]
