#!/usr/bin/env bash
# Prepares what scripts/gpu-test.sh needs on the GPU machine, which has no network, no
# TensorFlow and no snappy, into ignored folders that a device call carries:
#   .debs/       Debian's snappy (scripts/device-build.sh links it statically)
#   third_party/ the cudnn-frontend headers (scripts/setup.sh fetched them)
#   .gpu/        the TensorFlow-made fixtures that fit: every op case up to 256 KiB and
#                every fixture model but ResNet50 (models.tgz, op_cases.tgz); and
#                bench_models.tgz, the GPU benchmark's models (bench/gpu/make_models.py:
#                ResNet50 - the fixture -, MobileNetV2, BERT-base) as weightless copies
#                (tftrt strip-weights): their weights are remade there from a seed
# Run after scripts/test.sh has made .fixtures/ and build/tftrt (the TensorFlow venv makes
# the benchmark's models into .bench_models/; $PYTHON picks another venv). Then:
#   device run: scripts/gpu-test.sh    (carry: .debs third_party .gpu)
#   device run: the command in bench/gpu/run.sh's header (same carry)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .fixtures/op_cases ] && [ -d .fixtures/models ] ||
  { echo "gpu-pack: .fixtures/ is missing: run scripts/test.sh first" >&2; exit 1; }
[ -f third_party/cudnn-frontend/include/cudnn_frontend.h ] ||
  { echo "gpu-pack: third_party/cudnn-frontend is missing: run scripts/setup.sh" >&2; exit 1; }
mkdir -p .debs .gpu
ls .debs/libsnappy-dev_*.deb >/dev/null 2>&1 ||
  (cd .debs && apt-get download libsnappy-dev libsnappy1v5 >/dev/null)
cases=$(mktemp)
(cd .fixtures && for dir in op_cases/*/; do
   [ "$(du -s --apparent-size --block-size=1 "$dir" | cut -f1)" -le 262144 ] && echo "${dir%/}"
 done) > "$cases"
tar czf .gpu/op_cases.tgz -C .fixtures -T "$cases"
tar czf .gpu/models.tgz -C .fixtures --exclude=models/resnet50 models
python=${PYTHON:-$(scripts/python-env.sh | tail -n 1)}
"$python" bench/gpu/make_models.py --out .bench_models
staging=$(mktemp -d)
mkdir -p "$staging/bench_models"
for model in .bench_models/*/model; do
  name=$(basename "$(dirname "$model")")
  build/tftrt strip-weights "$model" "$staging/bench_models/$name" > /dev/null
done
tar czf .gpu/bench_models.tgz -C "$staging" bench_models
rm -rf "$staging" "$cases"
rm -f .gpu/resnet50_weightless.tgz  # what earlier versions packed: bench_models.tgz has it
du -sh .debs third_party .gpu .gpu/*
