"""PyTorch eager ResNet50 (torchvision) on the GPU, the peer of `tftrt bench` in
bench/gpu/resnet50.sh: channels_last, cudnn.benchmark, inputs already on the device, timed
with CUDA events around each batch (as trtexec's GPU compute time). Prints one line:
  torch-eager <precision> batch <N>: <ms> ms per batch (median of <runs>), <items/s> items/s
"""
import argparse
import statistics

import torch
import torchvision


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--precision", choices=["fp16", "fp32", "tf32"], default="fp16")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()

    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = args.precision == "tf32"
    torch.backends.cudnn.allow_tf32 = args.precision == "tf32"
    dtype = torch.float16 if args.precision == "fp16" else torch.float32
    torch.manual_seed(0)
    model = torchvision.models.resnet50().eval().to("cuda", dtype=dtype)
    model = model.to(memory_format=torch.channels_last)
    x = torch.randn(args.batch, 3, 224, 224, device="cuda", dtype=dtype)
    x = x.to(memory_format=torch.channels_last)
    times = []
    with torch.inference_mode():
        for i in range(args.warmup + args.runs):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            model(x)
            end.record()
            torch.cuda.synchronize()
            if i >= args.warmup:
                times.append(start.elapsed_time(end))
    ms = statistics.median(times)
    print("torch-eager %s batch %d: %.3f ms per batch (median of %d), %.0f items/s" %
          (args.precision, args.batch, ms, args.runs, args.batch / ms * 1e3))


if __name__ == "__main__":
    main()
