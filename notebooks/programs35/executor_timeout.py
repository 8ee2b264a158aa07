"""How long `loop.shutdown_default_executor(timeout=0.5)` waits for a 3 s job, and when the
process ends.

Python 3.12 gave shutdown_default_executor() a timeout (asyncio.run passes 300 s). The program
starts a 3 s job in the default executor's thread, then asks for the shutdown with a 0.5 s
timeout (3.11 has no timeout: it asks without one) and prints how long it waited. On 3.12.0 to
3.12.2 the timeout is not applied (CPython gh-111358, fixed in 3.12.3 by PR 115622). Where it is
applied, the wait ends after 0.5 s with a RuntimeWarning, but the thread goes on, and Python
waits for it at exit all the same.

Used by notebook 05.
"""
import asyncio
import inspect
import time

loop = asyncio.new_event_loop()
loop.run_in_executor(None, time.sleep, 3)  # a 3 s job in a thread of the default executor
takes_timeout = "timeout" in inspect.signature(loop.shutdown_default_executor).parameters
started = time.monotonic()
if takes_timeout:
    loop.run_until_complete(loop.shutdown_default_executor(timeout=0.5))
else:
    print("shutdown_default_executor() takes no timeout here", flush=True)
    loop.run_until_complete(loop.shutdown_default_executor())
print(f"shutdown_default_executor returned after {time.monotonic() - started:.2f} s",
      flush=True)
loop.close()
print("loop closed; Python now waits for the executor's thread before it exits", flush=True)
