"""Writes a 100 MB file (into the working folder unless told where)."""


def write_big(megabytes, path="big.bin"):
    chunk = b"x" * (1 << 20)
    with open(path, "wb") as fh:
        for _ in range(megabytes):
            fh.write(chunk)
    return megabytes
