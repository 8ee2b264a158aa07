"""No asyncio at all: sleeps in a loop. The first Ctrl+C ends the loop; the program then sleeps
for argv[1] seconds (default 0) and ends normally."""
import sys
import time

print("started", flush=True)
try:
    for _ in range(300):
        time.sleep(0.1)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0)
print("done", flush=True)
