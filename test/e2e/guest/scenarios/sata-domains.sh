# The ZAC-2 face of a zone domains SATA LU (LUN 2: profile zd-hybrid, interface sata, in memory,
# so fresh after domains.sh's restart) through raw ATA PASS-THROUGH(16): log 30h page 09h, REPORT
# ZONE DOMAINS / REPORT REALMS / ZONE QUERY / ZONE ACTIVATE EXT with exact little-endian bytes,
# SET FEATURES 46h/48h seen on the SCSI mode page, and errors with their ATA registers.
# Sourced after domains.sh (cmr, smr, grab, words, bytes) and sata-lib.sh (ata16, sense helpers).
# shellcheck shell=dash

set -- $(lun_sg 2)
ZSG=/dev/${1:-none}
if [ -z "${1:-}" ]; then fail ata_zd.attach "LUN 2 has no sg node"; return 0; fi
tur_until_ready "$ZSG"
tur_until_ready "$ZSG"
inq=$(sg_inq "$ZSG")
expect_eq ata_zd.inquiry "ATA ZBCTGT ZD-SMR" \
  "$(echo "$inq" | field 'Vendor identification') $(echo "$inq" | field 'Product identification')"

# le64 VALUE: the 8 bytes of a little-endian qword, as one hex string
le64() {
  printf '%016x' "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\8\7\6\5\4\3\2\1/'
}
# gplog_words FROM N: N words of sg_sat_read_gplog -HHH output from word FROM, space separated
gplog_words() {
  tr -s ' \n' '\n' | grep -E '^[0-9a-f]{4}$' | sed -n "$(($1 + 1)),$(($1 + $2))p" | words
}
zoned_info() { sg_sat_read_gplog -d -L 0x30 -p 9 -HHH "$ZSG" 2>&1; }
# zac_in FEATURE LBA PAGES: ZAC MANAGEMENT IN (DMA, EXTEND, data in, COUNT = return pages)
zac_in() { ata16 $DMA $DMA_IN "$1" "$3" "$2" 0x4a; }
# set_features SUBCOMMAND LBA: SET FEATURES, non-data, EXTEND 0 (as libzbc sends it)
set_features() { ata16 0x06 0 "$1" 0 "$2" 0xef; }
# mode_page OFFSET COUNT: bytes of MODE SENSE(10) of the Zone Domains page (0Ah/0Fh)
mode_page() {
  sg_modes -r -p 0x0a,0x0f "$ZSG" >/tmp/zmp.bin 2>/dev/null
  bytes /tmp/zmp.bin "$1" "$2"
}

# --- identity: the ATA signature (a domains drive is told by log 30h/09h, ZAC-2) ----------------
expect_eq ata_zd.signature "0000 50" \
  "$(sense_bytes "$ZSG" $(ata16 $NONDATA $CK_COND 0 0 0 0x90) | awk '{print $18 $20 " " $22}')"
zi=$(zoned_info)
expect_eq ata_zd.log30_09.zac_minor b403 "$(echo "$zi" | gplog_words 24 1)"
# ZD, ZR, URSWRZ settable, ZA control, REPORT REALMS, MAXACT settable (6Fh); MAX ACTIVATION 0
expect_eq ata_zd.log30_09.capabilities "006f 0000 0000 8000" "$(echo "$zi" | gplog_words 28 4)"
expect_eq ata_zd.log30_09.fsnoz "0001 0000 0000 8000" "$(echo "$zi" | gplog_words 32 4)"
expect_eq ata_zd.log30_09.zone_types "0015 0000 0000 8000" "$(echo "$zi" | gplog_words 36 4)"
expect_eq ata_zd.log30_09.max_open "0008 0000 0000 8000" "$(echo "$zi" | gplog_words 20 4)"

