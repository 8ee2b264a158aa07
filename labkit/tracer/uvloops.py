"""uvloop: the same records on uvloop's event loop as on asyncio's own.

uvloop's loop, ``uvloop.Loop``, is a Python subclass of a Cython class (``uvloop.loop.Loop``)
that derives from ``asyncio.AbstractEventLoop`` only and runs its callbacks in C, so none of the
hooks on ``BaseEventLoop`` or ``Handle._run`` fire on it. Its methods are looked up on the
Python class, though, by asyncio's C task and future (``loop.call_soon`` for every step) as by
uvloop's own Cython code (``self.run_forever()``, ``self.stop()``,
``self.call_exception_handler()``), so the tracer wraps them on ``uvloop.Loop``, once uvloop
has been imported. Until then a finder first on ``sys.meta_path`` watches for that import: it
finds uvloop as the other finders do, with a loader that puts uvloop's own back before the
module runs, and wraps the module's ``Loop`` right after; then the finder leaves. (A look-up
alone, ``importlib.util.find_spec("uvloop")`` as uvicorn makes one, leaves it in place.)

- The loop's life: the wrappers asyncio's loop has (``tracer.loops``).
- Tasks: uvloop makes them with ``asyncio.Task`` as it was when uvloop was imported, which is
  the tracer's (``tracer.tasks``).
- Steps: ``call_soon`` hands each task step (the C task's TaskStepMethWrapper or task_wakeup)
  to ``run_step``, which runs it timed and records it as the step timer on asyncio's loop does.
- Writing the records before the loop waits, as ``_run_once``'s wrapper does on asyncio's
  loop: after a step, a callback is queued (``flush_when_idle``) that writes them once nothing
  was queued behind it, or once they are ``MAX_AGE`` old; the loop does not wait while a
  callback is ready, so none waits unwritten.
- Signals: ``add_signal_handler`` remembers each callback, to name it when its signal arrives.

What uvloop does in C cannot be seen: who called ``loop.stop()`` when uvloop called it itself,
as a callback (``loop.call_soon(loop.stop)``, ``add_signal_handler(SIGTERM, loop.stop)``), is
recorded as None, and the trace's notes say so (``NOTE``).
"""

from __future__ import annotations

import functools
import importlib.machinery
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .channel import Channel
from .loops import CALLERS
from .tasks import StepEnded, _running_loop

RUN_UNTIL_COMPLETE_STOP = "uvloop.loop.run_until_complete.<locals>.done_cb"
"""The caller recorded for the ``loop.stop()`` that uvloop's ``run_until_complete()`` makes
itself (a Cython closure: it has no frame, so the tracer names it)."""
NOTE = (
    "this program ran uvloop's event loop (uvloop {version}): it is traced as asyncio's loop "
    "is, except that a loop.stop() that uvloop called itself, as a callback "
    "(loop.call_soon(loop.stop), loop.add_signal_handler(signal, loop.stop)), has no caller "
    "recorded: uvloop runs callbacks in C"
)


def install(channel: Channel, patch_loop_class: Callable[[type], list[str]],
            step_ended: StepEnded) -> None:
    """Trace uvloop's loops: now if uvloop is already imported, else as soon as it is."""
    hooks = _Hooks(channel, patch_loop_class, step_ended)
    module = sys.modules.get("uvloop")
    if module is not None:
        hooks.patch(module)
    else:
        sys.meta_path.insert(0, _ImportWatch(hooks.patch))


class _ImportWatch:
    """First on ``sys.meta_path`` until uvloop is imported: finds uvloop as the other finders
    would, and has the module patched once it has run."""

    def __init__(self, then: Callable[[ModuleType], None]) -> None:
        self.then = then

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        """uvloop's own spec, with a loader that patches the module after running it."""
        if fullname != "uvloop":
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target)
            if spec is not None:
                break
        else:
            return None  # not installed: the import fails as it would untraced
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PatchAfter(spec.loader, self)  # type: ignore[assignment]
        return spec

    def imported(self, module: ModuleType) -> None:
        """uvloop has been imported: patch it, and watch no more."""
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        self.then(module)


