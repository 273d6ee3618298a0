#!/usr/bin/env python3
"""Counts the bytes of an AT dialogue captured with `socat -x` (scripts/bench-modem).

Usage: wire_bytes.py CAPTURE [MARKER]
Prints `total <host→modem> <modem→host>` for the whole capture and, when MARKER (e.g. AT+CMGL=4) is given,
`from-marker <host→modem> <modem→host>` counting from the transfer that carries the marker's first byte on.
socat -x logs each transfer as a header line `> date time  length=N from=A to=B` (">" left to right, i.e. from
the first address, here the client's pty) followed by hex lines; the order of the log is the order of transfers.
"""
import re
import sys

HEADER = re.compile(r"^([<>]) \S+ \S+\s+length=(\d+) from=(\d+) to=(\d+)")


def transfers(path):
    current = None
    with open(path, errors="replace") as capture:
        for line in capture:
            match = HEADER.match(line)
            if match:
                if current:
                    yield current
                current = [match.group(1), bytearray()]
            elif current is not None and line.strip():
                current[1] += bytes.fromhex(line.strip())
    if current:
        yield current


def main():
    chunks = list(transfers(sys.argv[1]))
    marker = sys.argv[2].encode() if len(sys.argv) > 2 else None
    sent = sum(len(data) for way, data in chunks if way == ">")
    received = sum(len(data) for way, data in chunks if way == "<")
    print("total %d %d" % (sent, received))
    if marker:
        stream = bytearray()
        start_chunk = None
        for number, (way, data) in enumerate(chunks):
            if way != ">":
                continue
            before = len(stream)
            stream += data
            found = stream.find(marker)
            if found >= 0:
                # The transfer holding the marker's first byte.
                start_chunk = number
                offset = found - before
                while offset < 0:
                    # The marker began in an earlier host transfer.
                    start_chunk -= 1
                    while chunks[start_chunk][0] != ">":
                        start_chunk -= 1
                    offset += len(chunks[start_chunk][1])
                break
        if start_chunk is None:
            sys.exit("wire_bytes: marker %r not in the capture" % marker.decode())
        tail = chunks[start_chunk:]
        print("from-marker %d %d" % (sum(len(d) for w, d in tail if w == ">"),
                                     sum(len(d) for w, d in tail if w == "<")))


if __name__ == "__main__":
    main()
