#!/usr/bin/env python3
"""Makes the fuzz targets' seed corpora from the files tftrt reads in its tests.

Every SavedModel, checkpoint, .npy, .npz and engine asset file under the given roots
becomes a seed of its target (fuzz/*_fuzzer.cc), in OUT/<target>/, named by its SHA-1 as
libFuzzer names corpus files. Targets that read several files get them packed as
fuzz/fuzz_helpers.h describes. Files over --max-bytes are left out (the fuzzers cut inputs
at that size); the many op-case arrays are thinned to --max-npy.
"""
import argparse
import hashlib
import os
import struct
import sys

ENGINE_PREFIX = "trt-serialized-engine."


def pack(*files):
    """Length-prefixed concatenation (fuzz_helpers.h: WritePackedFiles)."""
    return b"".join(struct.pack("<I", len(f)) + f for f in files)


def split_cache_file(contents):
    """The engine blobs of an engine cache file (engine/engine_cache_file.cc)."""
    if contents[:8] != b"TFTRTCAC" or len(contents) < 16:
        return []
    count = struct.unpack_from("<I", contents, 12)[0]
    blobs, pos = [], 16
    for _ in range(count):
        (size,) = struct.unpack_from("<Q", contents, pos)
        blobs.append(contents[pos + 8:pos + 8 + size])
        pos += 8 + size
    return blobs


def read(path):
    with open(path, "rb") as f:
        return f.read()


def walk(roots):
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                yield os.path.join(dirpath, name)


class Corpus:
    def __init__(self, out, max_bytes):
        self.out, self.max_bytes, self.counts = out, max_bytes, {}

    def add(self, target, data):
        if len(data) > self.max_bytes:
            return
        directory = os.path.join(self.out, target)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.counts[target] = self.counts.get(target, 0) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--max-bytes", type=int, default=1 << 20)
    parser.add_argument("--max-npy", type=int, default=400)
    parser.add_argument("roots", nargs="+", help="directories to search (missing ones skipped)")
    args = parser.parse_args()
    roots = [r for r in args.roots if os.path.isdir(r)]
    corpus = Corpus(args.out, args.max_bytes)
    npy_files = []
    for path in walk(roots):
        name = os.path.basename(path)
        if name == "saved_model.pb":
            model = os.path.dirname(path)
            index = os.path.join(model, "variables", "variables.index")
            shard = os.path.join(model, "variables", "variables.data-00000-of-00001")
            if os.path.exists(index) and os.path.exists(shard):
                corpus.add("saved_model", pack(read(path), read(index), read(shard)))
            corpus.add("saved_model", pack(read(path)))
        elif name == "variables.index":
            shard = os.path.join(os.path.dirname(path), "variables.data-00000-of-00001")
            if os.path.exists(shard):
                corpus.add("checkpoint", pack(read(path), read(shard)))
        elif name.endswith(".npy"):
            npy_files.append(path)
        elif name.endswith(".npz"):
            corpus.add("npz", read(path))
        elif name.startswith(ENGINE_PREFIX):
            contents = read(path)
            corpus.add("engine_cache_file", contents)
            for blob in split_cache_file(contents):
                corpus.add("engine_blob", blob)
    step = max(1, len(npy_files) // args.max_npy)
    for path in npy_files[::step]:
        corpus.add("npy", read(path))
    for target, count in sorted(corpus.counts.items()):
        print(f"make_seeds: {count} {target} seeds")
    if not corpus.counts:
        sys.exit("make_seeds: no seeds found under " + " ".join(args.roots))


if __name__ == "__main__":
    main()
