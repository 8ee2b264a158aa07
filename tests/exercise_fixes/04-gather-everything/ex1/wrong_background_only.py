"""Wrong: cancels and awaits only the tasks the program knows about (main and the `background`
list), not every task of the loop: the library's own task is left pending when the loop closes.

Rejected by: 'library: connection closed' was never printed
"""
import asyncio
import os

# The check runs this program more than once, with other timings: it sets WORK (seconds
# of main's work) and HEARTBEAT_CLEANUP in the environment. Keep these lines as they are.
WORK = float(os.environ.get("WORK", "2"))
HEARTBEAT_CLEANUP = float(os.environ.get("HEARTBEAT_CLEANUP", "0.2"))

background = []  # keeps the heartbeat task referenced
open_streams = []  # keeps the generator referenced, as a real program's objects would


# --- a library you use: it starts a task of its own and keeps it to itself ---
_library_tasks = set()


async def _keepalive():
    try:
        while True:
            await asyncio.sleep(0.1)
    finally:
        await asyncio.sleep(0.1)  # e.g. close the library's connection
        print("library: connection closed", flush=True)


def connect():
    task = asyncio.get_running_loop().create_task(_keepalive(), name="keepalive")
    _library_tasks.add(task)
# --- end of the library ---


async def heartbeat():
    try:
        while True:
            await asyncio.sleep(0.1)
    finally:
        print("heartbeat: cleanup started", flush=True)
        await asyncio.sleep(HEARTBEAT_CLEANUP)  # e.g. tell the server we are leaving
        print("heartbeat: cleanup done", flush=True)


async def readings():
    n = 0
    try:
        while True:
            yield n
            n += 1
    finally:
        print("readings: cleanup done", flush=True)


async def main():
    connect()
    background.append(asyncio.create_task(heartbeat(), name="heartbeat"))
    stream = readings()
    open_streams.append(stream)
    print(f"main: first reading {await anext(stream)}", flush=True)
    try:
        await asyncio.sleep(WORK)  # the real work
    finally:
        print("main: cleanup done", flush=True)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
main_task = loop.create_task(main(), name="main")
try:
    loop.run_until_complete(main_task)
except KeyboardInterrupt:
    print("Ctrl+C: shutting down", flush=True)
    raise
finally:
    mine = [main_task, *background]
    for task in mine:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*mine, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print("loop closed", flush=True)
