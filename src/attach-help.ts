// The lines main.ts prints at start: two machine-readable ones (target names, then the portal,
// parsed by test/helpers/target-process.ts) and copy-paste attach commands for each initiator.
import type { ResolvedConfig } from './config.js';
import { formatSize } from './sizes.js';
import { SEGMENT_BYTES } from './storage/file-block-store.js';

/** `HOST:PORT`, IPv6 in brackets (RFC 3986 authority form, also what iscsiadm -p takes). */
export function portal(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function describeLun(l: ResolvedConfig['targets'][number]['luns'][number]): string {
  const { layout: y, storage } = l;
  const bytes = y.capacityBlocks * y.blockSize;
  const extra = Math.ceil(bytes / SEGMENT_BYTES) - 1;
  const where =
    storage.kind === 'file'
      ? `file ${storage.path}${extra > 0 ? ` (+${extra} segment file${extra > 1 ? 's' : ''} ${storage.path}.seg1...)` : ''}`
      : 'memory (lost at exit)';
  const size = `${formatSize(bytes)}, ${y.blockSize}/${y.physicalBlockSize}-byte blocks`;
  const face = l.interface === 'sata' ? ' SATA' : '';
  if (y.model === 'none')
    return `LUN ${l.lun}: non-zoned${face}, ${size}, ${where}${l.readOnly ? ', read-only' : ''}`;
  const gaps =
    y.zoneCapacityBlocks < y.zoneSizeBlocks
      ? `, capacity ${formatSize(y.zoneCapacityBlocks * y.blockSize)}`
      : '';
  if (y.domains !== undefined) {
    const d = y.domains;
    return (
      `LUN ${l.lun}: zone-domains${face}, ${size}, ` +
      `zones of ${formatSize(y.zoneSizeBlocks * y.blockSize)}, ` +
      `${d.realms} realms in ${d.domains.length} domains, ` +
      `ZONE ACTIVATE layout ${l.activateLayout ?? 'libzbc'}, ` +
      `max open ${y.maxOpen ?? 'unlimited'}, ${where}${l.readOnly ? ', read-only' : ''}`
    );
  }
  return (
    `LUN ${l.lun}: ${y.model}${face}, ${size}, zones of ${formatSize(y.zoneSizeBlocks * y.blockSize)}${gaps}, ` +
    `${y.conventionalZones} conventional, max open ${y.maxOpen ?? 'unlimited'}, ${where}${l.readOnly ? ', read-only' : ''}`
  );
}

/** Everything printed once the server listens. The `zbc-target:` lines are a stable interface. */
export function startupLines(config: ResolvedConfig, host: string, port: number): string[] {
  const p = portal(host, port);
  const lines: string[] = [];
  for (const t of config.targets) {
    lines.push(`zbc-target: target ${t.name}`);
    for (const l of t.luns) lines.push(`  ${describeLun(l)}`);
  }
  lines.push(`zbc-target: listening on ${p}`);
  const first = config.targets[0];
  if (first) {
    const iqn = first.name;
    const lun = first.luns[0];
    const lunNo = lun?.lun ?? 0;
    const device = lun?.layout.model === 'host-managed' ? 'scsi-generic' : 'scsi-block';
    lines.push(
      'Attach with:',
      `  open-iscsi: iscsiadm -m discovery -t st -p ${p}`,
      `              iscsiadm -m node -T ${iqn} -p ${p} --login`,
      `  libiscsi:   iscsi-inq iscsi://${p}/${iqn}/${lunNo}`,
      `              iscsi-ls iscsi://${p}`,
      `  QEMU:       -device virtio-scsi-pci,id=scsi0 -drive file=iscsi://${p}/${iqn}/${lunNo},if=none,id=d0,format=raw,cache=none ` +
        `-device ${device},drive=d0,bus=scsi0.0,channel=0,scsi-id=0,lun=0`,
    );
    if (lun?.layout.model === 'host-managed') {
      lines.push(
        '              (host-managed LUNs reach a QEMU guest only as scsi-generic; scsi-hd/scsi-block refuse PDT 14h)',
      );
    } else if (lun?.layout.model === 'none') {
      lines.push('              (a non-zoned LUN can also use -device scsi-hd,drive=d0)');
    }
    if (first.chap)
      lines.push(
        `  CHAP:       user ${first.chap.user} (set node.session.auth.* for iscsiadm; iscsi://user%password@... for libiscsi)`,
      );
  }
  return lines;
}
