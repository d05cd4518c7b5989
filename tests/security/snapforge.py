#!/usr/bin/python3
"""snapforge: rewrite a zerovm snapshot's metadata as an attacker who can write
the file would, with its digest made right again (tests/security/snapshot.sh).

  snapforge.py IN OUT FIELD=VALUE ...

FIELD is one of entry, sp (the resume point), regionN.addr, regionN.len,
regionN.prot (N a number or "last"),
ext0.off or extlast.off (the first or last extent's guest address). The
data is left alone (its checksum, XXH3, stays right).
The layout follows src/snapfmt.c (snap_encode)."""
import hashlib
import struct
import sys

HEAD = struct.Struct("<8sII40s20s20sQQQ")


class Reader:
    def __init__(self, b):
        self.b, self.at = b, 0

    def u64(self):
        v = struct.unpack_from("<Q", self.b, self.at)[0]
        self.at += 8
        return v

    def skip(self, n):
        self.at += n

    def s(self):
        n = self.u64()
        self.at += n


def main():
    src, dst, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
    f = bytearray(open(src, "rb").read())
    magic, ver, pad, build, msha, dsha, mlen, doff, dlen = HEAD.unpack_from(f, 0)
    meta = bytearray(f[HEAD.size:HEAD.size + mlen])
    r = Reader(meta)
    r.skip(3 * 8 + 7 * 8)
    r.s()
    r.s()
    g_at = r.at  # 11 u64: size ... man_end, resume_entry, resume_sp
    r.skip(11 * 8)
    nreg = r.u64()
    reg_at = r.at
    r.skip(nreg * 24)
    nprot = r.u64()
    r.skip(nprot * 24)
    nch = r.u64()
    for _ in range(nch):
        r.s()
        r.skip(8 + 32)
        if r.u64():
            r.skip(56 + 8 + 8 + 8 + 96)
    next_ = r.u64()
    ext_at = r.at
    r.skip(next_ * 16)
    nfmap = r.u64()
    fmap_at = r.at  # nfmap x {addr, len, off: u64; prot, pad: u32}
    data = f[doff:]
    for e in edits:
        k, v = e.split("=", 1)
        if k == "entry":
            struct.pack_into("<Q", meta, g_at + 9 * 8, int(v, 0))
        elif k == "sp":
            struct.pack_into("<Q", meta, g_at + 10 * 8, int(v, 0))
        elif k.startswith("region"):
            i, fld = k[6:].split(".")
            i = nreg - 1 if i == "last" else int(i)
            off = reg_at + 24 * i + {"addr": 0, "len": 8, "prot": 16}[fld]
            struct.pack_into("<I" if fld == "prot" else "<Q", meta, off, int(v, 0))
        elif k.startswith("ext"):
            i, fld = k[3:].split(".")
            i = next_ - 1 if i == "last" else int(i)
            struct.pack_into("<Q", meta, ext_at + 16 * i, int(v, 0))
        elif k.startswith("fmap"):
            i, fld = k[4:].split(".")
            i = nfmap - 1 if i == "last" else int(i)
            off = fmap_at + 32 * i + {"addr": 0, "len": 8, "off": 16, "prot": 24}[fld]
            struct.pack_into("<I" if fld == "prot" else "<Q", meta, off, int(v, 0))
        else:
            sys.exit("unknown field " + k)
    msha = hashlib.sha1(meta).digest()
    out = bytearray(HEAD.pack(magic, ver, pad, build, msha, dsha, mlen, doff, dlen))
    out += meta
    out += f[len(out):doff]
    out += data
    open(dst, "wb").write(out)


main()
