"""Merges the benchmark's JSON lines (common.emit, from one or several device calls) into
one markdown table, printed and optionally written to a file:

  report.py RESULTS.jsonl [MORE.jsonl ...] [--markdown OUT.md]

One row per model, precision and batch: items/s of tftrt and of each peer, tftrt's ratio
to the best peer, batch-1 latency, TFLOP/s as a share of the dense matmul peak, peak GPU
memory. "n/a" where a figure was not measured (why is listed under the table). A later
line for the same figure replaces an earlier one, so a rerun's file can be appended.
"""
import argparse
import json
from pathlib import Path

from common import MODELS

PEERS = ("torch-eager", "torch-cudagraph", "torch-compile", "jax-xla")
NA = "n/a"


def read_records(paths):
    records = []
    for path in paths:
        for line in Path(path).read_text().splitlines():
            line = line.strip()
            if line.startswith("{"):  # anything else is a log line that got mixed in
                records.append(json.loads(line))
    return records


def index(records, kind, *keys):
    """The records of `kind` by the tuple of `keys`; a later record replaces an earlier."""
    return {tuple(r.get(k) for k in keys): r for r in records if r["kind"] == kind}


def fmt(value, spec="%.0f"):
    return NA if value is None else spec % value


def tflops(record, gflops_per_item):
    if not record or "items_per_s" not in record or gflops_per_item is None:
        return None
    return record["items_per_s"] * gflops_per_item / 1e3


def share(tflops_value, peak):
    if tflops_value is None or not peak:
        return NA
    return "%.1f (%.0f%%)" % (tflops_value, 100 * tflops_value / peak["tflops"])


def latency(record):
    """Median / p99; tftrt's host-to-host median after it where the latency is the
    device-resident one (the peers' latencies are device-resident)."""
    if not record or "latency_ms_median" not in record:
        return NA
    text = "%.2f / %s" % (record["latency_ms_median"], fmt(record.get("latency_ms_p99"), "%.2f"))
    if record.get("latency_kind") == "device-resident":
        text += " (host to host %.2f)" % record["host_to_host_ms"]
    elif record.get("latency_kind") == "host to host":
        text += " (host to host)"
    return text


def memory(record):
    return fmt(record.get("peak_mem_mib") if record else None)


def table(records):
    measures = index(records, "measure", "system", "model", "precision", "batch")
    flops = index(records, "flops", "model")
    peaks = index(records, "peak", "precision")
    header = ["model", "precision", "batch", "tftrt items/s", *(p + " items/s" for p in PEERS),
              "tftrt / best peer", "batch-1 latency ms med / p99: tftrt", "best peer",
              "TFLOP/s (% of matmul peak): tftrt", "best peer", "peak GPU MiB: tftrt",
              "best peer"]
    rows = []
    for name, spec in MODELS.items():
        gflops = flops.get((name,), {}).get("gflops_per_item")
        for precision in spec.precisions:
            for batch in sorted(spec.batches):
                ours = measures.get(("tftrt", name, precision, batch))
                peers = {p: measures.get((p, name, precision, batch)) for p in PEERS}
                if not ours and not any(peers.values()):
                    continue
                measured = {p: r for p, r in peers.items() if r and "items_per_s" in r}
                best = max(measured, key=lambda p: measured[p]["items_per_s"], default=None)
                ratio = NA
                if best and ours and "items_per_s" in ours:
                    ratio = "%.2fx (vs %s)" % (ours["items_per_s"] / measured[best]["items_per_s"],
                                               best)
                fastest = min((p for p in measured if "latency_ms_median" in measured[p]),
                              key=lambda p: measured[p]["latency_ms_median"], default=None)
                peak = peaks.get((precision,))
                rows.append([
                    name, precision, str(batch),
                    fmt(ours and ours.get("items_per_s")) + ("*" if ours and ours.get(
                        "native_ops") else ""),
                    *(fmt(r and r.get("items_per_s")) for r in peers.values()),
                    ratio, latency(ours),
                    "%s (%s)" % (latency(measured[fastest]), fastest) if fastest else NA,
                    share(tflops(ours, gflops), peak),
                    "%s (%s)" % (share(tflops(measured[best], gflops), peak), best) if best else NA,
                    NA if not ours or "peak_mem_mib" not in ours else memory(ours),
                    "%s (%s)" % (memory(measured[best]), best) if best else NA])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def notes(records):
    lines = []
    for r in sorted(index(records, "peak", "precision").values(), key=lambda r: r["precision"]):
        lines.append("- matmul peak %s: %.1f TFLOP/s (%s)" % (r["precision"], r["tflops"],
                                                              r["what"]))
    for r in index(records, "flops", "model").values():
        lines.append("- %s: %.2f GFLOPs per item (%s)" % (r["model"], r["gflops_per_item"],
                                                          r["counter"]))
    xla = {}
    for r in records:
        if r["kind"] == "measure" and "xla_gflops_per_item" in r:
            xla[r["model"]] = r["xla_gflops_per_item"]
    for name, value in xla.items():
        lines.append("- %s: %.2f GFLOPs per item by XLA's cost analysis" % (name, value))
    for r in index(records, "convert", "model", "precision").values():
        native = ""
        if r["native_ops"]:  # tftrt's figure then leaves out the native ops' time
            native = "; *left native (device compute excludes them): " + ", ".join(
                "%s (%s)" % item for item in r["native_ops"].items())
        warm = " cold, %.1f s with a warm timing cache" % r["warm_seconds"] if "warm_seconds" in r else ""
        lines.append("- tftrt convert + build %s %s (engines for batches %s): %.1f s%s%s" % (
            r["model"], r["precision"], r["batches"], r["seconds"], warm, native))
    for r in index(records, "check", "model", "precision").values():
        lines.append("- check %s %s batch 1, %s: relative error %s (tolerance %g) %s"
                     % (r["model"], r["precision"], r["against"], fmt(r["relative_error"], "%.2g"),
                        r["tolerance"], "ok" if r["ok"] else "FAILED"))
    for r in index(records, "skip", "system", "model", "precision", "batch").values():
        lines.append("- not measured: %s %s %s batch %s: %s" % (
            r["system"], r["model"] or "", r["precision"] or "",
            "all" if r["batch"] is None else r["batch"], r["reason"]))
    lines.append("- tftrt items/s: batch / the engines' device compute per run (`tftrt bench`, "
                 "inputs on the device); its latency is device-resident where one engine runs "
                 "the whole model (the engine rerun on the inputs already on the device, launch "
                 "to synchronize, as the peers' latencies are timed), with the host-to-host "
                 "median (copies of inputs and outputs included) in brackets; its memory is the "
                 "most device memory its engines held (weights, activation arena, workspace, "
                 "staging; `tftrt bench`). Peers: inputs on the device; PyTorch memory is "
                 "max_memory_allocated, JAX's is XLA's memory analysis of the program "
                 "(arguments + outputs + temporaries).")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", help="JSON-lines files")
    parser.add_argument("--markdown", help="also write the table and notes here")
    args = parser.parse_args()
    records = read_records(args.results)
    text = "\n".join(table(records) + [""] + notes(records)) + "\n"
    print(text, end="")
    if args.markdown:
        Path(args.markdown).write_text(text)


if __name__ == "__main__":
    main()
