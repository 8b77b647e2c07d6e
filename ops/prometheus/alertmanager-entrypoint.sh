#!/bin/sh
# Renders alertmanager.yml with the Telegram secrets and starts Alertmanager (see the comment at the
# top of alertmanager.yml). POSIX sh: the prom/alertmanager image has busybox, not bash.
#   TELEGRAM_BOT_TOKEN_FILE  file with the bot token (default /run/secrets/telegram_bot_token)
#   TELEGRAM_CHAT_ID         integer chat id (negative for groups and channels)
#   AM_TEMPLATE / AM_CONFIG  source and rendered paths; AM_BIN the binary (default alertmanager)
# Extra arguments go to Alertmanager. AM_RENDER_ONLY=1 renders and exits (used by the tests).
set -eu
token_file="${TELEGRAM_BOT_TOKEN_FILE:-/run/secrets/telegram_bot_token}"
template="${AM_TEMPLATE:-/etc/alertmanager/alertmanager.yml}"
config="${AM_CONFIG:-/tmp/alertmanager/alertmanager.yml}"

fail() { echo "alertmanager-entrypoint: $*" >&2; exit 2; }
[ -r "$token_file" ] || fail "bot token file $token_file is missing or unreadable"
token=$(tr -d ' \r\n' < "$token_file")
case "$token" in
  '' ) fail "bot token file $token_file is empty" ;;
  *[!A-Za-z0-9:_-]* ) fail "bot token in $token_file has characters a Telegram token never has" ;;
esac
chat="${TELEGRAM_CHAT_ID:-}"
case "$chat" in
  '' | - | *[!0-9-]* | ?*-* ) fail "TELEGRAM_CHAT_ID must be an integer, got '${chat}'" ;;
esac

mkdir -p "$(dirname "$config")"
umask 077
sed -e "s|__TELEGRAM_BOT_TOKEN__|${token}|" \
    -e "s|^\( *chat_id:\).*__TELEGRAM_CHAT_ID__.*\$|\1 ${chat}|" \
    "$template" > "$config"
if grep -q '__TELEGRAM_' "$config"; then fail "a placeholder was left in $config"; fi
[ "${AM_RENDER_ONLY:-0}" = 1 ] && exit 0
exec "${AM_BIN:-alertmanager}" --config.file="$config" "$@"
