# Zone domains and realms (ZBC-2) through open-iscsi and sg3_utils 1.48. Env: PORTAL IQN; LUN 0 and
# LUN 1 are profile zd-hybrid (16 realms; domain 0 = 2 conventional zones per realm, zones 0-31;
# GAP zone 32; domain 1 = 3 SWR zones per realm, zones 33-80; 4 MiB zones of 8192 512-byte blocks;
# realms 0-7 start CMR, 8-15 SMR). LUN 0 speaks libzbc's ZONE ACTIVATE layout, LUN 1 zbc2r12's.
# shellcheck shell=dash
ZB=8192
cmr() { echo $((2 * $1 * ZB)); }        # first LBA of realm N's CMR range
smr() { echo $(((33 + 3 * $1) * ZB)); } # first LBA of realm N's SMR range
hex48() { printf '%012x' "$1" | sed 's/../& /g; s/ $//'; }
# field NAME: the value of sg3_utils' "NAME=V" (decimal or 0x hex) lines, in decimal, one a line
field() {
  sed -n "s/.*$1=\(0x[0-9a-fA-F]*\|[0-9]*\).*/\1/p" | while read -r v; do printf '%d\n' "$v"; done
}
# grab SED_RE: the first group of SED_RE on every line that matches
grab() { sed -n "s/$1/\1/p"; }
# words: the lines joined by single spaces
words() { tr '\n' ' ' | sed 's/ $//'; }
# bytes FILE OFFSET COUNT: the bytes as one hex string
bytes() { od -An -tx1 -j "$2" -N "$3" -v "$1" | tr -d ' \n'; }

