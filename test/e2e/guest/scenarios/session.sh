# iSCSI session life cycle with open-iscsi: SendTargets discovery, login without and with CHAP (a
# wrong secret must fail), direct I/O, logout and re-login, and a target restart while logged in.
# Env: PORTAL IQN (file-backed target), CHAP_PORTAL CHAP_IQN CHAP_USER CHAP_SECRET.
# shellcheck shell=dash

sessions() { ls -d /sys/class/iscsi_session/session* 2>/dev/null | wc -l; }

# --- discovery and plain login ------------------------------------------------------------------
disc=$(iscsiadm -m discovery -t sendtargets -p "$PORTAL" 2>&1)
case "$disc" in
  *"$IQN"*) pass discovery.sendtargets ;;
  *) fail discovery.sendtargets "IQN $IQN not in: $(echo "$disc" | oneline)" ;;
esac
iscsi_node_new "$PORTAL" "$IQN"
iscsiadm -m node -T "$IQN" -p "$PORTAL" -o update -n node.session.timeo.replacement_timeout -v 90 >/dev/null
check login.plain iscsi_login "$PORTAL" "$IQN"
expect_eq login.one_session 1 "$(sessions)"
h=$(iscsi_lun_hctl 0) && pass login.lun_visible || fail login.lun_visible "LUN 0 did not appear"
set -- $(dev_of_hctl "$h")
SD=$1; SG=$2
tur_until_ready "/dev/$SG"
ZT=$(cat /sys/block/$SD/queue/zoned 2>/dev/null)
note "LUN 0 is $SD/$SG, zoned=$ZT"

# --- direct I/O write and read-back (conventional zone at LBA 0 on a zoned LUN) -------------------
dd if=/dev/urandom of=/tmp/data1m bs=1M count=1 2>/dev/null
check io.direct_write dd if=/tmp/data1m of=/dev/$SD bs=1M count=1 oflag=direct conv=notrunc,fsync
dd if=/dev/$SD of=/tmp/back1m bs=1M count=1 iflag=direct 2>/dev/null
check io.read_back cmp /tmp/data1m /tmp/back1m

# --- logout and re-login ------------------------------------------------------------------------
check logout.plain iscsi_logout "$PORTAL" "$IQN"
expect_eq logout.no_session 0 "$(sessions)"
check relogin.plain iscsi_login "$PORTAL" "$IQN"
h=$(iscsi_lun_hctl 0) && pass relogin.lun_visible || fail relogin.lun_visible "LUN 0 did not appear"
set -- $(dev_of_hctl "$h")
SD=$1; SG=$2
tur_until_ready "/dev/$SG"
dd if=/dev/$SD of=/tmp/back1m bs=1M count=1 iflag=direct 2>/dev/null
check relogin.data_intact cmp /tmp/data1m /tmp/back1m

# --- target restart while logged in --------------------------------------------------------------
if [ "$(cat /sys/block/$SD/queue/zoned)" = host-managed ]; then
  SEQ=$(blkzone report /dev/$SD 2>/dev/null | grep -m1 SEQ_WRITE_REQUIRED | sed -n 's/.*start: \(0x[0-9a-f]*\),.*/\1/p')
  SEQ=$(printf '%d' "${SEQ:-0}")
  blkzone reset -o "$SEQ" -c 1 /dev/$SD >/dev/null 2>&1
  check restart.seq_write dd if=/tmp/data1m of=/dev/$SD bs=64k count=2 seek=$((SEQ / 128)) oflag=direct conv=notrunc,fsync
fi
dd if=/dev/urandom of=/tmp/data2 bs=1M count=1 2>/dev/null
check restart.write_before dd if=/tmp/data2 of=/dev/$SD bs=1M count=1 seek=1 oflag=direct conv=notrunc,fsync
echo "@@RESTART_TARGET"
read -r ack </dev/ttyS0
note "host says: $ack"
dd if=/dev/$SD of=/tmp/back2 bs=1M count=1 skip=1 iflag=direct 2>/tmp/dd.err
check restart.data_intact cmp /tmp/data2 /tmp/back2
expect_eq restart.session_kept 1 "$(sessions)"
if [ -n "${SEQ:-}" ]; then
  wp=$(blkzone report -o "$SEQ" -c 1 /dev/$SD | sed -n 's/.*wptr \(0x[0-9a-f]*\).*/\1/p')
  expect_eq restart.wp_persisted 256 "$(printf '%d' "${wp:-0}")"
