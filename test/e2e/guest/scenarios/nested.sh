# Nested mode (guide.md, "Nested guests"): the attached host-managed disk (/dev/$SD, from
# open-iscsi or scsi_debug) is handed by trixie's QEMU inside this guest to a second, small guest,
# once as virtio-scsi scsi-block and once as zoned virtio-blk. The inner guest runs
# nested-inner.sh; its lines come back prefixed with the path name (scsiblock., virtioblk.).
# Env: NR_ZONES, ZONE_SECTORS, INNER_TIMEOUT (seconds), NESTED_PATHS.
# shellcheck shell=dash

run_inner() {
  _name=$1; _disk=$2; shift 2
  rm -rf /tmp/innerrun && mkdir -p /tmp/innerrun/scenario
  cp /scenario/lib.sh /tmp/innerrun/scenario/lib.sh
  cp /scenario/nested-inner.sh /tmp/innerrun/scenario/inner.sh
  {
    echo "export DISK=$_disk NR_ZONES=$NR_ZONES ZONE_SECTORS=$ZONE_SECTORS NR_CONV=$NR_CONV PATH_NAME=$_name"
  } > /tmp/innerrun/scenario/env
  (cd /tmp/innerrun && find . | cpio -o -H newc 2>/dev/null) > /tmp/inner-run.cpio
  cat /inner/initrd.cpio /tmp/inner-run.cpio > /tmp/inner.initrd
  rm -f /tmp/inner.log
  _t0=$(date +%s)
  timeout "${INNER_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -m 384 -smp 1 -nodefaults -no-user-config \
    -display none -no-reboot -kernel /inner/vmlinuz -initrd /tmp/inner.initrd \
    -append "console=ttyS0 panic=-1 quiet loglevel=4 no_timer_check" -serial file:/tmp/inner.log "$@" </dev/null >/tmp/inner-qemu.err 2>&1
  _rc=$?
  note "$_name: inner QEMU exit $_rc after $(($(date +%s) - _t0)) s"
  tr -d '\r' </tmp/inner.log >/tmp/inner.txt
  if ! grep -q '^===== END INNER' /tmp/inner.txt; then
    fail "$_name.completed" "no END marker (qemu exit $_rc): $(tail -n 5 /tmp/inner-qemu.err /tmp/inner.txt | oneline)"
    return
  fi
  pass "$_name.completed"
  sed -n '/^===== BEGIN INNER/,/^===== END INNER/p' /tmp/inner.txt | grep -E '^(PASS|FAIL|SKIP) ' >/tmp/inner.res
  while read -r _kind _rest; do
    case $_kind in
      PASS) pass "$_name.$_rest" ;;
      FAIL) fail "$_name.${_rest%%:*}" "${_rest#*: }" ;;
      SKIP) skip "$_name.${_rest%%:*}" "${_rest#*: }" ;;
    esac
  done </tmp/inner.res
}

for p in ${NESTED_PATHS:-scsiblock virtioblk}; do
  blkzone reset "/dev/$SD" >/dev/null 2>&1
  case $p in
    scsiblock)
      run_inner scsiblock sda -device virtio-scsi-pci,id=s0 \
        -drive "file=/dev/$SD,if=none,id=d0,format=raw,cache=none" -device scsi-block,drive=d0,bus=s0.0
      ;;
    virtioblk)
      run_inner virtioblk vda -blockdev "node-name=z0,driver=host_device,filename=/dev/$SD,cache.direct=on" \
        -device virtio-blk-pci,drive=z0
      ;;
  esac
done
blkzone reset "/dev/$SD" >/dev/null 2>&1