# lun_sg LUN: the sg device of that LUN (sd may refuse the disk; the sg node is what we use)
lun_sg() {
  _i=0
  while [ $_i -lt 100 ]; do
    for _d in /sys/class/iscsi_session/session*/device/target*/*:*:*:"$1"; do
      _g=$(ls "$_d/scsi_generic" 2>/dev/null | head -n 1)
      if [ -n "$_g" ]; then echo "$_g $(ls "$_d/block" 2>/dev/null | head -n 1)"; return 0; fi
    done
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}

# zact QUERY(0/1) DOMAIN LBA NZ OUT: libzbc ZONE ACTIVATE(16)/QUERY(16), ZSRC = 1, results to OUT
zact() {
  sg_raw -r 1024 -o "$5" "$SGDEV" 95 0$((8 + $1)) $(printf '%02x' $((0x40 | $2))) $(hex48 "$3") \
    00 00 04 00 \
    $(printf '%02x %02x' $(($4 >> 8)) $(($4 & 255))) 00 >/dev/null 2>&1
}

# --- attach -------------------------------------------------------------------------------------
iscsi_node_new "$PORTAL" "$IQN" "" ""
out=$(iscsi_login "$PORTAL" "$IQN") || fail attach.login "$(echo "$out" | oneline)"
set -- $(lun_sg 0)
SG=${1:-}; SD=${2:-}
SGDEV=/dev/$SG
if [ -z "$SG" ]; then fail attach.sg "LUN 0 has no sg node"; finish; exit 1; fi
pass attach.sg
tur_until_ready "$SGDEV"
tur_until_ready "$SGDEV"
expect_eq attach.type 20 "$(cat /sys/class/scsi_generic/$SG/device/type)"
# What Linux makes of the block device (INACTIVE zones fail sd_zbc's revalidation): recorded only.
B=/sys/block/${SD:-none}
note "sd: ${SD:-none}, size $(cat $B/size 2>/dev/null || echo -)," \
  "zoned $(cat $B/queue/zoned 2>/dev/null || echo -)"
dmesg | grep -i -E 'zbc|zone' | tail -n 5 | while read -r l; do note "dmesg: $l"; done

# --- identity and reports -----------------------------------------------------------------------
vpd=$(sg_vpd -p zbdc "$SGDEV" 2>&1)
expect_eq vpd.zbdc.extension 2 \
  "$(echo "$vpd" | grab '.*extension: *\(0x[0-9a-f]*\).*' | head -n 1 | xargs printf '%d')"
expect_eq vpd.zbdc.aaorb 1 "$(echo "$vpd" | grab '.*AAORB: *\([01]\).*')"
# sg_vpd 1.48 prints the model's name in its JSON output only.
case "$(sg_vpd -p zbdc -j "$SGDEV" 2>&1)" in
  *"Domains and realms zoned block device model"*) pass vpd.zbdc.named_domains_and_realms ;;
  *) fail vpd.zbdc.named_domains_and_realms "$(sg_vpd -p zbdc -j "$SGDEV" 2>&1 | oneline)" ;;
esac

dom=$(sg_rep_zones --domain "$SGDEV" 2>&1)
expect_eq domains.reported 2 "$(echo "$dom" | field 'Zone domains reported')"
expect_eq domains.types "0x1 0x2" \
  "$(echo "$dom" | grab '.*Zone domain zone type=\(0x[0-9a-f]*\).*' | words)"

realms=$(sg_rep_zones --realm "$SGDEV" 2>&1)
expect_eq realms.count 16 "$(echo "$realms" | field 'Realms count')"
expect_eq realms.listed 16 "$(echo "$realms" | grep -c 'Realm id=')"

inactive() { sg_rep_zones --report=8 "$1" 2>/dev/null | grep -c 'Zone condition: Inactive'; }
expect_eq rep_zones.report8_inactive 40 "$(inactive "$SGDEV")"
stats=$(sg_rep_zones --statistics "$SGDEV" 2>&1)
expect_eq rep_zones.statistics_inactive 40 \
  "$(echo "$stats" | grab '^Number of inactive condition zones: \([0-9]*\).*' | head -n 1)"
expect_eq rep_zones.statistics_gap 1 \
  "$(echo "$stats" | grab '^Number of gap type zones: \([0-9]*\).*')"
expect_eq rep_zones.report3e_all_but_gap 80 \
  "$(sg_rep_zones --report=0x3e "$SGDEV" 2>/dev/null | grep -c 'Zone condition')"

check mode.sg_modes sg_modes -p 0x0a,0x0f "$SGDEV"
sg_modes -r -p 0x0a,0x0f "$SGDEV" >/tmp/mp.bin 2>/dev/null
# 8-byte header, no block descriptor, then 4Ah 0Fh, page length 10h, FSNOZ 1, URSWRZ 1.
expect_eq mode.page_bytes 4a0f00100000000100000100 "$(bytes /tmp/mp.bin 8 12)"

# --- ZONE ACTIVATE / ZONE QUERY (libzbc layout) with exact results -------------------------------
zact 1 1 "$(smr 0)" 3 /tmp/q.bin && pass query.realm0_smr || fail query.realm0_smr "sg_raw failed"
# 48 descriptor bytes (both), NZ VALID only, domain 1, ZSRC echo, 3 zones;
# descriptors: 2 CONV zones -> INACTIVE, 3 SWR -> EMPTY
expect_eq query.header "000000300000003080000100020000000000000300000000" "$(bytes /tmp/q.bin 0 24)"
expect_eq query.desc0 "015000000000000000000000000000020000000000000000" "$(bytes /tmp/q.bin 64 24)"
expect_eq query.desc1 "021001000000000000000000000000030000000000042000" "$(bytes /tmp/q.bin 88 24)"
expect_eq query.no_change 40 "$(inactive "$SGDEV")"

zact 0 1 "$(smr 0)" 3 /tmp/a.bin && pass activate.realm0_smr || fail activate.realm0_smr "sg_raw"
expect_eq activate.header 000000300000003081000100020000000000000300000000 \
  "$(bytes /tmp/a.bin 0 24)"
expect_eq activate.inactive_after 39 "$(inactive "$SGDEV")"
realm_domains() { sg_rep_zones --realm "$SGDEV" 2>/dev/null | field 'Active zone domain id'; }
expect_eq activate.realm0_domain 1 "$(realm_domains | head -n 1)"

# An SWR zone of realm 8 written: deactivating it is refused with NOT EMPTY and its LBA as ZIWUP.
dd if=/dev/urandom of=/tmp/d4k bs=4k count=1 2>/dev/null
expect_sense rules.write_swr good "$SGDEV" -s 4096 -i /tmp/d4k $(write16_cdb "$(smr 8)" 8)
zact 1 0 "$(cmr 8)" 2 /tmp/n.bin
# bytes 8-9 (0xc0: NZ and ZIWUP valid; 02h: not empty) and the 48-bit ZIWUP
status() { echo "$(bytes "$1" 8 2)$(bytes "$1" 24 6)"; }
expect_eq query.not_empty_ziwup "c002$(printf '%012x' "$(smr 8)")" "$(status /tmp/n.bin)"
zact 0 0 "$(cmr 8)" 2 /tmp/n2.bin
expect_eq activate.not_empty_refused "c002" "$(bytes /tmp/n2.bin 8 2)"
zact 0 1 "$(smr 1)" 2 /tmp/al.bin
expect_eq activate.realm_alignment "c004$(printf '%012x' "$(smr 1)")" "$(status /tmp/al.bin)"

expect_sense activate.bad_domain 5/24/00 "$SGDEV" -r 1024 95 08 42 $(hex48 0) 00 00 04 00 00 02 00
expect_sense activate.zone_id_past_end 5/21/00 "$SGDEV" -r 1024 \
  95 08 41 $(hex48 $((81 * ZB))) 00 00 04 00 00 03 00
expect_sense activate.zero_zones 5/24/00 "$SGDEV" -r 1024 \
  95 08 41 $(hex48 "$(smr 2)") 00 00 04 00 00 00 00
# ZONE ACTIVATE(32), libzbc's 7Fh F800h form: realm 1 to SMR
expect_sense activate.cdb32 good "$SGDEV" -r 1024 7f 00 00 00 00 00 00 18 f8 00 40 01 \
  $(be64 "$(smr 1)") 00 00 00 03 00 00 00 00 00 00 04 00

# --- zone rules ---------------------------------------------------------------------------------
expect_sense rules.write_inactive 7/2C/12 "$SGDEV" -s 4096 -i /tmp/d4k $(write16_cdb "$(cmr 0)" 8)
expect_sense rules.open_inactive_swr 7/2C/12 "$SGDEV" 94 03 $(be64 "$(smr 2)") 00 00 00 00 00 00
expect_sense rules.open_inactive_conv 5/24/00 "$SGDEV" 94 03 $(be64 "$(cmr 9)") 00 00 00 00 00 00
expect_sense rules.open_gap 5/21/09 "$SGDEV" 94 03 $(be64 $((32 * ZB))) 00 00 00 00 00 00
expect_sense rules.write_gap 5/21/09 "$SGDEV" -s 4096 -i /tmp/d4k $(write16_cdb $((32 * ZB)) 8)
expect_sense rules.read_cross_domain 5/21/07 "$SGDEV" -r 8192 $(read16_cdb $((32 * ZB - 8)) 16)

# --- crash (SIGKILL) and restart: the activations are durable ---------------------------------
echo "@@CRASH_TARGET"
read -r ack </dev/ttyS0
note "host says: $ack"
# The session comes back by itself; its first commands get the unit attentions of the restart.
for _i in $(seq 1 40); do sg_turs "$SGDEV" >/dev/null 2>&1 && break; sleep 0.5; done
tur_until_ready "$SGDEV"
for _i in 1 2 3; do
  rr=$(sg_rep_zones --realm "$SGDEV" 2>&1) && break
  note "sg_rep_zones: $(echo "$rr" | oneline)"
  sleep 1
done
expect_eq restart.realm_domains "1 1 0" \
  "$(echo "$rr" | field 'Active zone domain id' | head -n 3 | words)"
expect_eq restart.inactive 38 "$(inactive "$SGDEV")"
expect_sense restart.write_activated_swr good "$SGDEV" -s 4096 -i /tmp/d4k \
  $(write16_cdb "$(smr 0)" 8)

# --- LUN 1: the zbc2r12 layout, through sg_z_act_query ------------------------------------------
set -- $(lun_sg 1)
SG1=/dev/${1:-none}
tur_until_ready "$SG1"
tur_until_ready "$SG1"
zq=$(sg_z_act_query --query --zone="$(smr 2)" --num=3 "$SG1" 2>&1)
expect_eq zbc2r12.query_nz_valid 1 "$(echo "$zq" | grab '.*Nz_valid=\([01]\).*')"
expect_eq zbc2r12.query_descriptors 2 "$(echo "$zq" | grep -c 'Zone activation descriptor')"
za=$(sg_z_act_query --activate --zone="$(smr 2)" --num=3 "$SG1" 2>&1)
expect_eq zbc2r12.activated 1 "$(echo "$za" | grab '.*Activated=\([01]\).*')"
zz=$(sg_z_act_query --activate --zone="$(smr 2)" --num=3 "$SG1" 2>&1)
valid=$(echo "$zz" | grab '.*Ziwup_valid=\([01]\).*')
ziwup="$valid $(echo "$zz" | grab '.*prerequisite: \(0x[0-9a-f]*\).*')"
expect_eq zbc2r12.not_inactive "1 $(printf '0x%x' "$(smr 2)")" "$ziwup"
