"""git's patch-delta (gitformat-pack(5), "Deltified representation"), written from the format for the tests:
what our delta makers produce must rebuild the target through the format's own rules, not through our code."""

from __future__ import annotations


def apply_delta(base: bytes, delta: bytes) -> bytes:
    """``delta`` applied to ``base``: two varint sizes, then copy (high bit set) and insert instructions."""
    at = 0
    for _ in range(2):  # the base's size and the result's
        while delta[at] & 0x80:
            at += 1
        at += 1
    out = bytearray()
    while at < len(delta):
        command = delta[at]
        at += 1
        if command & 0x80:
            offset = size = 0
            for i in range(4):
                if command & (1 << i):
                    offset |= delta[at] << (8 * i)
                    at += 1
            for i in range(3):
                if command & (0x10 << i):
                    size |= delta[at] << (8 * i)
                    at += 1
            out += base[offset : offset + (size or 0x10000)]
        else:
            out += delta[at : at + command]
            at += command
    return bytes(out)
