#!/usr/bin/python3
"""Give every ELF file under DIR another GNU build-id, as a rebuild in another build path
does (the build-id hashes the code and debug paths). Prints the changed paths, one a line,
relative to DIR. Used by bench-archive.sh to make a realistic unreproducible .deb."""
import hashlib
import os
import struct
import sys


def rebuild_id(path):
    with open(path, 'rb') as f:
        b = bytearray(f.read())
    if b[:4] != b'\x7fELF' or b[4] != 2 or b[5] != 1:  # 64-bit little-endian only
        return False
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
    names = struct.unpack_from('<Q', b, shoff + shstrndx * shentsize + 0x18)[0]
    for i in range(shnum):
        sh = shoff + i * shentsize
        at = names + struct.unpack_from('<I', b, sh)[0]
        if bytes(b[at:b.index(0, at)]) != b'.note.gnu.build-id':
            continue
        off = struct.unpack_from('<Q', b, sh + 0x18)[0]
        namesz, descsz = struct.unpack_from('<II', b, off)
        d = off + 12 + ((namesz + 3) & ~3)
        b[d:d + descsz] = hashlib.sha1(bytes(b[d:d + descsz]) + b'rebuilt').digest()[:descsz]
        with open(path, 'wb') as f:
            f.write(b)
        return True
    return False


root = sys.argv[1]
for dp, dn, fn in os.walk(root):
    dn.sort()
    for name in sorted(fn):
        p = os.path.join(dp, name)
        if not os.path.islink(p) and os.path.isfile(p) and rebuild_id(p):
            print(os.path.relpath(p, root))
