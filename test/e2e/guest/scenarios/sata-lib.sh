# Helpers for the SATA scenarios: ATA PASS-THROUGH CDBs, sense and register decoding, and
# ata_face, the checks every SATA LU passes (lsscsi, sg_inq, sg_vpd, sg3_utils' sg_sat_*, hdparm,
# smartctl, udev's ata_id). Env: MAX_OPEN, HA_MAX_OPEN (the zoned info log's open zone counts).
# shellcheck shell=dash

trim() { sed 's/ *$//'; }
# field LABEL: the value after "LABEL:" on a line of stdin (leading blanks allowed), trimmed.
field() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" | trim; }
# od of a file region as one lowercase hex string: hexof FILE OFFSET COUNT
hexof() { od -An -tx1 -v -j "$2" -N "$3" "$1" | tr -d ' \n'; }
# IDENTIFY word N of a 512-byte file, as 4 hex digits (little-endian word)
idword() { _b=$(hexof "$1" $(($2 * 2)) 2); echo "${_b#??}${_b%??}"; }
# Word N of sg_sat_read_gplog -HHH output (hex words, 8 per line, no address).
gplog_word() { tr -s ' \n' '\n' | grep -E '^[0-9a-f]{4}$' | sed -n "$(($1 + 1))p"; }

# ATA PASS-THROUGH(16) CDB: ata16 BYTE1 BYTE2 FEATURE COUNT LBA COMMAND (SAT-4 12.2.2).
ata16() {
  printf '85 %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x 40 %02x 00' "$1" "$2" \
    $(($3 >> 8 & 255)) $(($3 & 255)) $(($4 >> 8 & 255)) $(($4 & 255)) \
    $(($5 >> 24 & 255)) $(($5 & 255)) $(($5 >> 32 & 255)) $(($5 >> 8 & 255)) \
    $(($5 >> 40 & 255)) $(($5 >> 16 & 255)) "$6"
}
# ATA PASS-THROUGH(32) CDB, 7Fh/1FF0h: ata32 BYTE10 BYTE11 FEATURE COUNT LBA COMMAND
# (SAT-4 12.2.4: registers big-endian, LBA(47:0) in bytes 14-19; ICC and AUXILIARY 0).
ata32() {
  printf '7f 00 00 00 00 00 00 18 1f f0 %02x %02x 00 00 %02x %02x %02x %02x %02x %02x ' "$1" "$2" \
    $(($5 >> 40 & 255)) $(($5 >> 32 & 255)) $(($5 >> 24 & 255)) $(($5 >> 16 & 255)) \
    $(($5 >> 8 & 255)) $(($5 & 255))
  printf '%02x %02x %02x %02x 40 %02x 00 00 00 00 00 00' $(($3 >> 8 & 255)) $(($3 & 255)) \
    $(($4 >> 8 & 255)) $(($4 & 255)) "$6"
}
NONDATA=0x07   # protocol 3, EXTEND
DMA=0x0d       # protocol 6, EXTEND
DMA_IN=0x0e    # T_DIR from device, BYTE_BLOCK, T_LENGTH = COUNT
DMA_OUT=0x06
CK_COND=0x20

# Sense bytes of one sg_raw run, hex, space separated ("" when GOOD).
sense_bytes() {
  _dev=$1; shift
  _opts=""
  while [ $# -gt 0 ]; do
    case $1 in -s|-i|-r|-o) _opts="$_opts $1 $2"; shift 2 ;; *) break ;; esac
  done
  # shellcheck disable=SC2086
  sg_raw -vv $_opts "$_dev" "$@" 2>&1 </dev/null | awk '
    /Raw sense data|[Ss]ense [Bb]uffer|sense data.*hex/ { insense = 1; next }
    insense && /^[ \t]*[0-9a-fA-F]{2}[ \t]/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9a-fA-F][0-9a-fA-F]$/) printf "%s ", tolower($i)
      next
    }
    insense { insense = 0 }'
}

