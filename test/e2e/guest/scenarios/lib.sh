# Shared helpers for the guest scenarios (dash). One assertion per output line (guide.md §7):
#   PASS name | FAIL name: expected X, got Y | SKIP name: why ; then "N passed, M failed".
# shellcheck shell=dash

PASSED=0
FAILED=0
pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1: $2"; FAILED=$((FAILED + 1)); }
skip() { echo "SKIP $1: $2"; }
note() { echo "# $*"; }

oneline() { tr '\n' ' ' | sed 's/  */ /g' | cut -c1-300; }

# check NAME CMD...: PASS when CMD exits 0, else FAIL with the tail of its output.
check() {
  _n=$1; shift
  _out=$("$@" 2>&1); _rc=$?
  if [ $_rc -eq 0 ]; then pass "$_n"; else fail "$_n" "'$*' exit $_rc: $(echo "$_out" | tail -n 4 | oneline)"; fi
  return $_rc
}

# check_fails NAME CMD...: PASS when CMD exits non-zero.
check_fails() {
  _n=$1; shift
  _out=$("$@" 2>&1); _rc=$?
  if [ $_rc -ne 0 ]; then pass "$_n"; else fail "$_n" "'$*' succeeded, expected failure: $(echo "$_out" | tail -n 2 | oneline)"; fi
}

# expect_eq NAME EXPECTED GOT: exits non-zero on a mismatch, so a caller can add diagnostics.
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; return 1; fi
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# --- SCSI helpers -----------------------------------------------------------------------------

# Runs sg_raw -vv with the device placed after the options, prints the decoded outcome.
sg_raw_outcome() {
  _dev=$1; shift
  _opts=""
  while [ $# -gt 0 ]; do
    case $1 in
      -s|-i|-r|-o|-t|--send|--infile|--request|--outfile|--timeout) _opts="$_opts $1 $2"; shift 2 ;;
      -*) _opts="$_opts $1"; shift ;;
      *) break ;;
    esac
  done
  # shellcheck disable=SC2086
  sg_raw -vv $_opts "$_dev" "$@" 2>&1 </dev/null | awk '
    /SCSI Status: *Good/ { good = 1 }
    /Raw sense data|[Ss]ense [Bb]uffer|sense data.*hex/ { insense = 1; next }
    insense && /^[ \t]*[0-9a-fA-F]{2}[ \t]/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9a-fA-F][0-9a-fA-F]$/) b[n++] = $i
      next
    }
    insense { insense = 0 }
    END {
      if (n >= 4) {
        rc = b[0]; c = substr(rc, 2, 1); t = tolower(rc)
        if (t == "72" || t == "73") { sk = b[1]; asc = b[2]; q = b[3] }
        else if (n >= 14) { sk = b[2]; asc = b[12]; q = b[13] }
        else { print "short-sense"; exit }
        sk = substr(sk, 2, 1)
        printf "%s/%s/%s\n", toupper(sk), toupper(asc), toupper(q)
      } else if (good) print "good"
      else print "unknown"
    }'
}

# expect_sense NAME EXPECTED DEV [sg_raw options] CDB...: EXPECTED is like 5/21/04 or good.
expect_sense() {
  _n=$1; _exp=$2; shift 2
  _got=$(sg_raw_outcome "$@")
  if [ "$_got" = "$_exp" ]; then pass "$_n"; else fail "$_n" "sense $_got, expected $_exp"; fi
}

# Hex bytes of a 64-bit big-endian value, separated by spaces.
be64() { printf '%016x' "$1" | sed 's/../& /g; s/ $//'; }
be32() { printf '%08x' "$1" | sed 's/../& /g; s/ $//'; }

# CDB of WRITE(16) for LBA and block count: 8A 00 LBA(8) LEN(4) 00 00
write16_cdb() { echo "8a 00 $(be64 "$1") $(be32 "$2") 00 00"; }
read16_cdb() { echo "88 00 $(be64 "$1") $(be32 "$2") 00 00"; }

# tur_until_ready DEV: clears the unit attentions after attach/login (guide.md §6).
tur_until_ready() {
  for _i in 1 2 3 4 5; do sg_turs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

# --- device discovery (no udev in the guest: sysfs only) ---------------------------------------

# dev_of_hctl H:C:T:L -> prints "sdX sgN"
dev_of_hctl() {
  _d=/sys/bus/scsi/devices/$1
  _sd=$(ls "$_d/block" 2>/dev/null | head -n 1)
  _sg=$(ls "$_d/scsi_generic" 2>/dev/null | head -n 1)
  echo "$_sd $_sg"
}

# wait_for_scsi_type TYPE [SECONDS]: prints the H:C:T:L of the first SCSI device of that type.
wait_for_scsi_type() {
  _want=$1; _limit=$((${2:-20} * 10)); _i=0
  while [ $_i -lt $_limit ]; do
    for _d in /sys/bus/scsi/devices/*:*:*:*; do
      [ -f "$_d/type" ] || continue
      if [ "$(cat "$_d/type")" = "$_want" ] && [ -n "$(ls "$_d/scsi_generic" 2>/dev/null)" ]; then
        _h=${_d##*/}
        if [ "$_want" != 20 ] || [ -n "$(ls "$_d/block" 2>/dev/null)" ]; then echo "$_h"; return 0; fi
      fi
    done
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}

# iscsi_lun_hctl LUN: H:C:T:L of that LUN in the newest iSCSI session (waits for the scan).
iscsi_lun_hctl() {
  _i=0
  while [ $_i -lt 100 ]; do
    for _d in /sys/class/iscsi_session/session*/device/target*/*:*:*:"$1"; do
      if [ -d "$_d" ] && [ -n "$(ls "$_d/scsi_generic" 2>/dev/null)" ] && [ -n "$(ls "$_d/block" 2>/dev/null)" ]; then
        echo "${_d##*/}"; return 0
      fi
    done
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}

# iscsi_login NAME PORTAL IQN: creates the node record for the address we used (SendTargets answers
# with the target's own 127.0.0.1, guide.md §6) and logs in, with CHAP_USER/CHAP_SECRET if set.
iscsi_node_new() {
  iscsiadm -m node -o new -T "$2" -p "$1" >/dev/null 2>&1
  if [ -n "${3:-}" ]; then
    iscsiadm -m node -T "$2" -p "$1" -o update -n node.session.auth.authmethod -v CHAP >/dev/null &&
    iscsiadm -m node -T "$2" -p "$1" -o update -n node.session.auth.username -v "$3" >/dev/null &&
    iscsiadm -m node -T "$2" -p "$1" -o update -n node.session.auth.password -v "$4" >/dev/null
  else
    iscsiadm -m node -T "$2" -p "$1" -o update -n node.session.auth.authmethod -v None >/dev/null
  fi
}

iscsi_login() { iscsiadm -m node -T "$2" -p "$1" --login 2>&1; }
iscsi_logout() { iscsiadm -m node -T "$2" -p "$1" --logout 2>&1; }
