#!/usr/bin/env bash
# The test command: sets up everything the suite needs on a fresh machine (scripts/env.sh: a
# venv with a pinned moto[server], a terraform CLI config installing the AWS provider offline),
# starts one moto on a free 127.0.0.1 port (scenarios start their own, isolated ones), runs
# `cargo test` with all of it in the environment, and stops moto. Arguments go to `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/env.sh

warm_plugin_cache
port=$(free_port)
start_moto "$port" "$root/target/moto.log"
trap 'kill $moto_pid 2>/dev/null || true' EXIT
export MOTO_URL="http://127.0.0.1:$port"
# Provider schemas cached by the plugin client stay inside the build tree.
export TF_DRIFT_CACHE_DIR="$root/target/schema-cache"
echo "test setup: moto $MOTO_VERSION at $MOTO_URL, $(terraform version | head -1)" >&2

# Three tests at a time on two cores: the moto scenarios spend much of their time waiting (the
# provider's waiters, moto's pace), so a third one fills the idle CPU (nodrift: 347 s with two,
# 299 s with four). RUST_TEST_THREADS set by the caller wins.
export RUST_TEST_THREADS=${RUST_TEST_THREADS:-3}
cargo test "$@"
