"""Why a service needs a SIGTERM handler: asyncio.run gives SIGTERM no special care.

Pattern: asyncio.run(main()) with try/finally cleanup in main and a worker, and no
signal handlers of our own.  `kill PID`, systemd, docker stop all send SIGTERM.

Source: 001_d7e435d829fba1a9.txt, answer by Ambroz Bizjak ("and also SIGTERM so
you can run it as a service"); the code is the project's.

Interrupt plan: SIGTERM at 0.5 s after the loop starts.

What to observe: the process dies at once with exit code -15; no "cleanup" line
prints and stderr is empty (the default SIGTERM action ends the process without
running any Python code).  Compare 08a.
"""
import asyncio

PLAN = ["TERM@0.5"]


async def worker():
    try:
        await asyncio.sleep(2)
    finally:
        print("worker: cleanup done", flush=True)


async def main():
    print("main: started", flush=True)
    try:
        await asyncio.gather(worker(), asyncio.sleep(2))
    finally:
        print("main: cleanup done", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
