#!/usr/bin/env bash
# PRAGMA integrity_check on the bot's DB (DB_PATH); exit 1 when it reports a problem, so cron mails you.
# = node dist/apps/cli/main.cjs maintenance integrity
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
bundle=$(cab_app cli)
cd "$CAB_ROOT"  # relative DB_PATH, --dir and .env resolve as for the server
exec node "$bundle" maintenance integrity "$@"
