#!/usr/bin/env python3
"""The numbers entropy_test.cc expects, computed with numpy by an independent
implementation of the entropy calibration that src/engine/calibration/entropy.h documents
(TensorRT's IInt8EntropyCalibrator2 method). Run it to reproduce them."""

import numpy as np

LEVELS = 128
EPS = 1e-4


def smooth(counts):
    c = counts.astype(np.float64).copy()
    zero = c == 0
    c[~zero] -= EPS * zero.sum() / (~zero).sum()
    c[zero] = EPS
    assert (c > 0).all()
    return c / c.sum()


def divergence(bins, i):
    p = bins[:i].astype(np.float64).copy()
    p[i - 1] += bins[i:].sum()
    level = (np.arange(i) * LEVELS) // i
    q = np.zeros(i)
    for l in range(LEVELS):
        members = level == l
        values = bins[:i][members]
        nonzero = (values != 0).sum()
        if nonzero:
            q[members] = np.where(values != 0, values.sum() / nonzero, 0)
    p, q = smooth(p), smooth(q)
    return float(np.sum(p * np.log(p / q)))


def best(bins):
    divergences = [divergence(bins, i) for i in range(LEVELS, len(bins) + 1)]
    return LEVELS + int(np.argmin(divergences)), divergences


def main():
    j = np.arange(2048)
    decaying = np.floor(1000 * np.exp(-j / 60.0))
    decaying[2047] += 3
    decaying[500] += 7
    b, d = best(decaying)
    print(f"decaying: best {b}, d(128)={d[0]:.17g} d(300)={d[300 - LEVELS]:.17g} "
          f"d(best)={d[b - LEVELS]:.17g} d(2048)={d[-1]:.17g}")
    sparse = np.zeros(2048)
    sparse[:400] = (j[:400] * j[:400] * 7 + 3) % 11
    sparse[1500] = 2
    sparse[2047] = 1
    b, d = best(sparse)
    print(f"sparse: best {b}, d(best)={d[b - LEVELS]:.17g} d(200)={d[200 - LEVELS]:.17g}")


if __name__ == "__main__":
    main()
