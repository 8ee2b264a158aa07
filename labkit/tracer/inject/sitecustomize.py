"""Loads the labkit tracer into this interpreter before the script runs.

The runner puts this folder first on PYTHONPATH. We restore the script's own environment (so its
child processes are not traced and its sys.path is as usual), load the tracer package from the
folder above by path, and then hand over to any other sitecustomize the interpreter has.
"""

import os
import sys


def _load_tracer() -> None:
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    package_dir = os.path.dirname(here)
    fd = int(os.environ.pop("LABKIT_TRACE_FD"))
    restore_sigint = os.environ.pop("LABKIT_RESTORE_SIGINT", "") == "1"
    original = os.environ.pop("LABKIT_ORIGINAL_PYTHONPATH", "")
    if original:
        os.environ["PYTHONPATH"] = original
    else:
        os.environ.pop("PYTHONPATH", None)
    # compared without os.getcwd(), which fails when the working folder has been deleted
    sys.path[:] = [p for p in sys.path if not (os.path.isabs(p) and os.path.normpath(p) == here)]

    spec = importlib.util.spec_from_file_location(
        "_labkit_tracer",
        os.path.join(package_dir, "__init__.py"),
        submodule_search_locations=[package_dir],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_labkit_tracer"] = module
    spec.loader.exec_module(module)
    module.install(fd, restore_sigint)


def _run_next_sitecustomize() -> None:
    """Run the sitecustomize this one hides (a distribution's own), if there is one."""
    import importlib.machinery
    import importlib.util

    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


if "LABKIT_TRACE_FD" in os.environ:
    _load_tracer()
    _run_next_sitecustomize()
