# Zoned (host-managed) checks of issue #4 through Linux's sd/sd_zbc, blkzone, sg3_utils and fio.
# Geometry expectations come from the environment: LBS, PBS (bytes), ZONE_SECTORS (512-byte sectors),
# NR_ZONES, NR_CONV, MAX_OPEN. Sense codes are checked exactly with sg_raw -vv (SK/ASC/ASCQ).
# shellcheck shell=dash
# Sourced after attach.sh's attach_lun (SD, SG set); see run-guest.ts composeScript().
DEV=/dev/$SD
SGDEV=/dev/$SG
Q=/sys/block/$SD/queue

ZB=$((ZONE_SECTORS * 512 / LBS))        # zone length in logical blocks
PB=$((PBS / LBS))                         # logical blocks per physical block
CAP=$((NR_ZONES * ZB))                    # capacity in logical blocks
NR_SEQ=$((NR_ZONES - NR_CONV))
zstart() { echo $((($1) * ZB)); }          # first LBA of zone N
zsect() { echo $((($1) * ZONE_SECTORS)); } # first 512-byte sector of zone N
S0=$NR_CONV

# --- attach-time view of the disk (Linux sd_zbc, docs/initiators.md) ----------------------------
expect_eq sysfs.zoned host-managed "$(cat $Q/zoned)"
expect_eq sysfs.nr_zones "$NR_ZONES" "$(cat $Q/nr_zones)"
expect_eq sysfs.chunk_sectors "$ZONE_SECTORS" "$(cat $Q/chunk_sectors)"
expect_eq sysfs.max_open_zones "$MAX_OPEN" "$(cat $Q/max_open_zones)"
expect_eq sysfs.logical_block_size "$LBS" "$(cat $Q/logical_block_size)"
expect_eq sysfs.physical_block_size "$PBS" "$(cat $Q/physical_block_size)"
expect_eq sysfs.size_sectors "$((NR_ZONES * ZONE_SECTORS))" "$(cat /sys/block/$SD/size)"
expect_eq sysfs.type 20 "$(cat /sys/block/$SD/device/type)"

# VPD B6h, raw bytes: page code, length 3Ch, URSWRZ = 1, max open SWR zones (bytes 16-19).
vpd=$(sg_vpd -p zbdc -r "$SGDEV" 2>/dev/null | od -An -tu1 -v | tr -s ' \n' ' ')
set -- $vpd
expect_eq vpd.b6.page_code 182 "${2:-}"
expect_eq vpd.b6.page_length 60 "$((${3:-0} * 256 + ${4:-0}))"
expect_eq vpd.b6.urswrz 1 "$((${5:-0} & 1))"
shift 16 2>/dev/null
expect_eq vpd.b6.max_open "$MAX_OPEN" "$(( (${1:-0} << 24) + (${2:-0} << 16) + (${3:-0} << 8) + ${4:-0} ))"
check vpd.b6.decoded sg_vpd -p zbdc "$SGDEV"

last=$(sg_readcap -l "$SGDEV" 2>&1 | sed -n 's/.*Last LBA=\([0-9]*\).*/\1/p')
expect_eq readcap16.last_lba "$((CAP - 1))" "$last"

# --- blkzone ----------------------------------------------------------------------------------
zone_line() { blkzone report -o "$(zsect "$1")" -c 1 "$DEV" 2>/dev/null; }
zone_cond() { zone_line "$1" | sed -n 's/.*zcond: *[0-9]*(\([a-z]*\)).*/\1/p'; }
zone_wp() { printf '%d' "$(zone_line "$1" | sed -n 's/.*wptr \(0x[0-9a-f]*\).*/\1/p')"; } # 512-byte sectors, relative

check blkzone.reset_all blkzone reset "$DEV"
expect_eq blkzone.report.count "$NR_ZONES" "$(blkzone report "$DEV" | grep -c 'start:')"
expect_eq blkzone.report.conventional "$NR_CONV" "$(blkzone report "$DEV" | grep -c 'CONVENTIONAL')"
expect_eq blkzone.report.empty "$NR_SEQ" "$(blkzone report "$DEV" | grep -c 'zcond: *1(em)')"
expect_eq blkzone.report.first_seq_start "$(printf '0x%09x' "$(zsect $S0)")" \
  "$(zone_line $S0 | sed -n 's/.*start: \(0x[0-9a-f]*\),.*/\1/p')"

