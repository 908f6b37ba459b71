// pcap framing of a TCP byte stream: the file header, and one record per segment with synthetic
// Ethernet II, IPv4 (RFC 791) and TCP (RFC 9293) headers. Pure encoders: the caller keeps the
// per-direction sequence numbers.

/** LINKTYPE_ETHERNET; the classic microsecond pcap format (magic a1b2c3d4, version 2.4). */
export function pcapFileHeader(snaplen = 262_144): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(snaplen, 16);
  b.writeUInt32LE(1, 20);
  return b;
}

export interface Endpoint {
  /** IPv4 address as four bytes. */
  readonly ip: readonly [number, number, number, number];
  readonly port: number;
}

export const TcpFlag = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 } as const;

export interface Segment {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly payload: Buffer;
  /** Capture time in microseconds since the epoch. */
  readonly timeUs: number;
}

const ETH = 14;
const IP = 20;
const TCP = 20;
/** The largest TCP payload one IPv4 packet carries (total length is 16 bits). */
export const MAX_SEGMENT_PAYLOAD = 65_535 - IP - TCP;

function ipChecksum(b: Buffer, at: number): number {
  let sum = 0;
  for (let i = 0; i < IP; i += 2) sum += b.readUInt16BE(at + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The record header plus link, IP and TCP headers of one segment (payload not included). */
export function segmentHeaders(s: Segment, ipId: number): Buffer {
  const frame = ETH + IP + TCP + s.payload.length;
  const b = Buffer.alloc(16 + ETH + IP + TCP);
  b.writeUInt32LE(Math.floor(s.timeUs / 1e6), 0);
  b.writeUInt32LE(s.timeUs % 1e6, 4);
  b.writeUInt32LE(frame, 8);
  b.writeUInt32LE(frame, 12);
  let at = 16;
  // Ethernet II: locally administered MACs derived from the last address byte, EtherType IPv4.
  b.set([0x02, 0, 0, 0, 0, s.to.ip[3]], at);
  b.set([0x02, 0, 0, 0, 0, s.from.ip[3]], at + 6);
  b.writeUInt16BE(0x0800, at + 12);
  at += ETH;
  b[at] = 0x45;
  b.writeUInt16BE(IP + TCP + s.payload.length, at + 2);
  b.writeUInt16BE(ipId & 0xffff, at + 4);
  b.writeUInt16BE(0x4000, at + 6); // DF
  b[at + 8] = 64;
  b[at + 9] = 6; // TCP
  b.set(s.from.ip, at + 12);
  b.set(s.to.ip, at + 16);
  b.writeUInt16BE(ipChecksum(b, at), at + 10);
  at += IP;
  b.writeUInt16BE(s.from.port, at);
  b.writeUInt16BE(s.to.port, at + 2);
  b.writeUInt32BE(s.seq >>> 0, at + 4);
  b.writeUInt32BE(s.ack >>> 0, at + 8);
  b[at + 12] = (TCP / 4) << 4;
  b[at + 13] = s.flags;
  b.writeUInt16BE(0xffff, at + 14); // window; the checksum stays 0 (not verified by default)
  return b;
}