# --- SET FEATURES: one state with the Zone Domains mode page -----------------------------------
expect_sense ata_zd.set_fsnoz good "$ZSG" $(set_features 0x46 3)
expect_sense ata_zd.set_max_activation good "$ZSG" $(set_features 0x48 2)
zi=$(zoned_info)
expect_eq ata_zd.log30_09.fsnoz_set 0003 "$(echo "$zi" | gplog_words 32 1)"
expect_eq ata_zd.log30_09.max_activation_set 0002 "$(echo "$zi" | gplog_words 30 1)"
expect_eq ata_zd.mode_page.fsnoz 00000003 "$(mode_page 12 4)"
expect_eq ata_zd.mode_page.max_activation 0002 "$(mode_page 24 2)"
expect_sense ata_zd.max_activation_unlimited good "$ZSG" $(set_features 0x48 0)
expect_eq ata_zd.set_fsnoz_zero "5/24/00 err=04 st=53" \
  "$(ata_fixed_outcome "$ZSG" $(set_features 0x46 0))"
# 47h COUNT 0: URSWRZ off in log 09h (qword 8), VPD B6h and the mode page (byte 10 of the page)
urswrz() {
  echo "$(zoned_info | gplog_words 4 1)" \
    "$(sg_vpd -p zbdc "$ZSG" 2>/dev/null | grab '.*URSWRZ: *\([01]\).*')" "$(mode_page 18 1)"
}
expect_sense ata_zd.set_urswrz_off good "$ZSG" $(ata16 0x06 0 0x47 0 0 0xef)
expect_eq ata_zd.urswrz_off_both_faces "0000 0 00" "$(urswrz)"
# and in the read rule: realm 0's SWR zones are INACTIVE, their reads now refused
expect_sense ata_zd.urswrz_off_read_inactive 7/2C/12 "$ZSG" -r 4096 $(read16_cdb "$(smr 0)" 8)
expect_sense ata_zd.set_urswrz_on good "$ZSG" $(ata16 0x06 0 0x47 1 0 0xef)
expect_eq ata_zd.urswrz_on_both_faces "0001 1 01" "$(urswrz)"
expect_sense ata_zd.urswrz_on_read_inactive good "$ZSG" -r 4096 $(read16_cdb "$(smr 0)" 8)

# --- REPORT ZONE DOMAINS EXT (07h) -----------------------------------------------------------
check ata_zd.report_domains sg_raw -r 512 -o /tmp/zd.bin "$ZSG" $(zac_in 0x0007 0 1)
# list length 192 (LE), 2 supported, 2 reported, option 0, locator 0
expect_eq ata_zd.report_domains.header "c0000000 02020000000000000000000000000000" \
  "$(bytes /tmp/zd.bin 0 4) $(bytes /tmp/zd.bin 8 16)"
# RETURNED LIST LENGTH: the SCSI reply's (REPORT ZONE DOMAINS 95h/07h), little-endian
sg_raw -r 512 -o /tmp/zds.bin "$ZSG" 95 07 00 00 00 00 00 00 00 00 00 00 02 00 00 00 >/dev/null 2>&1
expect_eq ata_zd.report_domains.returned "$(bytes /tmp/zds.bin 4 4 |
  sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')" "$(bytes /tmp/zd.bin 4 4)"
# domain 1: 48 zones, LBA 42000h to A1FFFh, type SWR, flags dword at 42 = VZDZT
expect_eq ata_zd.report_domains.domain1 "01$(le64 48)$(le64 0x42000)$(le64 0xa1fff)02000200" \
  "$(bytes /tmp/zd.bin 160 1)$(bytes /tmp/zd.bin 176 28)"
check ata_zd.report_domains.option2 sg_raw -r 512 -o /tmp/zd2.bin "$ZSG" \
  $(zac_in 0x0207 "$(smr 0)" 1)
expect_eq ata_zd.report_domains.option2_header "0102$(le64 "$(smr 0)")" \
  "$(bytes /tmp/zd2.bin 9 2)$(bytes /tmp/zd2.bin 16 8)"

