# Runs in the nested mode's inner guest on DISK (sda via scsi-block, vda via zoned virtio-blk).
# Writes to zoned virtio-blk are checked by the zone report, not by dd's status alone (guide.md:
# O_DIRECT on that path was seen acting like a buffered write).
# shellcheck shell=dash
. /scenario/lib.sh
i=0
while [ ! -e /sys/block/$DISK/queue/zoned ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
if [ ! -e /sys/block/$DISK ]; then fail disk.present "no /sys/block/$DISK after 300 s: $(ls /sys/block | tr '\n' ' ')"; finish; exit 1; fi
pass disk.present
D=/dev/$DISK
expect_eq disk.zoned host-managed "$(cat /sys/block/$DISK/queue/zoned 2>/dev/null)"
expect_eq disk.nr_zones "$NR_ZONES" "$(cat /sys/block/$DISK/queue/nr_zones 2>/dev/null)"
expect_eq disk.chunk_sectors "$ZONE_SECTORS" "$(cat /sys/block/$DISK/queue/chunk_sectors 2>/dev/null)"
expect_eq report.count "$NR_ZONES" "$(blkzone report $D 2>/dev/null | grep -c 'start:')"
S=$((NR_CONV * ZONE_SECTORS))
T=$(((NR_CONV + 1) * ZONE_SECTORS))
zone_line() { blkzone report -o "$1" -c 1 $D 2>/dev/null; }
zone_cond() { zone_line "$1" | sed -n 's/.*zcond: *[0-9]*(\([a-z]*\)).*/\1/p'; }
zone_wp() { printf '%d' "$(zone_line "$1" | sed -n 's/.*wptr \(0x[0-9a-f]*\).*/\1/p')"; }
check zone.reset_all blkzone reset $D
check zone.open blkzone open -o $T -c 1 $D
expect_eq zone.cond_open oe "$(zone_cond $T)"
check zone.close blkzone close -o $T -c 1 $D
expect_eq zone.cond_closed em "$(zone_cond $T)"
check zone.finish blkzone finish -o $T -c 1 $D
expect_eq zone.cond_full fu "$(zone_cond $T)"
check zone.reset blkzone reset -o $T -c 1 $D
expect_eq zone.cond_reset em "$(zone_cond $T)"
dd if=/dev/urandom of=/tmp/d bs=64k count=1 2>/dev/null
dd if=/tmp/d of=$D bs=64k seek=$((S / 128)) count=1 oflag=direct conv=notrunc,fsync 2>/dev/null
expect_eq write.wp_moved 128 "$(zone_wp $S)"
dd if=$D of=/tmp/d.back bs=64k skip=$((S / 128)) count=1 iflag=direct 2>/dev/null
check write.read_back cmp /tmp/d /tmp/d.back
dd if=/tmp/d of=$D bs=64k seek=$((S / 128 + 8)) count=1 oflag=direct conv=notrunc,fsync 2>/dev/null
expect_eq write.above_wp_not_applied 128 "$(zone_wp $S)"
blkzone reset $D >/dev/null 2>&1
finish
