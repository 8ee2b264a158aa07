"""Loads the labkit tracer into this interpreter before the script runs.

The runner puts this folder first on PYTHONPATH. We restore the script's own environment (so its
child processes are not traced and its sys.path is as usual), load the tracer package from the
folder above by path, and then hand over to any other sitecustomize the interpreter has.

The runner may name, in LABKIT_TRACER_CODE, a file with the tracer's modules already compiled
by this interpreter (see ``labkit.bytecode``): then they are not compiled again here. The file
is used only if this interpreter's magic number heads it and it was made for this folder and
this optimization level; otherwise, or if it cannot be read, the modules compile from source.
"""

import importlib.machinery
import importlib.util
import marshal
import os
import sys
import types

PACKAGE = "_labkit_tracer"
CODE_FORMAT = "labkit-tracer-code-1"


def _load_tracer() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    package_dir = os.path.dirname(here)
    fd = int(os.environ.pop("LABKIT_TRACE_FD"))
    restore_sigint = os.environ.pop("LABKIT_RESTORE_SIGINT", "") == "1"
    code_file = os.environ.pop("LABKIT_TRACER_CODE", "")
    original = os.environ.pop("LABKIT_ORIGINAL_PYTHONPATH", "")
    if original:
        os.environ["PYTHONPATH"] = original
    else:
        os.environ.pop("PYTHONPATH", None)
    # compared without os.getcwd(), which fails when the working folder has been deleted
    sys.path[:] = [p for p in sys.path if not (os.path.isabs(p) and os.path.normpath(p) == here)]

    finder = _TracerFinder(package_dir, _compiled(code_file, package_dir) if code_file else {})
    sys.meta_path.insert(0, finder)
    try:  # install() imports the hooks' modules: through the finder too
        importlib.import_module(PACKAGE).install(fd, restore_sigint)
    finally:
        sys.meta_path.remove(finder)


def _compiled(path: str, package_dir: str) -> dict[str, types.CodeType]:
    """The code objects in the runner's file, by module name ("" is the package), or none if
    the file is not one this interpreter can use for this folder."""
    try:
        with open(path, "rb") as file:
            data = file.read()
        magic = importlib.util.MAGIC_NUMBER
        if data[: len(magic)] != magic:  # another Python version's bytecode
            return {}
        form, folder, optimize, codes = marshal.loads(data[len(magic) :])
        if (form, folder, optimize) == (CODE_FORMAT, package_dir, sys.flags.optimize):
            found: dict[str, types.CodeType] = codes
            return found
    except Exception:  # missing, cut short, not ours: the modules compile from source
        pass
    return {}


class _TracerFinder:
    """Finds the tracer's package and modules under one name of their own, with their code
    from the runner's file when it has it."""

    def __init__(self, package_dir: str, codes: dict[str, types.CodeType]) -> None:
        self.package_dir = package_dir
        self.codes = codes

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == PACKAGE:
            name, search = "", [self.package_dir]
        elif fullname.startswith(PACKAGE + ".") and fullname.count(".") == 1:
            name, search = fullname.partition(".")[2], None
        else:
            return None
        filename = os.path.join(self.package_dir, (name or "__init__") + ".py")
        if not os.path.isfile(filename):
            return None
        loader = _TracerLoader(fullname, filename, self.codes.get(name))
        return importlib.util.spec_from_file_location(
            fullname, filename, loader=loader, submodule_search_locations=search
        )


class _TracerLoader(importlib.machinery.SourceFileLoader):
    """A source loader that takes the compiled code it was given instead of compiling."""

    def __init__(self, fullname: str, path: str, code: types.CodeType | None) -> None:
        super().__init__(fullname, path)
        self.code = code

    def get_code(self, fullname: str) -> types.CodeType | None:
        if self.code is not None:
            return self.code
        return super().get_code(fullname)


def _run_next_sitecustomize() -> None:
    """Run the sitecustomize this one hides (a distribution's own), if there is one."""
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


if "LABKIT_TRACE_FD" in os.environ:
    _load_tracer()
    _run_next_sitecustomize()