# --- REPORT REALMS EXT (06h) -------------------------------------------------------------------
check ata_zd.report_realms sg_raw -r 1024 -o /tmp/zr.bin "$ZSG" $(zac_in 0x0006 0 2)
# ZAC-2 header: REALMS COUNT 16, REALM DESCRIPTOR LENGTH 48, NEXT REALM LOCATOR 0
expect_eq ata_zd.report_realms.header "1000000030000000$(le64 0)" "$(bytes /tmp/zr.bin 0 16)"
# realm 8: ID, no restrictions, active domain 1, CMR 20000h-23FFFh, SMR 72000h-77FFFh
expect_eq ata_zd.report_realms.realm8 \
  "0800000000000001$(le64 0)$(le64 0x20000)$(le64 0x23fff)$(le64 0x72000)$(le64 0x77fff)" \
  "$(bytes /tmp/zr.bin 448 48)"

# --- ZONE QUERY / ZONE ACTIVATE EXT (09h / 08h): FSNOZ = 3, realm 0 to SMR (domain 1) ----------
check ata_zd.query sg_raw -r 512 -o /tmp/zq.bin "$ZSG" $(zac_in 0x0109 "$(smr 0)" 1)
# 64 descriptor bytes (all and returned), NZ VALID, domain 1, NUMBER OF ZONES 3
expect_eq ata_zd.query.header \
  "4000000040000000800001000000000003000000000000000000000000000000" "$(bytes /tmp/zq.bin 0 32)"
# 32-byte descriptors: 2 conventional zones -> INACTIVE (50h), 3 SWR zones at 42000h -> EMPTY
expect_eq ata_zd.query.desc0 "0150000000000000$(le64 2)$(le64 0)" "$(bytes /tmp/zq.bin 64 24)"
expect_eq ata_zd.query.desc1 "0210010000000000$(le64 3)$(le64 0x42000)" "$(bytes /tmp/zq.bin 96 24)"
check ata_zd.activate sg_raw -r 512 -o /tmp/za.bin "$ZSG" $(zac_in 0x0108 "$(smr 0)" 1)
expect_eq ata_zd.activate.activated 81 "$(bytes /tmp/za.bin 8 1)"
# sg_rep_zones prints the ID in hex (0x1)
expect_eq ata_zd.activate.scsi_face_realm0 0x1 \
  "$(sg_rep_zones --realm "$ZSG" 2>/dev/null | grab '.*Active zone domain id=\([0-9a-fx]*\).*' |
    head -n 1)"
expect_eq ata_zd.activate.scsi_face_inactive "Inactive" \
  "$(sg_rep_zones --start=0 --num=1 "$ZSG" 2>/dev/null |
    grab '.*Zone condition: \(Inactive\).*')"

# An SWR zone of realm 8 written: deactivating it (FSNOZ 2 zones to domain 0) is NOT EMPTY, ZIWUP.
expect_sense ata_zd.write_swr good "$ZSG" -s 4096 -i /tmp/d4k $(write16_cdb "$(smr 8)" 8)
expect_sense ata_zd.set_fsnoz_2 good "$ZSG" $(set_features 0x46 2)
for op in 09 08; do
  sg_raw -r 512 -o /tmp/zn.bin "$ZSG" $(zac_in 0x00$op "$(cmr 8)" 1) >/dev/null 2>&1
  expect_eq "ata_zd.not_empty_$op" "c002$(le64 "$(smr 8)")" \
    "$(bytes /tmp/zn.bin 8 2)$(bytes /tmp/zn.bin 24 8)"
done

# --- CDB-level errors: the SCSI path's sense plus ERROR/STATUS ---------------------------------
expect_eq ata_zd.bad_domain "5/24/00 err=04 st=53" \
  "$(ata_fixed_outcome "$ZSG" -r 512 $(zac_in 0x0208 "$(smr 2)" 1))"
expect_eq ata_zd.zone_id_past_end "5/21/00 err=14 st=53" \
  "$(ata_fixed_outcome "$ZSG" -r 512 $(zac_in 0x0108 $((81 * ZB)) 1))"
expect_eq ata_zd.nozsrc_unsupported "B/00/00 err=04 st=53" \
  "$(ata_fixed_outcome "$ZSG" -r 512 $(zac_in 0x0128 "$(smr 2)" 1))"
expect_eq ata_zd.realms_gap_locator "5/21/09 err=04 st=53" \
  "$(ata_fixed_outcome "$ZSG" -r 512 $(zac_in 0x0006 $((32 * ZB)) 1))"