fi
check restart.write_after dd if=/tmp/data1m of=/dev/$SD bs=1M count=1 seek=2 oflag=direct conv=notrunc,fsync

# --- target crash (SIGKILL) while logged in: what SYNCHRONIZE CACHE made durable survives -----------
if [ -n "${SEQ:-}" ]; then
  check crash.seq_write dd if=/tmp/data1m of=/dev/$SD bs=64k count=1 seek=$((SEQ / 128 + 2)) oflag=direct conv=notrunc,fsync
fi
dd if=/dev/urandom of=/tmp/data3 bs=1M count=1 2>/dev/null
check crash.write_before dd if=/tmp/data3 of=/dev/$SD bs=1M count=1 seek=3 oflag=direct conv=notrunc,fsync
echo "@@CRASH_TARGET"
read -r ack </dev/ttyS0
note "host says: $ack"
dd if=/dev/$SD of=/tmp/back3 bs=1M count=1 skip=3 iflag=direct 2>/dev/null
check crash.synced_data_intact cmp /tmp/data3 /tmp/back3
dd if=/dev/$SD of=/tmp/back2 bs=1M count=1 skip=1 iflag=direct 2>/dev/null
check crash.older_data_intact cmp /tmp/data2 /tmp/back2
expect_eq crash.session_kept 1 "$(sessions)"
if [ -n "${SEQ:-}" ]; then
  wp=$(blkzone report -o "$SEQ" -c 1 /dev/$SD | sed -n 's/.*wptr \(0x[0-9a-f]*\).*/\1/p')
  expect_eq crash.synced_wp_persisted 384 "$(printf '%d' "${wp:-0}")"
fi
check crash.logout iscsi_logout "$PORTAL" "$IQN"

# --- CHAP ---------------------------------------------------------------------------------------
iscsi_node_new "$CHAP_PORTAL" "$CHAP_IQN" "$CHAP_USER" "$CHAP_SECRET"
check chap.login iscsi_login "$CHAP_PORTAL" "$CHAP_IQN"
expect_eq chap.one_session 1 "$(sessions)"
check chap.logout iscsi_logout "$CHAP_PORTAL" "$CHAP_IQN"
iscsi_node_new "$CHAP_PORTAL" "$CHAP_IQN" "$CHAP_USER" "wrong-${CHAP_SECRET}"
check_fails chap.wrong_secret_refused iscsi_login "$CHAP_PORTAL" "$CHAP_IQN"
expect_eq chap.no_session_after_wrong_secret 0 "$(sessions)"
iscsi_node_new "$CHAP_PORTAL" "$CHAP_IQN"
check_fails chap.no_credentials_refused iscsi_login "$CHAP_PORTAL" "$CHAP_IQN"
expect_eq chap.no_session_without_credentials 0 "$(sessions)"

# --- header and data digests (CRC32C, RFC 7143 §13.1): padded Data-In and 1 MiB both ways ---------
iscsi_node_new "$PORTAL" "$IQN"
for key in HeaderDigest DataDigest; do
  iscsiadm -m node -T "$IQN" -p "$PORTAL" -o update -n "node.conn[0].iscsi.$key" -v CRC32C >/dev/null
done
check digest.login iscsi_login "$PORTAL" "$IQN"
neg=$(iscsiadm -m session -P 2 2>/dev/null | grep -E 'HeaderDigest|DataDigest' | oneline)
case "$neg" in
  *"HeaderDigest: CRC32C"*"DataDigest: CRC32C"*) pass digest.negotiated ;;
  *) fail digest.negotiated "not CRC32C both: $neg" ;;
esac
h=$(iscsi_lun_hctl 0) && pass digest.lun_visible || fail digest.lun_visible "LUN 0 did not appear"
set -- $(dev_of_hctl "$h")
SD=$1; SG=$2
tur_until_ready "/dev/$SG"
# 37 bytes of INQUIRY data: a segment with 3 pad bytes under the data digest
check digest.padded_data_in sg_inq --len=37 "/dev/$SG"
dd if=/dev/urandom of=/tmp/data5 bs=1M count=1 2>/dev/null
check digest.write dd if=/tmp/data5 of=/dev/$SD bs=1M count=1 seek=3 oflag=direct conv=notrunc,fsync
dd if=/dev/$SD of=/tmp/back5 bs=1M count=1 skip=3 iflag=direct 2>/dev/null
check digest.read_back cmp /tmp/data5 /tmp/back5
expect_eq digest.one_session 1 "$(sessions)"
check digest.logout iscsi_logout "$PORTAL" "$IQN"
