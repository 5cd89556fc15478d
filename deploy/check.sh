#!/usr/bin/env bash
# The test run against the deployment started by deploy/up.sh (deploy/tests/test_deploy.py):
# both app servers, the shared session, reads from the replica and read-after-write from the
# primary, a task run by the worker through Redis, shared media, the conflict page, no 5xx.
#
#   deploy/check.sh [pytest options]

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -f "$DEPLOY_DIR/app.env" ]] || die "no deployment in $DEPLOY_DIR: run deploy/up.sh first"
app_env
export DEPLOY_DIR PG_BIN
export DEPLOY_URL="http://127.0.0.1:$NGINX_PORT"
export DEPLOY_APP_URLS="http://127.0.0.1:$APP1_PORT http://127.0.0.1:$APP2_PORT"
cd "$ROOT"
started=$(date +%s)
status=0
"$PY" -m pytest -c deploy/tests/pytest.ini --rootdir "$ROOT" -v -s -rs deploy/tests "$@" || status=$?
log "check finished in $(($(date +%s) - started)) s (exit $status)"
exit $status
