# Attaches the LUN under test and sets SD / SG (device names) from the environment:
#   MODE=scsi_debug  loads Linux's scsi_debug with SCSI_DEBUG_PARAMS (the reference model)
#   MODE=iscsi       logs in with open-iscsi to PORTAL / IQN (LUN defaults to 0)
#   MODE=libiscsi    QEMU attached the LUN itself (virtio-scsi); waits for the device of TYPE
# shellcheck shell=dash

attach_lun() {
  case "$MODE" in
    scsi_debug)
      # shellcheck disable=SC2086
      modprobe scsi_debug $SCSI_DEBUG_PARAMS || { fail attach.scsi_debug "modprobe failed"; return 1; }
      _h=$(wait_for_scsi_type "${TYPE:-20}" 20) || { fail attach.scsi_debug "no device of type ${TYPE:-20}"; return 1; }
      ;;
    iscsi)
      iscsi_node_new "$PORTAL" "$IQN" "${CHAP_USER:-}" "${CHAP_SECRET:-}"
      _out=$(iscsi_login "$PORTAL" "$IQN") || { fail attach.login "$(echo "$_out" | oneline)"; return 1; }
      _h=$(iscsi_lun_hctl "${LUN:-0}") || { fail attach.login "LUN ${LUN:-0} did not appear"; return 1; }
      ;;
    libiscsi)
      _h=$(wait_for_scsi_type "${TYPE:-20}" 60) || { fail attach.libiscsi "no device of type ${TYPE:-20} from QEMU's iSCSI driver"; return 1; }
      ;;
    *)
      fail attach "unknown MODE '$MODE'"; return 1 ;;
  esac
  # shellcheck disable=SC2046
  set -- $(dev_of_hctl "$_h")
  SD=$1
  SG=$2
  HCTL=$_h
  tur_until_ready "/dev/$SG"
  tur_until_ready "/dev/$SG"
  note "attached $HCTL as $SD / $SG (mode $MODE)"
  [ -n "$SD" ] && [ -n "$SG" ]
}
