#!/usr/bin/env bash
# The GPU checks, in one short command for a lent GPU machine (about 5 minutes):
# the GPU tests (-m gpu), then step times of W4/W5/W6 in float32 and mixed
# bfloat16 and W6's TFLOP/s. The machine brings its own CUDA torch; lamina is
# installed over it without dependencies. Results go to ${OUT:-.}/gpu.md.
#   bash benchmarks/gpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-.}"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name(0))"
python -m pip install --quiet --no-deps -e . || export PYTHONPATH="$PWD/src"
export PYTHONUNBUFFERED=1
python -m pytest -m gpu -q -p no:cacheprovider -o addopts="" tests 2>&1 | tee "$out/gpu_tests.log" || true
python -m benchmarks.gpu_bench --out "$out/gpu.md"