ZA=$S0
check sd.write_at_wp dd if=/dev/urandom of=/tmp/a64k bs=64k count=1
check sd.direct_write dd if=/tmp/a64k of="$DEV" bs=64k seek=$(($(zsect $ZA) / 128)) count=1 oflag=direct conv=notrunc
expect_eq blkzone.wp_after_write 128 "$(zone_wp $ZA)"
expect_eq blkzone.cond_after_write oi "$(zone_cond $ZA)"
dd if="$DEV" of=/tmp/a64k.back bs=64k skip=$(($(zsect $ZA) / 128)) count=1 iflag=direct 2>/dev/null
check sd.read_back cmp /tmp/a64k /tmp/a64k.back
check blkzone.close blkzone close -o "$(zsect $ZA)" -c 1 "$DEV"
expect_eq blkzone.cond_after_close cl "$(zone_cond $ZA)"
check blkzone.finish blkzone finish -o "$(zsect $ZA)" -c 1 "$DEV"
expect_eq blkzone.cond_after_finish fu "$(zone_cond $ZA)"
check blkzone.reset blkzone reset -o "$(zsect $ZA)" -c 1 "$DEV"
expect_eq blkzone.cond_after_reset em "$(zone_cond $ZA)"
expect_eq blkzone.wp_after_reset 0 "$(zone_wp $ZA)"
ZB1=$((S0 + 1))
check blkzone.open blkzone open -o "$(zsect $ZB1)" -c 1 "$DEV"
expect_eq blkzone.cond_after_open oe "$(zone_cond $ZB1)"
check blkzone.close_empty blkzone close -o "$(zsect $ZB1)" -c 1 "$DEV"
expect_eq blkzone.cond_after_close_empty em "$(zone_cond $ZB1)"

# --- sg_zone / sg_reset_wp ----------------------------------------------------------------------
ZC=$((S0 + 2))
check sg_zone.open sg_zone --open --zone="$(zstart $ZC)" "$SGDEV"
expect_eq sg_zone.cond_after_open oe "$(zone_cond $ZC)"
check sg_zone.close sg_zone --close --zone="$(zstart $ZC)" "$SGDEV"
expect_eq sg_zone.cond_after_close em "$(zone_cond $ZC)"
check sg_zone.finish sg_zone --finish --zone="$(zstart $ZC)" "$SGDEV"
expect_eq sg_zone.cond_after_finish fu "$(zone_cond $ZC)"
check sg_reset_wp.zone sg_reset_wp --zone="$(zstart $ZC)" "$SGDEV"
expect_eq sg_reset_wp.cond_after em "$(zone_cond $ZC)"

# --- write-pointer errors, exact sense (ZBC-2) ----------------------------------------------------
dd if=/dev/urandom of=/tmp/blk bs=$((16 * LBS)) count=1 2>/dev/null
ZD=$((S0 + 3))
D=$(zstart $ZD)
expect_sense wp.write_at_wp good "$SGDEV" -s $((PB * LBS)) -i /tmp/blk $(write16_cdb "$D" "$PB")
expect_eq wp.advanced "$((PB * LBS / 512))" "$(zone_wp $ZD)"
expect_sense wp.write_above_wp 5/21/04 "$SGDEV" -s $((PB * LBS)) -i /tmp/blk $(write16_cdb $((D + 2 * PB)) "$PB")
expect_sense wp.write_below_wp 5/21/04 "$SGDEV" -s $((PB * LBS)) -i /tmp/blk $(write16_cdb "$D" "$PB")
if [ "$PB" -gt 1 ]; then
  expect_sense wp.write_unaligned_physical 5/21/04 "$SGDEV" -s "$LBS" -i /tmp/blk $(write16_cdb $((D + PB)) 1)
else
  skip wp.write_unaligned_physical "physical block = logical block"
fi
expect_eq wp.unchanged_after_errors "$((PB * LBS / 512))" "$(zone_wp $ZD)"

ZE=$((S0 + 4))
E=$(zstart $ZE)
# Fill all but the last 4 KiB through sd (direct), then cross the zone end with 8 KiB.
check boundary.fill dd if=/dev/zero of="$DEV" bs=4096 seek=$(($(zsect $ZE) / 8)) count=$((ZONE_SECTORS / 8 - 1)) oflag=direct conv=notrunc
BW=$((8192 / LBS))
[ "$BW" -lt 1 ] && BW=1
expect_sense boundary.write_across_zone_end 5/21/05 "$SGDEV" -s $((2 * 4096)) -i /tmp/blk $(write16_cdb $((E + ZB - 4096 / LBS)) $((2 * 4096 / LBS)))
expect_eq boundary.wp_unchanged "$((ZONE_SECTORS - 8))" "$(zone_wp $ZE)"

ZF=$((S0 + 5))
F=$(zstart $ZF)
check full.finish sg_zone --finish --zone="$F" "$SGDEV"
expect_sense full.write_into_full_zone 5/24/00 "$SGDEV" -s $((PB * LBS)) -i /tmp/blk $(write16_cdb "$F" "$PB")
expect_sense range.write_beyond_capacity 5/21/00 "$SGDEV" -s $((2 * PB * LBS)) -i /tmp/blk $(write16_cdb $((CAP - PB)) $((2 * PB)))
if [ "$NR_CONV" -gt 0 ]; then
  expect_sense read.across_conventional_to_seq 5/21/07 "$SGDEV" -r $((2 * PB * LBS)) $(read16_cdb $((S0 * ZB - PB)) $((2 * PB)))
  expect_sense zone_op.on_conventional 5/24/00 "$SGDEV" 94 03 $(be64 0) 00 00 00 00 00 00
