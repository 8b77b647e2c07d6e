#!/usr/bin/env bash
# Runs the HTTP server (apps/server: /health /ready /metrics /orchestrator/* /api/*, with the
# orchestrator in-process). Settings come from the environment and .env (see .env.example);
# arguments are passed on. Builds dist/apps/server once if it is missing.
#   scripts/run_server.sh                 # paper mode on the bundled replay data, 127.0.0.1:8000
#   MODE=live MARKET_DATA=exchange API_TOKEN=$(openssl rand -hex 32) scripts/run_server.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
bundle=$(cab_app server)
cd "$CAB_ROOT"
exec node "$bundle" "$@"
