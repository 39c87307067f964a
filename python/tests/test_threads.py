"""The GIL is released while tftrt works (runs, build, convert), runs may be concurrent,
Ctrl-C stops a long build between input sets, and progress is shown when asked."""

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import tftrt

from conftest import EXAMPLE_DIR, REPO, fixture_model


class Ticker:
    """A Python thread recording when it could run (it needs the GIL to)."""

    def __enter__(self):
        self.stamps = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        time.sleep(0.01)
        return self

    def _run(self):
        while not self.stop.is_set():
            self.stamps.append(time.perf_counter())
            time.sleep(0.001)

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def ran_during(self, t0, t1):
        """Stamps in the middle half of [t0, t1] (away from the Python at either end)."""
        lo, hi = t0 + (t1 - t0) / 4, t1 - (t1 - t0) / 4
        return sum(lo <= t <= hi for t in self.stamps)


def timed(call):
    t0 = time.perf_counter()
    call()
    return t0, time.perf_counter()


@pytest.fixture(scope="module")
def cnn():
    model = fixture_model("cnn")
    fn = tftrt.Converter(input_saved_model_dir=str(model)).convert()
    big = np.random.default_rng(0).random((1024, 32, 32, 3), dtype=np.float32)
    fn(image=big)  # builds the engine for this shape
    return model, fn, big


def test_gil_released_during_runs(cnn):
    _, fn, big = cnn
    with Ticker() as ticker:
        t0, t1 = timed(lambda: fn(image=big))
    assert t1 - t0 > 0.02, "the run is too short to tell"
    assert ticker.ran_during(t0, t1) > 0


def test_gil_released_during_build(cnn):
    model, _, big = cnn
    c = tftrt.Converter(input_saved_model_dir=str(model),
                        conversion_params=tftrt.ConversionParams(maximum_cached_engines=4))
    c.convert()
    with Ticker() as ticker:
        t0, t1 = timed(lambda: c.build(lambda: iter([(big,), (big[:512],)])))
    assert ticker.ran_during(t0, t1) > 0


def test_gil_released_during_convert():
    model = fixture_model("resnet50")
    c = tftrt.Converter(input_saved_model_dir=str(model))
    with Ticker() as ticker:
        t0, t1 = timed(c.convert)
    assert t1 - t0 > 0.02, "the conversion is too short to tell"
    assert ticker.ran_during(t0, t1) > 0


def test_concurrent_runs_match_sequential(cnn):
    _, fn, _ = cnn
    rng = np.random.default_rng(1)
    inputs = [rng.random((8 * (i + 1), 32, 32, 3), dtype=np.float32) for i in range(4)]
    expected = [fn(image=x) for x in inputs]
    results = [None] * len(inputs)

    def work(i):
        for _ in range(3):
            results[i] = fn(image=inputs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        assert sorted(got) == sorted(want)
        for key in want:
            np.testing.assert_array_equal(got[key], want[key])


def test_ctrl_c_interrupts_a_long_build():
    """SIGINT while build() works: KeyboardInterrupt between input sets, and the
    converter stays usable (the interrupted build did not count)."""
    script = textwrap.dedent(f"""
        import os, signal, threading, time, numpy as np, tftrt
        # Python ignores SIGINT where it started ignored (a background job): not here.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        x = np.load({str(REPO / "examples" / "small_cnn_input.npy")!r})
        c = tftrt.Converter(input_saved_model_dir={str(EXAMPLE_DIR)!r})
        c.convert()
        def endless():
            while time.monotonic() - t0 < 30:
                yield (x,)
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        t0 = time.monotonic()
        try:
            c.build(endless)
        except KeyboardInterrupt:
            print("interrupted after", round(time.monotonic() - t0, 1))
        else:
            print("not interrupted")
        c.build(lambda: iter([(x,)]))
        print("built again")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, TFTRT_LOG_LEVEL="warning"))
    assert out.returncode == 0, out.stderr
    assert "interrupted after" in out.stdout and "built again" in out.stdout


def test_progress_shown_when_asked(monkeypatch, example_input):
    from tftrt import _progress
    stream = io.StringIO()
    monkeypatch.setenv("TFTRT_PROGRESS", "1")
    progress = _progress.Progress("building engines", stream=stream, delay=0.0)
    progress.step()
    time.sleep(0.7)
    progress.close()
    text = stream.getvalue()
    assert "tftrt: building engines: input set 1" in text
    assert "1 input set(s) in" in text
    monkeypatch.setenv("TFTRT_PROGRESS", "0")
    assert not _progress.enabled(sys.stderr)
    monkeypatch.delenv("TFTRT_PROGRESS")
    assert not _progress.enabled(io.StringIO())  # not a terminal
