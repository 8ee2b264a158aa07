"""Prints in every way a program might, and reports what it sees of its own streams.

The test compares its output traced and untraced, and checks who the tracer says printed each
line.
"""
import asyncio
import io
import sys
import threading

print("before any loop", flush=True)
print("same object:", sys.stdout is sys.__stdout__, sys.stderr is sys.__stderr__)
print("text wrapper:", isinstance(sys.stdout, io.TextIOWrapper),
      isinstance(sys.stderr, io.TextIOBase))
print("repr:", repr(sys.stdout))
print("fileno:", sys.stdout.fileno(), "encoding:", sys.stdout.encoding)


async def worker():
    print("worker:", "two", "parts", flush=True)
    sys.stderr.write("worker: err\npartial")
    await asyncio.sleep(0.01)
    sys.stderr.write(" line\n")
    sys.stdout.writelines(["a\n", "b\n"])
    print("to __stdout__", file=sys.__stdout__)


def in_thread():
    print("in a thread", flush=True)


async def main():
    await asyncio.create_task(worker(), name="worker")
    thread = threading.Thread(target=in_thread, name="helper")
    thread.start()
    thread.join()
    print("main: done")


asyncio.run(main())
sys.stdout.buffer.write(b"through the buffer\n")
sys.stdout.flush()
print("the end")