# "SK/ASC/ASCQ err=ERROR st=STATUS" from fixed-format ATA pass-through sense (SAT-4 12.2.2.8).
ata_fixed_outcome() {
  set -- $(sense_bytes "$@")
  [ $# -ge 14 ] || { echo "no-sense"; return; }
  printf '%X/%s/%s err=%s st=%s\n' "$((0x$3 & 15))" "$(echo "${13}" | tr a-f A-F)" \
    "$(echo "${14}" | tr a-f A-F)" "$4" "$5"
}

# ata_face PREFIX HCTL MODEL [descriptor|fixed]: the checks every SATA LU passes, whatever its
# zone model. "fixed": the HBA hands the guest fixed-format sense only (QEMU's SCSI layer converts
# all sense to fixed format with key/ASC/ASCQ), so the registers of a successful CK_COND command,
# which travel in a descriptor, do not arrive: the checks that need them are skipped.
ata_face() {
  _p=$1; _h=$2; _model=$3; _sense=${4:-descriptor}
  # shellcheck disable=SC2046
  set -- $(dev_of_hctl "$_h")
  _sd=$1; _sg=/dev/$2; _dev=/dev/$1
  tur_until_ready "$_sg"
  case $_model in
    host-managed) _type=zbc; _product='ZBCTGT HM-SMR'; _sig=01cdab ;;
    host-aware) _type=disk; _product='ZBCTGT HA-SMR'; _sig=010000 ;;
    *) _type=disk; _product='ZBCTGT DISK'; _sig=010000 ;;
  esac
  _serial=$(sg_vpd -p sn "$_sg" 2>/dev/null | field '\(Unit\|Product\) serial number')
  check "$_p.vpd80.serial" test -n "$_serial"
  _line=$(lsscsi | grep -F "[$_h]")
  expect_eq "$_p.lsscsi.vendor" ATA "$(echo "$_line" | awk '{print $3}')"
  expect_eq "$_p.lsscsi.type" "$_type" "$(echo "$_line" | awk '{print $2}')"
  expect_eq "$_p.sg_inq.vendor" ATA "$(sg_inq "$_sg" | field 'Vendor identification')"
  expect_eq "$_p.sg_inq.product" "$_product" "$(sg_inq "$_sg" | field 'Product identification')"
  check "$_p.vpd00.lists_ata_information" sh -c "sg_vpd -p 0 $_sg | grep -qi 'ATA information'"
  _ai=$(sg_vpd -p ai "$_sg" 2>&1)
  # sg3_utils 1.48 wording ("Device signature indicates SATA transport", "model: ...").
  expect_eq "$_p.vpd_ai.transport" SATA \
    "$(echo "$_ai" | sed -n 's/.*indicates \(S*ATA\) transport.*/\1/p')"
  expect_eq "$_p.vpd_ai.model" "$_product" "$(echo "$_ai" | field model)"
  expect_eq "$_p.vpd_ai.serial" "$_serial" "$(echo "$_ai" | field 'serial number')"
  sg_vpd -p ai -r "$_sg" >/tmp/$_p.vpd89 2>/dev/null
  expect_eq "$_p.vpd_ai.signature" "$_sig" "$(hexof /tmp/$_p.vpd89 40 3)"
  dd if=/tmp/$_p.vpd89 of=/tmp/$_p.id89 bs=1 skip=60 count=512 2>/dev/null

  # IDENTIFY DEVICE through ATA PASS-THROUGH (16) and (12) with CK_COND, as udev sends it.
  check "$_p.sat_identify16" sh -c "sg_sat_identify -r $_sg > /tmp/$_p.id16"
  check "$_p.sat_identify16.is_vpd89_data" cmp /tmp/$_p.id16 /tmp/$_p.id89
  if [ "$_sense" = descriptor ]; then
    check "$_p.sat_identify12_ck_cond" sh -c "sg_sat_identify -l 12 -c -r $_sg > /tmp/$_p.id12"
  else
    check "$_p.sat_identify12" sh -c "sg_sat_identify -l 12 -r $_sg > /tmp/$_p.id12"
  fi
  check "$_p.sat_identify12.same" cmp /tmp/$_p.id16 /tmp/$_p.id12
  if [ "$_sense" = descriptor ]; then
    # ATA PASS-THROUGH (32) (SAT-4 12.2.4) through the kernel's variable-length CDB path.
    check "$_p.sat_identify32" sh -c "sg_sat_identify -l 32 -r $_sg > /tmp/$_p.id32"
    check "$_p.sat_identify32.same" cmp /tmp/$_p.id16 /tmp/$_p.id32
  fi
  expect_eq "$_p.sat_identify.wwn_naa5" 5 "$(sg_sat_identify -i "$_sg" 2>/dev/null | cut -c3)"
  expect_eq "$_p.identify.zoned_caps" "$([ "$_model" = host-aware ] && echo 1 || echo 0)" \
    "$(($(printf '%d' "0x$(idword /tmp/$_p.id16 69)") & 3))"

  # General purpose logs: directory, IDENTIFY DEVICE data log page 09h, phy event counters.
  _dir=$(sg_sat_read_gplog -L 0 -HHH "$_sg" 2>&1)
  expect_eq "$_p.gplog.directory.version" 0001 "$(echo "$_dir" | gplog_word 0)"
  expect_eq "$_p.gplog.directory.log30_pages" 000a "$(echo "$_dir" | gplog_word 48)"
  expect_eq "$_p.gplog.directory.log11_pages" 0001 "$(echo "$_dir" | gplog_word 17)"
  _zi=$(sg_sat_read_gplog -d -L 0x30 -p 9 -HHH "$_sg" 2>&1)
  expect_eq "$_p.gplog.30_09.header" 8000 "$(echo "$_zi" | gplog_word 3)"
  if [ "$_model" != none ]; then
    expect_eq "$_p.gplog.30_09.urswrz" 0001 "$(echo "$_zi" | gplog_word 4)"
    expect_eq "$_p.gplog.30_09.zac_minor" 05cf "$(echo "$_zi" | gplog_word 24)"
    if [ "$_model" = host-managed ]; then _w=20; _open=$MAX_OPEN; else _w=12; _open=$HA_MAX_OPEN; fi
    expect_eq "$_p.gplog.30_09.open_zones" "$(printf '%04x' "$_open")" \
      "$(echo "$_zi" | gplog_word $_w)"
  fi
  check "$_p.gplog.read_log_12" sg_sat_read_gplog -l 12 -L 0x30 -p 2 "$_sg"
  _phy=$(sg_sat_phy_event "$_sg" 2>&1)
  expect_eq "$_p.phy_event.counters" 2 "$(echo "$_phy" | grep -c ': 0$')"

  # SET FEATURES: write cache off then on again, seen in IDENTIFY word 85 bit 5.
  check "$_p.set_features.wc_off" sg_sat_set_features -f 0x82 "$_sg"
  sg_sat_identify -r "$_sg" >/tmp/$_p.idwc 2>/dev/null
  expect_eq "$_p.set_features.word85_wc" 0 "$(($(printf '%d' "0x$(idword /tmp/$_p.idwc 85)") & 32))"
  check "$_p.set_features.wc_on" sg_sat_set_features -f 0x02 "$_sg"
  check "$_p.set_features.sense_reporting" sg_sat_set_features -f 0xc3 -c 1 "$_sg"

  # hdparm, smartctl, udev's ata_id.
  _hd=$(hdparm -I "$_dev" 2>&1)
  expect_eq "$_p.hdparm_I.model" "$_product" "$(echo "$_hd" | field 'Model Number')"
  expect_eq "$_p.hdparm_I.serial" "$_serial" "$(echo "$_hd" | field 'Serial Number')"
  if [ "$_sense" = descriptor ]; then
    expect_eq "$_p.hdparm_C" active/idle "$(hdparm -C "$_dev" 2>&1 | field 'drive state is')"
  else
    skip "$_p.hdparm_C" "CHECK POWER MODE answers in the registers, lost with fixed-format sense"
  fi
  _sm=$(smartctl -d sat -a "$_dev" 2>&1); _rc=$?
  expect_eq "$_p.smartctl.health" PASSED \
    "$(echo "$_sm" | sed -n 's/.*self-assessment test result: *//p')"
  expect_eq "$_p.smartctl.exit_status" 0 "$((_rc & 7))" || note "$(echo "$_sm" | tail -n 15)"
  # The SMART error and self-test logs a drive keeps, read as smartctl -a reads them.
  expect_eq "$_p.smartctl.error_log" 'No Errors Logged' \
    "$(echo "$_sm" | grep -o 'No Errors Logged')"
  expect_eq "$_p.smartctl.selftest_log" 'No self-tests have been logged.' \
    "$(echo "$_sm" | grep -o 'No self-tests have been logged.')"
  expect_eq "$_p.smartctl.logs_readable" '' \
    "$(echo "$_sm" | grep -i 'log not supported\|log.* failed' | head -n 3)"
  expect_eq "$_p.smartctl_sat12.model" "$_product" \
    "$(smartctl -d sat,12 -i "$_dev" 2>&1 | sed -n 's/^Device Model: *//p')"
  if [ -x /usr/lib/udev/ata_id ]; then
    _id=$(/usr/lib/udev/ata_id --export "$_dev" 2>&1)
    expect_eq "$_p.ata_id.ata" 1 "$(echo "$_id" | sed -n 's/^ID_ATA=//p')"
    expect_eq "$_p.ata_id.serial" "$_serial" "$(echo "$_id" | sed -n 's/^ID_SERIAL_SHORT=//p')"
  else
    fail "$_p.ata_id" "/usr/lib/udev/ata_id is not in the image"
  fi

  # A command the drive does not know aborts: 0B/00/00, ERROR ABRT, STATUS with ERR.
  expect_eq "$_p.unknown_command" "B/00/00 err=04 st=53" \
    "$(ata_fixed_outcome "$_sg" $(ata16 $NONDATA 0 0 0 0 0x77))"
  if [ "$_model" = none ]; then
    expect_eq "$_p.report_zones_ext_aborts" "B/00/00 err=04 st=53" \
      "$(ata_fixed_outcome "$_sg" -r 512 $(ata16 $DMA $DMA_IN 0 1 0 0x4a))"
  fi
}

