#!/bin/busybox sh
# /init of the test guest (guide.md §4): mount the pseudo file systems, load the modules,
# configure user-mode networking (host loopback = 10.0.2.2), start iscsid, run /scenario/script.sh
# between markers and power off. Per-run files (/scenario/*) come from a second cpio archive.
export PATH=/usr/sbin:/usr/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /tmp /run /var/lock /run/lock/iscsi /mnt
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/lock/iscsi
# Keep kernel messages off the console so they cannot split a result line (guide.md §7).
dmesg -n 1
[ -f /etc/ld.so.libpath ] && export LD_LIBRARY_PATH="$(cat /etc/ld.so.libpath)"

for m in virtio_pci virtio_net virtio_scsi virtio_blk sd_mod sg crc32c_generic iscsi_tcp; do
  modprobe -q "$m" 2>/dev/null
done

ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e /sys/class/net/eth0 ]; then
  ip addr add 10.0.2.15/24 dev eth0
  ip link set eth0 up
fi

[ -f /scenario/env ] && . /scenario/env
echo "InitiatorName=${INITIATOR_NAME:-iqn.2026-11.dev.zbc-target.guest:initiator}" > /etc/iscsi/initiatorname.iscsi
if [ "${START_ISCSID:-1}" = 1 ]; then
  iscsid >/tmp/iscsid.log 2>&1
fi

echo "===== BEGIN SCRIPT ====="
if [ -f /scenario/script.sh ]; then
  (cd /scenario && /bin/sh /scenario/script.sh </dev/null 2>&1)
  rc=$?
else
  echo "no /scenario/script.sh"
  rc=127
fi
echo "===== END SCRIPT rc=$rc ====="
if [ "${SHOW_DMESG:-0}" = 1 ]; then
  echo "===== BEGIN DMESG ====="
  dmesg | tail -n 200
  echo "===== END DMESG ====="
fi
sync
poweroff -f