class _PatchAfter:
    """A module's own loader, put back in place before the module runs, then its patch."""

    def __init__(self, loader: Any, watch: _ImportWatch) -> None:
        self.loader = loader
        self.watch = watch

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """What the module's own loader creates."""
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        """Run the module with its own loader in its attributes, then patch it."""
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        module.__loader__ = self.loader
        self.loader.exec_module(module)
        self.watch.imported(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


class _Hooks:
    """The wrappers on uvloop's loop class."""

    def __init__(self, channel: Channel, patch_loop_class: Callable[[type], list[str]],
                 step_ended: StepEnded) -> None:
        self.channel = channel
        self.patch_loop_class = patch_loop_class
        self.step_ended = step_ended
        self.queued: set[Any] = set()  # the loops with a flush_when_idle queued
        self.patched = False

    def patch(self, module: ModuleType) -> None:
        """Wrap ``module.Loop`` (uvloop's), or say why its loops are not traced; once."""
        if self.patched:
            return
        self.patched = True
        emit = self.channel.emit
        version = getattr(module, "__version__", "?")
        cls = getattr(module, "Loop", None)
        if not isinstance(cls, type):
            emit("note", f"uvloop {version} has no Loop class: labkit does not trace its loops")
            return
        missing = self.patch_loop_class(cls)
        missing += [name for name in ("call_soon", "add_signal_handler", "remove_signal_handler")
                    if not hasattr(cls, name)]
        if "call_soon" not in missing:
            self._time_steps(cls)
        if "add_signal_handler" not in missing and "remove_signal_handler" not in missing:
            self._name_signal_callbacks(cls)
        if "run_forever" not in missing:
            self._end_runs(cls)
        note = NOTE.format(version=version)
        if missing:
            note += ("; its Loop has no " + ", ".join(missing)
                     + ": what labkit records through them is missing")
        init = cls.__dict__["__init__"]  # the tracer's, from patch_loop_class
        noted = False

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            nonlocal noted
            init(self, *args, **kwargs)
            if not noted:
                noted = True
                emit("note", note)

        cls.__init__ = functools.update_wrapper(__init__, init)  # type: ignore[misc]

    def _time_steps(self, cls: Any) -> None:
        """``cls.call_soon`` passes task steps to ``run_step``, and run_until_complete()'s
        stop callback to ``own_stop``. (These run for every step: written for speed.)"""
        channel = self.channel
        step_ended = self.step_ended
        add_step = channel.steps.extend
        call_soon = cls.call_soon
        clock = time.monotonic_ns
        running_loop = _running_loop
        builtin_method = type(len)  # task_wakeup is a builtin method of the C task
        step_type: type | None = None  # the C task's TaskStepMethWrapper, learnt on first sight
        # call_soon calls so far, on any loop: a loop whose flush_when_idle sees others called
        # it meanwhile runs it again, so with busy uvloop loops in other threads, a loop may
        # spin until its records are MAX_AGE old before it waits
        calls = 0
        queued = self.queued

        def flush_when_idle(loop: Any, seen: int) -> None:
            """Write the records if nothing was queued behind this callback (the loop may
            wait next); else write them only if they are old, and come again after what was
            queued."""
            if calls != seen:
                channel.flush_if_waiting(False)
                call_soon(loop, flush_when_idle, loop, calls)
                return
            queued.discard(loop)
            channel.flush()

        def run_step(callback: Any, *args: Any) -> None:
            task = callback.__self__
            try:
                task_id = task._labkit_id
            except AttributeError:  # a task the tracer did not make
                callback(*args)
                return
            start = clock()
            try:
                callback(*args)
            finally:
                end = clock()
                if task._state == "PENDING":  # step_ended()'s common case, written out
                    add_step((task_id, start, end))
                else:
                    step_ended(task, task_id, start, end)
                del task, callback, args  # no cycle through this frame: see tasks._run
                loop = running_loop()
                if loop not in queued:
                    queued.add(loop)
                    call_soon(loop, flush_when_idle, loop, calls)

        def own_stop(done_cb: Any, *args: Any) -> Any:
            return done_cb(*args)

        CALLERS[own_stop.__code__] = RUN_UNTIL_COMPLETE_STOP

        def patched_call_soon(self: Any, callback: Any, *args: Any, context: Any = None) -> Any:
            nonlocal calls, step_type
            calls += 1
            kind = type(callback)
            if kind is step_type or (kind is builtin_method and callback.__name__ == "task_wakeup"):
                return call_soon(self, run_step, callback, *args, context=context)
            if step_type is None and kind.__name__ == "TaskStepMethWrapper":
                step_type = kind
                return call_soon(self, run_step, callback, *args, context=context)
            if (getattr(callback, "__qualname__", None) == "run_until_complete.<locals>.done_cb"
                    and getattr(callback, "__module__", None) == "uvloop.loop"):
                return call_soon(self, own_stop, callback, *args, context=context)
            return call_soon(self, callback, *args, context=context)

        cls.call_soon = functools.update_wrapper(patched_call_soon, call_soon)

    def _end_runs(self, cls: Any) -> None:
        """When a run of the loop ends, a flush_when_idle it still has queued is forgotten: it
        runs, if at all, in the loop's next run, and another may be queued meanwhile."""
        run_forever = cls.run_forever
        queued = self.queued

        def patched_run_forever(self: Any) -> None:
            try:
                run_forever(self)
            finally:
                queued.discard(self)

        cls.run_forever = functools.update_wrapper(patched_run_forever, run_forever)

    def _name_signal_callbacks(self, cls: Any) -> None:
        """Remember each loop's signal callbacks in ``_labkit_signal_callbacks`` (uvloop keeps
        its own table in C), for ``tracer.signals`` to name them."""
        add, remove = cls.add_signal_handler, cls.remove_signal_handler

        def add_signal_handler(self: Any, sig: Any, callback: Any, *args: Any) -> None:
            add(self, sig, callback, *args)
            try:
                callbacks = self._labkit_signal_callbacks
            except AttributeError:
                callbacks = self._labkit_signal_callbacks = {}
            callbacks[int(sig)] = callback

        def remove_signal_handler(self: Any, sig: Any) -> bool:
            removed: bool = remove(self, sig)
            getattr(self, "_labkit_signal_callbacks", {}).pop(int(sig), None)
            return removed

        cls.add_signal_handler = functools.update_wrapper(add_signal_handler, add)
        cls.remove_signal_handler = functools.update_wrapper(remove_signal_handler, remove)