else
  skip read.across_conventional_to_seq "no conventional zone"
  skip zone_op.on_conventional "no conventional zone"
fi
expect_sense zone_op.not_zone_start 5/24/00 "$SGDEV" 94 03 $(be64 $((D + PB))) 00 00 00 00 00 00
expect_sense zone_op.beyond_capacity 5/21/00 "$SGDEV" 94 03 $(be64 "$CAP") 00 00 00 00 00 00
expect_sense read.above_wp good "$SGDEV" -r $((PB * LBS)) $(read16_cdb $((D + 4 * PB)) "$PB")

# --- REPORT ZONES options through sg_rep_zones (raw replies) -----------------------------------------
# State now: ZD and ZE implicitly open, ZF full, the rest of the sequential zones empty.
list_len() { sg_rep_zones --raw "$@" "$SGDEV" 2>/dev/null | od -An -tu1 -N4 -v | awk '{print ($1*16777216)+($2*65536)+($3*256)+$4}'; }
expect_eq rep_zones.all "$((NR_ZONES * 64))" "$(list_len --report=0)"
expect_eq rep_zones.empty "$(((NR_SEQ - 3) * 64))" "$(list_len --report=1)"
expect_eq rep_zones.implicit_open 128 "$(list_len --report=2)"
expect_eq rep_zones.explicit_open 0 "$(list_len --report=3)"
expect_eq rep_zones.closed 0 "$(list_len --report=4)"
expect_eq rep_zones.full 64 "$(list_len --report=5)"
expect_eq rep_zones.not_write_pointer "$((NR_CONV * 64))" "$(list_len --report=0x3f)"
expect_eq rep_zones.partial_truncates 64 "$(list_len --report=0 --partial --maxlen=128)"
expect_eq rep_zones.no_partial_counts_all "$((NR_ZONES * 64))" "$(list_len --report=0 --maxlen=128)"
maxlba=$(sg_rep_zones --raw --maxlen=128 "$SGDEV" 2>/dev/null | od -An -tu1 -j8 -N8 -v | awk '{v=0; for(i=1;i<=NF;i++) v=v*256+$i; print v}')
expect_eq rep_zones.max_lba "$((CAP - 1))" "$maxlba"
first=$(sg_rep_zones --raw --maxlen=128 --start=$((D + PB)) "$SGDEV" 2>/dev/null | od -An -tu1 -j80 -N8 -v | awk '{v=0; for(i=1;i<=NF;i++) v=v*256+$i; print v}')
expect_eq rep_zones.start_mid_zone "$D" "$first"
check rep_zones.decoded sg_rep_zones --num=4 "$SGDEV"

# --- open-zone resources: MAX_OPEN explicit opens, then one more fails 7/55/0E ------------------
check sg_reset_wp.all sg_reset_wp --all "$SGDEV"
expect_eq sg_reset_wp.all_empty "$NR_SEQ" "$(blkzone report "$DEV" | grep -c 'zcond: *1(em)')"
if [ "$MAX_OPEN" -gt 0 ] && [ "$MAX_OPEN" -lt "$NR_SEQ" ]; then
  i=0; ok=1
  while [ $i -lt "$MAX_OPEN" ]; do
    sg_zone --open --zone="$(zstart $((S0 + i)))" "$SGDEV" >/dev/null 2>&1 || ok=0
    i=$((i + 1))
  done
  expect_eq resources.open_max "1" "$ok"
  expect_sense resources.open_one_more 7/55/0E "$SGDEV" 94 03 $(be64 "$(zstart $((S0 + MAX_OPEN)))") 00 00 00 00 00 00
  expect_sense resources.write_implicit_open 7/55/0E "$SGDEV" -s $((PB * LBS)) -i /tmp/blk $(write16_cdb "$(zstart $((S0 + MAX_OPEN)))" "$PB")
else
  skip resources.open_max "no open limit below the sequential zone count"
fi
# Reset every zone through the block layer so sd's zone write plugs resynchronise (guide.md §6).
check blkzone.reset_all_again blkzone reset "$DEV"

# --- fio, zoned mode with verification --------------------------------------------------------------
FIO_SIZE=${FIO_SIZE:-32M}
check fio.zbd_write_verify fio --name=zbd --filename="$DEV" --direct=1 --ioengine=psync --zonemode=zbd \
  --rw=write --bs=128k --offset=$(($(zsect $S0) * 512)) --size="$FIO_SIZE" --verify=crc32c --do_verify=1 \
  --output-format=terse --minimal
check fio.zbd_randwrite_verify fio --name=zbdr --filename="$DEV" --direct=1 --ioengine=psync --zonemode=zbd \
  --rw=randwrite --bs=64k --offset=$(($(zsect $((S0 + 16))) * 512)) --size="$FIO_SIZE" --max_open_zones=4 \
  --verify=crc32c --do_verify=1 --output-format=terse --minimal
check blkzone.reset_after_fio blkzone reset "$DEV"
