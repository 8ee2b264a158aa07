"""What the Stack Overflow answer's code, as copied into this project's source, needs on the
Python that runs this file. Prints one JSON object: question -> answer.

The answer's exception handler has an `if` whose condition runs over two lines. In the copy the
project started from, the first of those lines ends in a space, with nothing joining it to the
next: no Python accepts that. With a backslash at the end of the first line (explicit line
joining) or the condition in parentheses, it compiles.

Used by notebook 04.
"""
import asyncio
import inspect
import json

AS_COPIED = ('if "exception" not in context \n'
             '        or not isinstance(context["exception"], asyncio.CancelledError):\n'
             '    loop.default_exception_handler(context)\n')
WITH_BACKSLASH = AS_COPIED.replace("context \n", "context \\\n", 1)


def compiles(source):
    try:
        compile(source, "<the answer's if>", "exec")
    except SyntaxError:
        return False
    return True


loop = asyncio.new_event_loop()
print(json.dumps({
    "asyncio.Task.all_tasks() exists": hasattr(asyncio.Task, "all_tasks"),
    "asyncio.gather() takes loop=": "loop" in inspect.signature(asyncio.gather).parameters,
    "the `if` as copied compiles": compiles(AS_COPIED),
    "the `if` with a \\ at the end of its first line compiles": compiles(WITH_BACKSLASH),
    "event loops have a run() method": hasattr(loop, "run"),
}))
loop.close()
