#!/usr/bin/env bash
# Deletes backups older than N days (default 30). Usage: scripts/rotate_backups.sh [DAYS] [--dir D]
# = node dist/apps/cli/main.cjs maintenance rotate --days N
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
days=30
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then days=$1; shift; fi
bundle=$(cab_app cli)
cd "$CAB_ROOT"  # relative DB_PATH, --dir and .env resolve as for the server
exec node "$bundle" maintenance rotate --days "$days" "$@"
