"""Never starts an event loop."""
import time

print("working without asyncio", flush=True)
time.sleep(0.3)
print("done", flush=True)
