# Shared by the scripts here (sourced, not run): find the repo and a built app, build it if missing.
# CAB_ROOT overrides the repo root (tests); CAB_NO_BUILD=1 refuses to build (fail instead).
CAB_ROOT="${CAB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

# cab_app <server|worker|cli>: prints the path of the built bundle, building it once if absent.
cab_app() {
  local bundle="$CAB_ROOT/dist/apps/$1/main.cjs"
  if [ ! -f "$bundle" ]; then
    if [ "${CAB_NO_BUILD:-0}" = 1 ]; then
      echo "$(basename "$0"): $bundle is missing; build it with: npx nx build $1" >&2
      return 2
    fi
    echo "$(basename "$0"): $bundle is missing; building it (npx nx build $1)…" >&2
    (cd "$CAB_ROOT" && NX_DAEMON=false NX_NO_CLOUD=true NX_USE_LOCAL=true NX_TUI=false npx nx build "$1" >&2) || return 2
  fi
  printf '%s\n' "$bundle"
}
