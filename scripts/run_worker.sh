#!/usr/bin/env bash
# Runs the orchestrator headless (apps/worker: /health and /metrics on WORKER_PORT). Run the server
# or the worker for one account and DB, not both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
bundle=$(cab_app worker)
cd "$CAB_ROOT"
exec node "$bundle" "$@"
