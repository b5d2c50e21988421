#!/usr/bin/env python3
"""tests/fuzz/decode_seeds.py OUTDIR FEEDDIR — seeds for fuzz_decode: a few
of the test feeds, each compressed the ways Python's standard library can
(gzip, zlib-wrapped and raw deflate, and gzip twice), behind the byte that
makes fuzz_decode pick that coding.  br and zstd start from the gzip seeds'
bytes and what the fuzzer finds."""
import gzip
import os
import sys
import zlib


def deflate(data, wbits):
    c = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


out, feeds = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(feeds) if os.path.isfile(os.path.join(feeds, n)))[:8]
for n in names:
    data = open(os.path.join(feeds, n), "rb").read()[:16384]
    seeds = {
        0: gzip.compress(data),                   # gzip
        1: deflate(data, 15),                     # deflate (zlib)
        9: deflate(data, -15),                    # deflate (raw), again coding 1
        4: gzip.compress(gzip.compress(data)),    # gzip, gzip
    }
    for pick, body in seeds.items():
        with open(os.path.join(out, "seed-%d-%s" % (pick, n)), "wb") as f:
            f.write(bytes([pick]) + body)
