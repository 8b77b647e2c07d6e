# Runs the HTTP server on Windows (PowerShell 5+ or pwsh): the same as scripts/run_server.sh.
# Settings come from the environment and .env; arguments are passed on. Builds once if missing.
#   .\scripts\run_server.ps1
#   $env:MODE = 'live'; $env:MARKET_DATA = 'exchange'; $env:API_TOKEN = '…(32+ characters)'; .\scripts\run_server.ps1
$ErrorActionPreference = 'Stop'
$root = if ($env:CAB_ROOT) { $env:CAB_ROOT } else { Split-Path -Parent $PSScriptRoot }
$bundle = Join-Path $root 'dist/apps/server/main.cjs'
if (-not (Test-Path $bundle)) {
  Write-Host "run_server: $bundle is missing; building it (npx nx build server)..."
  $env:NX_DAEMON = 'false'; $env:NX_NO_CLOUD = 'true'; $env:NX_USE_LOCAL = 'true'; $env:NX_TUI = 'false'
  Push-Location $root
  try { npx nx build server; if ($LASTEXITCODE -ne 0) { exit 2 } } finally { Pop-Location }
}
Set-Location $root
& node $bundle @args
exit $LASTEXITCODE
