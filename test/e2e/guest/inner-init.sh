#!/bin/busybox sh
# /init of the nested mode's inner guest: a zoned disk handed down by the outer guest's QEMU
# (virtio-scsi scsi-block, or zoned virtio-blk). Runs /scenario/inner.sh between markers.
export PATH=/usr/sbin:/usr/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
dmesg -n 1
for m in virtio_pci virtio_scsi virtio_blk sd_mod sg crc32c_generic; do modprobe -q "$m" 2>/dev/null; done
[ -f /scenario/env ] && . /scenario/env
echo "===== BEGIN INNER ====="
(cd /scenario && /bin/sh /scenario/inner.sh </dev/null 2>&1)
echo "===== END INNER rc=$? ====="
sync
poweroff -f
