"""Who printed each line: the tracer's ``printed`` records, and that recording them changes
nothing the program prints or sees of its own streams."""

from __future__ import annotations

import subprocess
from pathlib import Path

import labkit
from labkit.interpreters import Interpreter

from .conftest import SCENARIOS, program


def test_output_is_the_same_traced_and_untraced(python: Interpreter) -> None:
    plain = subprocess.run([python.path, "-u", program("printing.py")], capture_output=True,
                           text=True, timeout=30, check=True)
    trace = labkit.run(program("printing.py"), python=python, timeout=30)
    assert trace.stdout_text() == plain.stdout
    assert trace.stderr_text() == plain.stderr
    # the program sees its streams as it does untraced
    assert "same object: True True" in plain.stdout
    assert "text wrapper: True True" in plain.stdout
    assert "repr: <_io.TextIOWrapper name='<stdout>'" in plain.stdout


def test_each_line_says_who_printed_it(python: Interpreter) -> None:
    trace = labkit.run(program("printing.py"), python=python, timeout=30)
    names = {task.id: task.name for task in trace.tasks}
    who = [(line.stream, line.text, names.get(line.task) if line.task else None, line.thread)
           for line in trace.printed]
    assert who[0] == ("stdout", "before any loop", None, None)
    worker = [entry for entry in who if entry[2] == "worker"]
    assert worker == [
        ("stdout", "worker: two parts", "worker", None),  # print() writes in several parts
        ("stderr", "worker: err", "worker", None),
        ("stderr", "partial line", "worker", None),  # completed by a later write
        ("stdout", "a", "worker", None),  # writelines
        ("stdout", "b", "worker", None),
        ("stdout", "to __stdout__", "worker", None),
    ]
    assert ("stdout", "in a thread", None, "helper") in who
    main = trace.task("main").name
    assert ("stdout", "main: done", main, None) in who
    # written past the text layer: in the output, not in the records
    assert "through the buffer" in trace.stdout_text()
    assert all(line.text != "through the buffer" for line in trace.printed)
    assert who[-1] == ("stdout", "the end", None, None)
    # written times are in order, and no later than labkit read the lines
    times = [line.t for line in trace.printed]
    assert times == sorted(times)
    read = {line.text: line.t for line in trace.stdout}
    assert all(line.t <= read[line.text] + 1e-3 for line in trace.printed
               if line.stream == "stdout")


def test_lines_printed_while_python_shuts_down_are_recorded() -> None:
    """The naive cancel's workers print from their finally blocks when Python closes their
    coroutines at exit: no task, no loop, after the loop was closed."""
    trace = labkit.run(SCENARIOS / "01b_naive_cancel_finally.py", interrupt=["INT@0.5"],
                       timeout=10)
    closed = trace.loops[0].closed
    assert closed is not None
    late = [line for line in trace.printed if "cleanup started" in line.text]
    assert len(late) == 2
    assert all(line.task is None and line.t > closed for line in late)


def test_recording_stops_after_max_lines(tmp_path: Path) -> None:
    script = tmp_path / "chatty.py"
    script.write_text("for n in range(100_050):\n    print(n)\n")
    trace = labkit.run(script, timeout=60)
    assert len(trace.stdout) == 100_050
    assert len(trace.printed) == 100_000
    assert trace.printed[-1].text == "99999"


INTERLEAVED = '''
import sys
import threading

started = threading.Event()
go_on = threading.Event()


def other():
    sys.stdout.write("thread: half")  # a line begun...
    started.set()
    go_on.wait()
    sys.stdout.write(" done\\n")  # ...and ended after the main thread printed one


thread = threading.Thread(target=other, name="other")
thread.start()
started.wait()
print("main: a whole line", flush=True)
go_on.set()
thread.join()
'''


def test_two_threads_printing_at_once_keep_their_own_lines(tmp_path: Path) -> None:
    """The real stream interleaves them; each recorded line is one thread's own."""
    script = tmp_path / "interleaved.py"
    script.write_text(INTERLEAVED)
    trace = labkit.run(script, timeout=20)
    assert trace.exit_code == 0
    assert trace.stdout_text() == "thread: halfmain: a whole line\n done\n"  # as untraced
    assert [(line.text, line.thread) for line in trace.printed] == [
        ("main: a whole line", None), ("thread: half done", "other")]
