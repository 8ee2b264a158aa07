"""Prints about 20 MB in 400,000 lines."""
import sys

line = "x" * 49 + "\n"
for i in range(400_000):
    sys.stdout.write(line)
print("last line")
