# The ATA face of SATA LUs (SAT-4, ACS-4, ZAC) through open-iscsi, then raw ZAC commands and the
# zoned block layer on the host-managed LU. Env: LUN 0 host-managed (HM geometry), LUN 1
# host-aware (HA_MAX_OPEN), LUN 2 non-zoned, all with interface sata; attach.sh attached LUN 0.
# Sourced after sata-lib.sh.
# shellcheck shell=dash

ata_face ata_hm "$HCTL" host-managed
HA_H=$(iscsi_lun_hctl 1) || fail ata_ha.attach "LUN 1 did not appear"
[ -z "$HA_H" ] || ata_face ata_ha "$HA_H" host-aware
NZ_H=$(iscsi_lun_hctl 2) || fail ata_none.attach "LUN 2 did not appear"
[ -z "$NZ_H" ] || ata_face ata_none "$NZ_H" none

# --- ZAC through raw ATA PASS-THROUGH on the host-managed LU -------------------------------------
DEV=/dev/$SD
SGDEV=/dev/$SG
ZB=$((ZONE_SECTORS * 512 / LBS))
PB=$((PBS / LBS))
S0=$NR_CONV
zstart() { echo $((($1) * ZB)); }
zone_cond() {
  blkzone report -o $((($1) * ZONE_SECTORS)) -c 1 "$DEV" 2>/dev/null |
    sed -n 's/.*zcond: *[0-9]*(\([a-z]*\)).*/\1/p'
}
check zac.reset_all_first blkzone reset "$DEV"

# le32 FILE OFFSET: a little-endian dword of the file, in decimal.
le32() {
  _b=$(hexof "$1" "$2" 4)
  printf '%d' "0x$(echo "$_b" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')"
}
# The CDBs below: REPORT ZONES EXT of one 512-byte block, ZAC MANAGEMENT OUT, READ/WRITE DMA EXT.
report_ext() { ata16 $DMA $DMA_IN "$1" 1 "$2" 0x4a; }   # report_ext OPTIONS<<8 LOCATOR
zac_out() { ata16 $NONDATA 0 "$1" 0 "$2" 0x9f; }         # zac_out ACTION|ALL<<8 ZONE_ID
write_dma() { ata16 $DMA $DMA_OUT 0 "$2" "$1" 0x35; }    # write_dma LBA SECTORS
read_dma() { ata16 $DMA $DMA_IN 0 "$2" "$1" 0x25; }      # read_dma LBA SECTORS

check zac.report_zones_ext sg_raw -r 512 -o /tmp/rz "$SGDEV" $(report_ext 0 0)
expect_eq zac.report_zones_ext.list_length $((NR_ZONES * 64)) "$(le32 /tmp/rz 0)"
expect_eq zac.report_zones_ext.max_lba $((NR_ZONES * ZB - 1)) "$(le32 /tmp/rz 8)"
check zac.report_zones_ext.locator \
  sg_raw -r 512 -o /tmp/rzl "$SGDEV" $(report_ext 0 "$(zstart $S0)")
expect_eq zac.report_zones_ext.first_seq_start "$(zstart $S0)" "$(le32 /tmp/rzl $((64 + 16)))"
expect_eq zac.report_zones_ext.first_seq_type 02 "$(hexof /tmp/rzl 64 1)"
check zac.report_zones_ext.partial_empty sg_raw -r 512 -o /tmp/rze "$SGDEV" $(report_ext 0x8100 0)
expect_eq zac.report_zones_ext.partial_list_length $((7 * 64)) "$(le32 /tmp/rze 0)"

expect_sense zac.open good "$SGDEV" $(zac_out 0x03 "$(zstart $S0)")
expect_eq zac.open.condition oe "$(zone_cond $S0)"
expect_sense zac.close good "$SGDEV" $(zac_out 0x01 "$(zstart $S0)")
expect_eq zac.close.condition em "$(zone_cond $S0)"
expect_sense zac.finish good "$SGDEV" $(zac_out 0x02 "$(zstart $((S0 + 1)))")
expect_eq zac.finish.condition fu "$(zone_cond $((S0 + 1)))"
i=0
while [ $i -lt "$MAX_OPEN" ]; do
  sg_raw "$SGDEV" $(zac_out 0x03 "$(zstart $((S0 + 2 + i)))") >/dev/null 2>&1
  i=$((i + 1))
