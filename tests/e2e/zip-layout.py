#!/usr/bin/env python3
# Writes zips whose local headers and central directory disagree (t2600). Each is built
# byte by byte, so the disagreement is exactly the one named; good.zip is the honest twin.
import struct, sys, zlib

def local(name, data, flags=0, crc=None, size=None, method=0, extra=b""):
    crc = zlib.crc32(data) if crc is None else crc
    size = len(data) if size is None else size
    return struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, flags, method, 0, 0x21, crc, size, size,
                       len(name), len(extra)) + name + extra

def central(name, data, off, flags=0, method=0):
    crc = zlib.crc32(data)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 0x031e, 20, flags, method, 0, 0x21,
                       crc, len(data), len(data), len(name), 0, 0, 0, 0, 0o100644 << 16,
                       off) + name

def end(n, cd, cdoff, comment=b""):
    return struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, n, n, len(cd), cdoff, len(comment)) + comment

def zipfile(parts, cds):
    """parts: list of bytes laid out in order; cds: list of (name, data, part index, flags)."""
    offs, pos = [], 0
    for p in parts:
        offs.append(pos)
        pos += len(p)
    cd = b"".join(central(n, d, offs[i], f) for n, d, i, f in cds)
    return b"".join(parts) + cd + end(len(cds), cd, pos)

TOOL, README, EVIL = b"good tool\n", b"read me\n", b"evil tool\n"
w = lambda name, data: open(name, "wb").write(data)

# good.zip: bin/tool and doc/readme, nothing else
w("good.zip", zipfile([local(b"bin/tool", TOOL) + TOOL, local(b"doc/readme", README) + README],
                      [(b"bin/tool", TOOL, 0, 0), (b"doc/readme", README, 1, 0)]))
# swapped.zip: the same local entries, but the central directory points 'bin/tool' at the
# evil data whose local header says 'doc/readme' (unzip extracts evil bytes as bin/tool)
w("swapped.zip", zipfile(
    [local(b"bin/tool", TOOL) + TOOL, local(b"bin/tooM", EVIL) + EVIL],
    [(b"bin/tool", EVIL, 1, 0), (b"bin/tooM", TOOL, 0, 0)]))
# hidden.zip: a local entry between the listed ones that the central directory omits
w("hidden.zip", zipfile(
    [local(b"bin/tool", TOOL) + TOOL, local(b"bin/tool", EVIL) + EVIL,
     local(b"doc/readme", README) + README],
    [(b"bin/tool", TOOL, 0, 0), (b"doc/readme", README, 2, 0)]))
# inextra.zip: a listed member whose local entry hides inside another's extra field, where
# a streaming reader never looks
inner = local(b"bin/tool", EVIL) + EVIL
hdr = local(b"doc/readme", README, extra=struct.pack("<HH", 0xcafe, len(inner)) + inner)
data = hdr + README
off_inner = 30 + len(b"doc/readme") + 4
cd = central(b"doc/readme", README, 0) + central(b"bin/tool", EVIL, off_inner)
w("inextra.zip", data + cd + end(2, cd, len(data)))
# lsize.zip: the local header's size disagrees with the central directory's
w("lsize.zip", zipfile([local(b"bin/tool", TOOL, size=4) + TOOL, local(b"doc/readme", README) + README],
                       [(b"bin/tool", TOOL, 0, 0), (b"doc/readme", README, 1, 0)]))
# desc.zip: a data descriptor whose CRC-32 disagrees with the central directory
bad = struct.pack("<IIII", 0x08074b50, zlib.crc32(EVIL), len(TOOL), len(TOOL))
w("desc.zip", zipfile([local(b"bin/tool", TOOL, flags=8, crc=0, size=0) + TOOL + bad,
                       local(b"doc/readme", README) + README],
                      [(b"bin/tool", TOOL, 0, 8), (b"doc/readme", README, 1, 0)]))
# descok.zip: the same with a correct descriptor (accepted)
ok = struct.pack("<IIII", 0x08074b50, zlib.crc32(TOOL), len(TOOL), len(TOOL))
w("descok.zip", zipfile([local(b"bin/tool", TOOL, flags=8, crc=0, size=0) + TOOL + ok,
                         local(b"doc/readme", README) + README],
                        [(b"bin/tool", TOOL, 0, 8), (b"doc/readme", README, 1, 0)]))
# extracd.zip: a third central record past the count the end record gives
parts = [local(b"bin/tool", TOOL) + TOOL, local(b"doc/readme", README) + README]
cd = central(b"bin/tool", TOOL, 0) + central(b"doc/readme", README, len(parts[0]))
extra = central(b"bin/tool", TOOL, 0)
body = b"".join(parts)
w("extracd.zip", body + cd + extra + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 2, 2,
                                                 len(cd) + len(extra), len(body), 0))
# junk.zip: bytes after the end record (its comment does not reach the end of the file)
w("junk.zip", open("good.zip", "rb").read() + b"PK\x03\x04 trailing")
# shadow.zip: its local headers read exactly as good.zip's (what a streaming reader sees),
# while its central directory sends 'bin/tool' to an entry hidden in doc/readme's extra
# field: unzip and Python extract the evil bytes
first = local(b"bin/tool", TOOL) + TOOL
inner = local(b"bin/tool", EVIL) + EVIL
second = local(b"doc/readme", README, extra=struct.pack("<HH", 0xcafe, len(inner)) + inner)
data = first + second + README
cd = (central(b"bin/tool", EVIL, len(first) + 30 + len(b"doc/readme") + 4) +
      central(b"doc/readme", README, len(first)))
w("shadow.zip", data + cd + end(2, cd, len(data)))
# apk.zip: good.zip with an APK Signing Block before its central directory (accepted)
pairs = struct.pack("<QI", 4 + 8, 0x7109871a) + b"signatur"
size = len(pairs) + 8 + 16
block = struct.pack("<Q", size) + pairs + struct.pack("<Q", size) + b"APK Sig Block 42"
parts = [local(b"bin/tool", TOOL) + TOOL, local(b"doc/readme", README) + README]
body = b"".join(parts) + block
cd = central(b"bin/tool", TOOL, 0) + central(b"doc/readme", README, len(parts[0]))
w("apk.zip", body + cd + end(2, cd, len(body)))
