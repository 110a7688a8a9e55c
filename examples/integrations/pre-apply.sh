#!/usr/bin/env sh
# Pre-apply hook: refuse to apply while the cloud has drifted from the state.
#
#   examples/integrations/pre-apply.sh [DIR]   # then: terraform apply
#
# Exits 0 when DIR is in sync, 1 when it drifted (the report is printed) or the scan failed.
# TERRAFORM_DRIFT names the binary (default: terraform-drift on PATH); extra scan flags go in
# TERRAFORM_DRIFT_FLAGS (e.g. "--live provider").
set -u
dir=${1:-.}
bin=${TERRAFORM_DRIFT:-terraform-drift}
# shellcheck disable=SC2086 # flags are meant to split
"$bin" scan "$dir" ${TERRAFORM_DRIFT_FLAGS:-}
code=$?
case $code in
  0) exit 0 ;;
  2) echo "pre-apply: $dir drifted from its state; reconcile it (terraform-drift remediate, codify or patch) before applying" >&2
     exit 1 ;;
  *) echo "pre-apply: the drift scan failed (exit $code); not applying blind" >&2
     exit 1 ;;
esac
