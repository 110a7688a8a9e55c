#!/usr/bin/env bash
# The test command: sets up everything the suite needs on a fresh machine, runs it, cleans up.
#   - a venv with a pinned moto[server] (the AWS API emulator),
#   - a terraform CLI config that installs the AWS provider from /opt/tf-plugins (offline),
#   - one moto server on a free 127.0.0.1 port (scenarios start their own, isolated ones),
# then `cargo test` with all of it in the environment. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

MOTO_VERSION=5.2.5
PLUGIN_MIRROR=${TF_DRIFT_PLUGIN_MIRROR:-/opt/tf-plugins}

die() { echo "test setup: $*" >&2; exit 1; }

command -v terraform >/dev/null || die "terraform is not on PATH (need 1.11.x)"
ls "$PLUGIN_MIRROR"/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_* >/dev/null 2>&1 \
  || die "the AWS provider is missing from the filesystem mirror $PLUGIN_MIRROR"
command -v python3 >/dev/null || die "python3 is needed for moto"

venv="$root/target/moto-venv"
if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "test setup: installing moto[server]==$MOTO_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
export MOTO_SERVER="$venv/bin/moto_server"

mkdir -p "$root/target/tf-plugin-cache"
export TF_CLI_CONFIG_FILE="$root/target/terraformrc"
cat > "$TF_CLI_CONFIG_FILE" <<TFRC
plugin_cache_dir = "$root/target/tf-plugin-cache"
provider_installation {
  filesystem_mirror {
    path    = "$PLUGIN_MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
TFRC
export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=1
export CHECKPOINT_DISABLE=1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$root/target/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  kill -0 $moto_pid 2>/dev/null || die "moto failed to start (see target/moto.log)"
  sleep 0.1
done
export MOTO_URL="http://127.0.0.1:$port"
echo "test setup: moto $MOTO_VERSION at $MOTO_URL, terraform $(terraform version | head -1)" >&2

cargo test "$@"