done
expect_eq zac.open_beyond_limit "7/55/0E err=04 st=53" \
  "$(ata_fixed_outcome "$SGDEV" $(zac_out 0x03 "$(zstart $((S0 + 2 + MAX_OPEN)))"))"
expect_sense zac.reset_all good "$SGDEV" $(zac_out 0x0104 0)
expect_eq zac.reset_all.condition em "$(zone_cond $((S0 + 2)))"

dd if=/dev/urandom of=/tmp/blk bs="$PBS" count=2 2>/dev/null
expect_eq zac.write_off_wp "5/21/04 err=04 st=53" \
  "$(ata_fixed_outcome "$SGDEV" -s "$PBS" -i /tmp/blk $(write_dma $(($(zstart $S0) + PB)) "$PB"))"
# REQUEST SENSE DATA EXT with CK_COND: the pending sense in LBA(23:0) of the descriptor.
rs=$(sense_bytes "$SGDEV" $(ata16 $NONDATA $CK_COND 0 0 0 0x0b))
expect_eq zac.request_sense_data_ext "052104 50" "$(echo "$rs" | awk '{print $20 $18 $16 " " $22}')"
expect_sense zac.write_at_wp good "$SGDEV" -s "$PBS" -i /tmp/blk $(write_dma "$(zstart $S0)" "$PB")
check zac.read_dma sg_raw -r "$PBS" -o /tmp/blk.back "$SGDEV" $(read_dma "$(zstart $S0)" "$PB")
check zac.read_dma.same dd if=/tmp/blk of=/tmp/blk.first bs="$PBS" count=1 2>/dev/null
check zac.read_dma.cmp cmp /tmp/blk.first /tmp/blk.back
# ATA PASS-THROUGH (32): WRITE DMA EXT at the WP, then a refused protocol (field pointer
# byte 10: fixed sense SKSV C0h, FIELD POINTER 000Ah).
expect_sense zac.ata32.write_dma good "$SGDEV" -s "$PBS" -i /tmp/blk \
  $(ata32 $DMA $DMA_OUT 0 "$PB" $(($(zstart $S0) + PB)) 0x35)
wp=$(blkzone report -o $((S0 * ZONE_SECTORS)) -c 1 "$DEV" |
  sed -n 's/.*wptr \(0x[0-9a-f]*\).*/\1/p')
expect_eq zac.ata32.write_dma.wp $((2 * PB)) $(($(printf '%d' "$wp") * 512 / LBS))
expect_eq zac.ata32.bad_protocol "70 05 24 c0000a" \
  "$(sense_bytes "$SGDEV" $(ata32 0x01 0 0 0 0 0xe5) | awk '{print $1, $3, $13, $16 $17 $18}')"
ZX=$((S0 + 3))
check zac.fill_zone dd if=/dev/zero of="$DEV" bs="$PBS" seek=$(($(zstart $ZX) / PB)) \
  count=$((ZB / PB - 1)) oflag=direct
expect_eq zac.write_across_boundary "5/21/05 err=04 st=53" \
  "$(ata_fixed_outcome "$SGDEV" -s $((2 * PBS)) -i /tmp/blk \
    $(write_dma $(($(zstart $((ZX + 1))) - PB)) $((2 * PB))))"
expect_eq zac.check_power_mode "01001d ff 50" \
  "$(sense_bytes "$SGDEV" $(ata16 $NONDATA $CK_COND 0 0 0 0xe5) |
    awk '{print $2 $3 $4 " " $14 " " $22}')"

# --- the block layer still sees a zoned disk ---------------------------------------------------
check sata_zbd.blkzone_reset blkzone reset "$DEV"
expect_eq sata_zbd.blkzone_count "$NR_ZONES" "$(blkzone report "$DEV" | grep -c 'start:')"
check sata_zbd.fio_verify fio --name=sata --filename="$DEV" --direct=1 --ioengine=psync \
  --zonemode=zbd --rw=write --bs=128k --offset=$((S0 * ZONE_SECTORS * 512)) --size=16M \
  --verify=crc32c --do_verify=1 --output-format=terse --minimal
check sata_zbd.blkzone_reset_after blkzone reset "$DEV"
