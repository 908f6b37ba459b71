# libiscsi 1.20's iscsi-test-cu inside the guest against the target on the host's loopback, one
# process per test under `timeout` (a hang becomes a FAIL line). Env: CU_URL (iscsi://...),
# CU_TESTS (extended regexp over the test names, default the iSCSI family), CU_TIMEOUT (seconds).
# Check names: cu.<Family>.<Suite>.<Test>.
# shellcheck shell=dash
iscsi-test-cu -l 2>/dev/null | grep -E "^${CU_TESTS:-iSCSI}\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$" >/tmp/cu.list
note "$(wc -l </tmp/cu.list) iscsi-test-cu tests"
while read -r t; do
  out=$(timeout "${CU_TIMEOUT:-20}" iscsi-test-cu -d -n -t "$t" "$CU_URL" 2>&1)
  rc=$?
  line=$(echo "$out" | awk '$1 == "tests" { print $2, $3, $4, $5 }')
  case "$line" in
    "1 1 1 0") pass "cu.$t" ;;
    *)
      if [ $rc -eq 124 ]; then fail "cu.$t" "timed out after ${CU_TIMEOUT:-20} s"
      else fail "cu.$t" "tests total/ran/passed/failed '$line': $(echo "$out" | grep -E "^ +[0-9]+\. " | head -n 3 | oneline)"; fi
      ;;
  esac
done </tmp/cu.list
