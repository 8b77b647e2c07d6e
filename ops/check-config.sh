#!/usr/bin/env bash
# `nx test ops`, part 1: the Prometheus and Alertmanager files checked by their own tools.
#   promtool check config, promtool check rules, promtool test rules, amtool check-config,
#   and amtool on the file alertmanager-entrypoint.sh renders (so the rendered form is valid too).
# The tools come from Debian's `prometheus` and `prometheus-alertmanager` packages (.ci/run installs
# them). Without them a developer machine skips LOUDLY; in CI (CI=true) a missing tool fails.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for tool in promtool amtool; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ops: ERROR: ${missing[*]} not found and CI=true: .ci/run must install prometheus and prometheus-alertmanager" >&2
    exit 1
  fi
  {
    echo "################################################################################"
    echo "##  ops: SKIPPED promtool/amtool checks: ${missing[*]} not installed.           "
    echo "##  The Prometheus rules, their unit tests and alertmanager.yml were NOT checked."
    echo "##  Install: apt-get install prometheus prometheus-alertmanager                  "
    echo "################################################################################"
  } >&2
  exit 0
fi

tmp_many=$(mktemp -d)
trap 'rm -rf "$tmp_many"' EXIT
promtool --version 2>&1 | head -1
amtool --version 2>&1 | head -1
promtool check config prometheus/prometheus.yml
# many-bots/prometheus.yml loads the same alerts.yml, mounted beside it by its compose file.
mkdir -p "$tmp_many" && cp many-bots/prometheus.yml prometheus/alerts.yml "$tmp_many/"
promtool check config "$tmp_many/prometheus.yml"
promtool check rules prometheus/alerts.yml
promtool test rules prometheus/tests/*.test.yml
amtool check-config prometheus/alertmanager.yml

# The file Alertmanager really loads is the rendered one: check it with a fake token and chat.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$tmp_many"' EXIT
printf '123456789:AAFakeTokenForConfigCheckOnly_0123456\n' > "$tmp/token"
TELEGRAM_BOT_TOKEN_FILE="$tmp/token" TELEGRAM_CHAT_ID=-1001234567890 AM_RENDER_ONLY=1 \
  AM_TEMPLATE=prometheus/alertmanager.yml AM_CONFIG="$tmp/alertmanager.yml" sh prometheus/alertmanager-entrypoint.sh
amtool check-config "$tmp/alertmanager.yml"
echo "ops: promtool and amtool checks passed"
