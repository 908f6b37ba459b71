# Faults injected at run time through the control API, seen by Linux (open-iscsi, sd_zbc):
# an OFFLINE zone in blkzone report and failing I/O with the ZBC sense; an unrecovered read error
# on an LBA range that fails dd and names the sector in the kernel log while the rest reads; a
# latency fault in fio's completion latency; a dropped connection that open-iscsi re-establishes.
# The host acts on "@@API METHOD PATH [JSON]" lines and answers "STATUS JSON" on one line.
# Env: IQN LUN ZONE_SECTORS NR_CONV (HM_GEOMETRY). Needs attach_lun (SD, SG).
# shellcheck shell=dash

DEV=/dev/$SD
LUN_PATH="/api/targets/$IQN/luns/${LUN:-0}"

# api METHOD PATH [JSON]: asks the host to call the control API; prints the HTTP status. The
# request goes straight to the console, as callers capture this function's output.
api() {
  echo "@@API $*" >/dev/ttyS0
  read -r _status _answer </dev/ttyS0
  echo "$_status"
}
expect_api() { _n=$1; _want=$2; shift 2; expect_eq "$_n" "$_want" "$(api "$@")"; }
sessions() { ls -d /sys/class/iscsi_session/session* 2>/dev/null | wc -l; }
kmsg_mark() { dmesg | wc -l; }
kmsg_since() { dmesg | tail -n +$(($1 + 1)); }

# --- a zone goes OFFLINE while the disk is in use -------------------------------------------------
Z=$((NR_CONV + 12))
ZS=$((Z * ZONE_SECTORS))
blkzone reset -o "$ZS" -c 1 "$DEV" >/dev/null 2>&1
check offline.write_before dd if=/dev/zero of="$DEV" bs=64k count=1 seek=$((ZS / 128)) oflag=direct conv=notrunc
expect_api offline.api 200 POST "$LUN_PATH/zones/$Z/condition" '{"condition":"offline"}'
rep=$(blkzone report -o "$ZS" -c 1 "$DEV" 2>&1)
case "$rep" in
  *"zcond:15(of)"*) pass offline.blkzone_report ;;
  *) fail offline.blkzone_report "zone $Z: $(echo "$rep" | oneline)" ;;
esac
mark=$(kmsg_mark)
check_fails offline.read_fails dd if="$DEV" of=/dev/null bs=4k count=1 skip=$((ZS / 8)) iflag=direct
check_fails offline.write_fails dd if=/dev/zero of="$DEV" bs=4k count=1 seek=$((ZS / 8 + 16)) oflag=direct conv=notrunc
expect_sense offline.read_sense 7/2C/0E "/dev/$SG" -r 4096 $(read16_cdb "$ZS" 8)
log=$(kmsg_since "$mark")
case "$log" in
  *"Zone is offline"*) pass offline.kernel_log ;;
  *) fail offline.kernel_log "no 'Zone is offline' in: $(echo "$log" | tail -n 6 | oneline)" ;;
esac
expect_api offline.back_to_normal 200 POST "$LUN_PATH/zones/$Z/condition" '{"condition":"normal"}'
check offline.read_after_normal dd if="$DEV" of=/dev/null bs=4k count=1 skip=$((ZS / 8)) iflag=direct

# --- unrecovered read error on an LBA range (a conventional zone) ---------------------------------
BAD=$((3 * ZONE_SECTORS + 1000))
expect_api medium.arm 201 POST /api/faults \
  "{\"id\":\"bad\",\"class\":\"read\",\"lba\":{\"first\":$BAD,\"last\":$((BAD + 7))},\"action\":{\"type\":\"sense\",\"preset\":\"unrecovered-read-error\"}}"
mark=$(kmsg_mark)
check_fails medium.dd_fails dd if="$DEV" of=/dev/null bs=512 count=16 skip=$((BAD - 8)) iflag=direct
log=$(kmsg_since "$mark")
case "$log" in
  *"critical medium error"*"sector $BAD "*) pass medium.kernel_names_sector ;;
  *) fail medium.kernel_names_sector "no 'critical medium error ... sector $BAD' in: $(echo "$log" | tail -n 6 | oneline)" ;;
esac
check medium.rest_reads dd if="$DEV" of=/dev/null bs=512 count=64 skip=$((BAD + 64)) iflag=direct
check medium.before_reads dd if="$DEV" of=/dev/null bs=512 count=64 skip=$((BAD - 200)) iflag=direct
expect_api medium.clear 204 DELETE /api/faults/bad
check medium.reads_after_clear dd if="$DEV" of=/dev/null bs=512 count=16 skip=$((BAD - 4)) iflag=direct

# --- added latency shows in fio's completion latency ----------------------------------------------
# Mean read completion latency in microseconds of a short fio run on conventional space.
clat_us() {
  fio --name=lat --filename="$DEV" --rw=randread --bs=4k --direct=1 --ioengine=psync --size=16M \
    --runtime=2 --time_based --output-format=json 2>/dev/null |
    awk '/"read" *:/ { r = 1 } r && /"clat_ns"/ { c = 1 } c && /"mean"/ { gsub(/[^0-9.]/, "", $3); print int($3 / 1000); exit }'
}
base=$(clat_us)
expect_api latency.arm 201 POST /api/faults '{"id":"slow","class":"read","action":{"type":"latency","ms":40}}'
slow=$(clat_us)
note "fio clat mean: ${base:-?} us without the fault, ${slow:-?} us with 40 ms added"
if [ -n "$base" ] && [ -n "$slow" ] && [ "$slow" -ge 40000 ] && [ "$slow" -ge $((base + 35000)) ]; then
  pass latency.fio_clat
else
  fail latency.fio_clat "clat mean ${base:-?} us -> ${slow:-?} us, expected +40 ms"
fi
expect_api latency.clear 204 DELETE /api/faults/slow

# --- a dropped connection is re-established by open-iscsi and I/O resumes --------------------------
dd if=/dev/urandom of=/tmp/drop64k bs=64k count=1 2>/dev/null
check drop.write_before dd if=/tmp/drop64k of="$DEV" bs=64k count=1 seek=40 oflag=direct conv=notrunc
expect_api drop.arm 201 POST /api/faults '{"id":"drop","class":"read","times":1,"action":{"type":"drop-connection"}}'
mark=$(kmsg_mark)
check drop.read_through_recovery dd if="$DEV" of=/tmp/drop-back bs=64k count=1 skip=40 iflag=direct
check drop.data_intact cmp /tmp/drop64k /tmp/drop-back
expect_eq drop.one_session 1 "$(sessions)"
log=$(kmsg_since "$mark")
case "$log" in
  *"detected conn error"*) pass drop.kernel_saw_drop ;;
  *) fail drop.kernel_saw_drop "no 'detected conn error' in: $(echo "$log" | tail -n 6 | oneline)" ;;
esac
echo "@@API GET /api/faults/drop" >/dev/ttyS0
read -r _status answer </dev/ttyS0
case "$answer" in
  *'"fired":1,'*) pass drop.fired_once ;;
  *) fail drop.fired_once "status $_status: $answer" ;;
esac
expect_api drop.clear 204 DELETE /api/faults/drop
check drop.io_after dd if="$DEV" of=/dev/null bs=64k count=16 iflag=direct
