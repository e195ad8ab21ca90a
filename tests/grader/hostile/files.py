"""Writes a 100 MB file."""


def write_big(megabytes):
    chunk = b"x" * (1 << 20)
    with open("big.bin", "wb") as fh:
        for _ in range(megabytes):
            fh.write(chunk)
    return megabytes
