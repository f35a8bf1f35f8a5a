# Shared start of the service tests that need neither root nor a mount namespace: a scratch
# directory removed at exit, and failures that are counted rather than fatal, so that one run
# reports every problem. Such a test ends with: exit "$failed"
set -eu -o pipefail

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=1
}
