# A SATA host-managed LU that QEMU attached itself through libiscsi as scsi-generic: the guest
# sees the same ATA face (ATA PASS-THROUGH goes through QEMU untouched). Sourced after
# sata-lib.sh; attach.sh attached the LU (MODE=libiscsi).
# shellcheck shell=dash

ata_face qemu_sata "$HCTL" host-managed fixed
