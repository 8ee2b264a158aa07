"""asyncio.shield around a cleanup step - and why shield alone is not enough.

Pattern: main commits a transaction with `await asyncio.shield(commit())`.  The
Ctrl+C arrives during the commit: main is cancelled, the shield keeps the inner
commit task running - but main then ends, and asyncio.run cancels every task that
is still running, the shielded commit included.

Source: the project's (the tutorial 000_4a9d0e210ebf8b54.txt asks for cleanup that
survives interruption; shield is the tool people reach for).

Interrupt plan: SIGINT at 0.5 s after the loop starts (the commit runs 0.1-1.1 s).

What to observe: "main: cancelled while waiting for the shielded commit", then
"commit: cleanup interrupted by CancelledError": the commit did not survive,
because asyncio.run's shutdown cancels it.  Exit code -2.  See 09c for the fix.
"""
import asyncio

PLAN = ["INT@0.5"]


async def commit():
    print("commit: started (1 s)", flush=True)
    try:
        await asyncio.sleep(1)
        print("commit: cleanup done (transaction committed)", flush=True)
    except asyncio.CancelledError:
        print("commit: cleanup interrupted by CancelledError", flush=True)
        raise


async def main():
    print("main: started", flush=True)
    await asyncio.sleep(0.1)
    try:
        await asyncio.shield(commit())
    except asyncio.CancelledError:
        print("main: cancelled while waiting for the shielded commit", flush=True)
        raise


if __name__ == "__main__":
    asyncio.run(main())
