# PayTrust build entry point for PowerShell. All logic lives in build.sh, so the two cannot drift:
# this shim only forwards its arguments and exit code. It needs bash on PATH (Linux, macOS, WSL, Git Bash).
$bash = Get-Command bash -ErrorAction SilentlyContinue
if (-not $bash) {
    Write-Error "build.ps1 forwards to build.sh and needs bash on PATH (on Windows: WSL or Git for Windows)."
    exit 1
}
& $bash.Source (Join-Path $PSScriptRoot 'build.sh') @args
exit $LASTEXITCODE
