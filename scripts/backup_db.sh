#!/usr/bin/env bash
# Online backup of the bot's SQLite DB (DB_PATH) to ./backups/db-YYYYmmdd-HHMMSS.sqlite3; safe
# while the bot runs. Extra arguments go to the CLI (e.g. --dir /mnt/backups, --json).
# = node dist/apps/cli/main.cjs maintenance backup
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
bundle=$(cab_app cli)
cd "$CAB_ROOT"  # relative DB_PATH, --dir and .env resolve as for the server
exec node "$bundle" maintenance backup "$@"
