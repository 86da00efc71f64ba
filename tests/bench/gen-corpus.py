#!/usr/bin/python3
"""Generate the hashing benchmark corpora (deterministic sizes, random content).

usage: gen-corpus.py DIR
  DIR/big/one.bin          1 GiB
  DIR/medium/NNN.bin       200 files of 4-16 MiB
  DIR/small/DD/NNNNN.bin   20,000 files of 1-64 KiB in 100 directories
A stamp file records completion so a second run is free.
"""
import os
import random
import sys

root = sys.argv[1]
stamp = os.path.join(root, ".complete-v1")
if os.path.exists(stamp):
    sys.exit(0)
rng = random.Random(20261122)
pool = os.urandom(32 << 20)  # slices of one random pool: fast, and incompressible enough


def write(path, size):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left:
            off = rng.randrange(0, len(pool) - (1 << 20))
            n = min(left, 1 << 20)
            f.write(pool[off:off + n])
            left -= n


write(os.path.join(root, "big", "one.bin"), 1 << 30)
for i in range(200):
    write(os.path.join(root, "medium", "%03d.bin" % i), rng.randrange(4 << 20, (16 << 20) + 1))
for i in range(20000):
    write(os.path.join(root, "small", "%02d" % (i % 100), "%05d.bin" % i),
          rng.randrange(1 << 10, (64 << 10) + 1))
open(stamp, "w").close()
