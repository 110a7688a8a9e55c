#!/usr/bin/env bash
# Benchmarks side by side with Terraform (see bench/bench.py for what is measured).
#   bench/run.sh                       # everything: estate, services, engine, config, discovery
#   bench/run.sh --only engine         # one section; --runs N, --instances N, --estate N
#   bench/run.sh --stop                # stop the warm moto servers kept between runs
# Sets up moto and terraform itself (scripts/env.sh) and builds the release binaries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/env.sh
# Stopping the warm moto servers needs no binaries.
[[ " $* " == *" --stop "* ]] || cargo build --release --quiet --bin terraform-drift --example describe_loop
exec "$MOTO_PYTHON" bench/bench.py "$@"
