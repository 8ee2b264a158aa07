"""Tasks that finish, fail, and are cancelled by Ctrl+C with a cleanup that awaits, on the loop
argv[1] names: "uvloop" (uvloop.run), "install" (uvloop.install() + asyncio.run), "factory"
(asyncio.run with loop_factory=uvloop.new_event_loop, Python 3.12+), "found" (uvloop.run after
looking uvloop up first, as uvicorn does) or "asyncio" (asyncio.run)."""
import asyncio
import sys
import warnings


async def worker(n):
    try:
        await asyncio.sleep(30)
    finally:
        await asyncio.sleep(0.05)
        print(f"worker {n}: cleanup ran", flush=True)


async def fails():
    await asyncio.sleep(0.01)
    raise ValueError("boom")


async def forgotten():
    raise RuntimeError("nobody awaits me")


async def quick():
    await asyncio.sleep(0.01)
    return 3


async def main():
    loop = type(asyncio.get_running_loop())
    print(f"loop: {loop.__module__.partition('.')[0]}", flush=True)
    workers = [asyncio.create_task(worker(i), name=f"worker-{i}") for i in range(2)]
    failing = asyncio.create_task(fails(), name="fails")
    asyncio.create_task(forgotten(), name="forgotten")  # "Task exception was never retrieved"
    print("quick returned", await asyncio.create_task(quick(), name="quick"), flush=True)
    try:
        await failing
    except ValueError as exc:
        print(f"fails raised {exc}", flush=True)
    print("ready", flush=True)
    try:
        # return_exceptions: gather waits for both cleanups (else uvloop's timers, 1 ms apart,
        # decide whether worker 1's cleanup ends before asyncio.run cancels it again)
        await asyncio.gather(*workers, return_exceptions=True)
    finally:
        print("main: cleanup ran", flush=True)


how = sys.argv[1]
if how == "asyncio":
    asyncio.run(main())
else:
    if how == "found":
        import importlib.util

        assert importlib.util.find_spec("uvloop") is not None
    import uvloop

    if how in ("uvloop", "found"):
        uvloop.run(main())
    elif how == "install":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # on 3.12+
            uvloop.install()
        asyncio.run(main())
    elif how == "factory":
        asyncio.run(main(), loop_factory=uvloop.new_event_loop)
