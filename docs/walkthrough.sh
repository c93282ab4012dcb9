#!/usr/bin/env bash
# The README's walkthrough, runnable: a root and an owner, a signed package with a plan, the API trusting that root,
# activation, a plan, a cap, usage, the status tab and the feed, the invoice as CSV, metrics, and the history
# exported and verified. test/walkthrough.e2e-spec.ts runs it in CI. After `npm install && npm start` (which builds),
# run it with `bash docs/walkthrough.sh`; it stops the API it started when it ends.
set -euo pipefail

W=${WALKTHROUGH_DIR:-$(mktemp -d)}
PORT=${PORT:-3000}
API=http://127.0.0.1:$PORT
T=Cust12345
ISSUER=${ISSUER:-node dist/apps/issuer-cli/src/main.js}
CLI=${LICENSING_CLI:-node dist/apps/cli/src/main.js}
START_API=${START_API:-node dist/apps/api/src/main.js}
# A JSON field of the answer on stdin: `field position`.
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

echo "== 1. The license server: a root certificate, and an owner certificate it issues"
$ISSUER create-root --cn "Walkthrough Root" --cert $W/root.pem --key $W/root.key.pem
$ISSUER issue-owner --owner SUPEROFFICE --root-cert $W/root.pem --root-key $W/root.key.pem \
  --cert $W/superoffice.pem --key $W/superoffice.key.pem

echo "== 2. A package for tenant $T: a plan (extraFlags 1) that brings user and web, and Sales intelligence with 1 seat"
cat > $W/desc.json <<JSON
{ "sequence": 1, "tenantId": "$T",
  "owner": { "name": "SUPEROFFICE", "description": "SuperOffice AS" },
  "licensee": { "companyName": "Example AS", "serialNumber": "1234567890", "databaseType": "Online" },
  "dates": { "expiration": null, "graceTo": null, "maintenanceTo": null, "adminWarningDate": null, "nextCheckDate": null },
  "modules": [
    { "name": "user", "description": "User", "tooltip": "", "version": "1", "type": 3, "number": 25, "unrestricted": false,
      "hidden": true, "extraFlags": 0, "extraInfo": "", "prerequisite": "", "sortOrder": 1 },
    { "name": "web", "description": "Web client", "tooltip": "", "version": "1", "type": 3, "number": 25, "unrestricted": false,
      "hidden": true, "extraFlags": 0, "extraInfo": "", "prerequisite": "user", "sortOrder": 2 },
    { "name": "sales-premium", "description": "Sales Premium", "tooltip": "", "version": "1", "type": 3, "number": 10,
      "unrestricted": false, "hidden": false, "extraFlags": 1, "extraInfo": "set=user,web", "prerequisite": "", "sortOrder": 10 },
    { "name": "saint", "description": "Sales intelligence", "tooltip": "", "version": "1", "type": 3, "number": 1,
      "unrestricted": false, "hidden": false, "extraFlags": 0, "extraInfo": "", "prerequisite": "", "sortOrder": 20 }
  ] }
JSON
$ISSUER sign-package --description $W/desc.json --owner-cert $W/superoffice.pem --owner-key $W/superoffice.key.pem \
  --out $W/package.json
$ISSUER check-package --package $W/package.json --trusted-root $W/root.pem

echo "== 3. The API, trusting that root (in the background; stopped when this script ends)"
export LICENSING_DATA_DIR=$W/data LICENSING_TRUSTED_ROOTS=$W/root.pem
PORT=$PORT HOST=127.0.0.1 $START_API > $W/api.log 2>&1 &
API_PID=$!
trap 'kill $API_PID 2>/dev/null || true' EXIT
curl -sf --retry 60 --retry-connrefused --retry-delay 1 -o /dev/null $API/health

echo "== 4. Activate the package (the Idempotency-Key makes a retry answer the first result)"
curl -sS -X POST $API/v1/tenants/$T/license-packages -H 'content-type: application/json' \
  -H "Idempotency-Key: 6f9619ff-8b86-4d11-b42d-00c04fc964ff" --data @$W/package.json | tee $W/activated.json; echo

echo "== 5. Assign the plan to u1: it brings user and web"
curl -sS -X POST $API/v1/tenants/$T/users/u1/licenses -H 'content-type: application/json' -d '{"module":"sales-premium"}'; echo

echo "== 6. Sales intelligence has 1 seat: u1 takes it, u2 is refused with 409 /problems/cap-exceeded"
curl -sS -X POST $API/v1/tenants/$T/users/u1/licenses -H 'content-type: application/json' -d '{"module":"saint"}'; echo
curl -sS -X POST $API/v1/tenants/$T/users/u2/licenses -H 'content-type: application/json' -d '{"module":"saint"}' \
  -w ' (HTTP %{http_code})\n'
curl -sS $API/problems/cap-exceeded; echo

echo "== 7. Record usage: a mailing service reports 1,200 e-mails sent (a repeat of the usageId never counts twice)"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ); MONTH=$(date -u +%Y-%m)
curl -sS -X POST $API/v1/tenants/$T/metered-usage -H 'content-type: application/json' \
  -d "{\"usageId\":\"mail-0001\",\"service\":\"mailing-emails\",\"quantity\":1200,\"occurredAt\":\"$NOW\"}" | tee $W/usage.json; echo
P=$(field position < $W/usage.json)

echo "== 8. The status tab and the feed, as of that position (read your writes: ?minPosition=)"
curl -sS "$API/v1/tenants/$T/status?minPosition=$P"; echo
curl -sS "$API/v1/tenants/$T/system-events?minPosition=$P"; echo

echo "== 9. The month's invoice lines for billing, as CSV"
curl -sS "$API/v1/tenants/$T/metering/$MONTH?format=csv&minPosition=$P"

echo "== 10. Operators: Prometheus metrics"
curl -sS $API/metrics | grep '^licensing_commands_total'

echo "== 11. Auditors: export the history, then verify it (chains, signatures, trust)"
$CLI audit export --tenant $T --out $W/history.ndjson
$CLI audit verify --file $W/history.ndjson | tee $W/verify.json
test "$(field ok < $W/verify.json)" = true
curl -sS $API/v1/tenants/$T/audit/verify | field ok
