"""Starts two processes that leave its process group, prints their pids, then waits or ends.

One is started with its own session (setsid); the other is a daemon made by a double fork: its
parent calls setsid, starts it and exits at once, so init adopts it. With the argument "exit"
the program ends as soon as both are running, leaving them behind.
"""
import asyncio
import subprocess
import sys

DAEMONIZE = (
    "import os, subprocess\n"
    "os.setsid()\n"
    "print(subprocess.Popen(['sleep', '120']).pid, flush=True)\n"
)


async def main():
    session = subprocess.Popen(["sleep", "120"], start_new_session=True)
    middle = subprocess.Popen([sys.executable, "-c", DAEMONIZE], stdout=subprocess.PIPE, text=True)
    daemon = int(middle.stdout.readline())
    middle.wait()
    print(f"own-session {session.pid}", flush=True)
    print(f"daemon {daemon}", flush=True)
    if sys.argv[1:] != ["exit"]:
        await asyncio.sleep(60)


asyncio.run(main())
