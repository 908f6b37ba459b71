# A non-zoned (or host-aware, PDT 0) LUN seen as an ordinary disk: type 0, queue/zoned none,
# size from READ CAPACITY, random direct I/O read back. Env: PLAIN_SECTORS (expected size).
# shellcheck shell=dash
ph=$(wait_for_scsi_type 0 60) && pass plain.visible || fail plain.visible "no type-0 disk appeared"
set -- $(dev_of_hctl "$ph")
PSD=$1
PSG=$2
tur_until_ready "/dev/$PSG"
expect_eq plain.zoned none "$(cat /sys/block/$PSD/queue/zoned 2>/dev/null)"
expect_eq plain.size_sectors "$PLAIN_SECTORS" "$(cat /sys/block/$PSD/size 2>/dev/null)"
dd if=/dev/urandom of=/tmp/p1m bs=1M count=1 2>/dev/null
check plain.random_write dd if=/tmp/p1m of=/dev/$PSD bs=4k seek=12345 count=256 oflag=direct conv=notrunc,fsync
dd if=/dev/$PSD of=/tmp/p1m.back bs=4k skip=12345 count=256 iflag=direct 2>/dev/null
check plain.read_back cmp /tmp/p1m /tmp/p1m.back
check plain.fio_verify fio --name=plain --filename=/dev/$PSD --direct=1 --ioengine=psync --rw=randwrite --bs=16k \
  --size=16M --verify=crc32c --do_verify=1 --output-format=terse --minimal
