#!/usr/bin/env python3
"""Write pride-and-prejudice-1-6.txt: chapters 1 to 6 of Jane Austen's Pride and Prejudice, taken
from the Debian package r-cran-janeaustenr (its data/Rdata.rdb, object "prideprejudice": one
string per line of the novel).

    apt-get download r-cran-janeaustenr            # r-cran-janeaustenr_1.0.0-1_all.deb
    python3 extract_text.py r-cran-janeaustenr_1.0.0-1_all.deb pride-and-prejudice-1-6.txt

It reads the package's R lazy-load database directly (no R needed): the .rdx index (gzip, R's
XDR serialization) gives the object's offset and length in the .rdb, whose entry is a 4-byte
length followed by zlib-compressed serialized data; the object is a character vector.
"""
import gzip, struct, subprocess, sys, tempfile, zlib, os


class Unserialize:
    """Just enough of R's XDR serialization (format 2 and 3) for lists and character vectors."""

    def __init__(self, data):
        self.b, self.i, self.refs = data, 0, []

    def int(self):
        v = struct.unpack('>i', self.b[self.i:self.i + 4])[0]
        self.i += 4
        return v

    def take(self, n):
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def header(self):
        assert self.take(2) == b'X\n', 'not XDR serialization'
        version = self.int()
        self.int(); self.int()
        if version == 3:
            self.take(self.int())                        # native encoding name

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind in (254, 242, 253, 251, 252):            # NULL, empty/global env, missing, unbound
            return None
        if kind == 255:                                  # reference to an earlier symbol
            return self.refs[(flags >> 8) - 1]
        if kind == 1:                                    # symbol
            s = self.item(); self.refs.append(s); return s
        if kind == 9:                                    # CHARSXP
            n = self.int()
            return None if n == -1 else self.take(n).decode('utf-8')
        if kind in (2, 6):                               # pairlist
            if has_attr: self.item()
            tag = self.item() if has_tag else None
            car, cdr = self.item(), self.item()
            return [(tag, car)] + (cdr if isinstance(cdr, list) else [])
        if kind in (16, 19, 20):                         # character vector, list, expression
            v = [self.item() for _ in range(self.int())]
        elif kind in (10, 13):                           # logical, integer
            n = self.int(); v = list(struct.unpack('>%di' % n, self.take(4 * n)))
        elif kind == 14:                                 # double
            n = self.int(); v = list(struct.unpack('>%dd' % n, self.take(8 * n)))
        else:
            raise ValueError('unsupported R type %d' % kind)
        if has_attr:
            names = dict(self.item() or []).get('names')
            if names and kind == 19:
                return dict(zip(names, v))
        return v


def load(data):
    u = Unserialize(data)
    u.header()
    return u.item()


def main(deb, out):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(['dpkg-deb', '-x', deb, tmp], check=True)
        base = os.path.join(tmp, 'usr/lib/R/site-library/janeaustenr/data/Rdata')
        index = load(gzip.decompress(open(base + '.rdx', 'rb').read()))
        offset, length = index['variables']['prideprejudice']
        blob = open(base + '.rdb', 'rb').read()[offset:offset + length]
        lines = load(zlib.decompress(blob[4:]))
    end = lines.index('Chapter 7')
    text = '\n'.join(lines[:end]).rstrip('\n') + '\n'
    open(out, 'w', encoding='ascii').write(text)
    print(f'{out}: lines 1..{end} of "prideprejudice", {len(text.encode())} bytes')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
