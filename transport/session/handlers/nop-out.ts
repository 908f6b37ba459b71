// NOP-Out (RFC 7143 §11.18): an initiator ping is echoed (Ping Data cut to the initiator's
// MaxRecvDataSegmentLength); an answer to our ping goes to the session's NopPing.
import type { RawPdu } from '../../pdu/framer.js';
import { encodeNopIn } from '../../pdu/nop-in.js';
import { decodeNopOut } from '../../pdu/nop-out.js';
import { RejectReason, RESERVED_TAG } from '../../pdu/opcodes.js';
import type { SessionContext } from '../session-context.js';

export function handleNopOut(s: SessionContext, raw: RawPdu): void {
  const pdu = decodeNopOut(raw.bhs);
  if (pdu.itt === RESERVED_TAG) {
    // Answer to a target ping (or a bare window probe): must be immediate, gets no response.
    if (!pdu.immediate) s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
    else if (pdu.ttt !== RESERVED_TAG) s.ping.answered(pdu.ttt);
    return;
  }
  const echo = (): void => {
    const length = Math.min(raw.dataLength, s.params.initiatorMaxRecvDataSegmentLength);
    s.io.send(
      encodeNopIn({
        itt: pdu.itt,
        ttt: RESERVED_TAG,
        lunBytes: pdu.lunBytes,
        dataSegmentLength: length,
        ...s.advancing(),
      }),
      length === raw.dataLength ? raw.data : leadingViews(raw.data, length),
    );
  };
  if (pdu.immediate) echo();
  else s.window.order(pdu.cmdSN, echo);
}

/** The first `bytes` bytes of a list of views, as views. */
function leadingViews(views: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let left = bytes;
  for (const view of views) {
    if (left === 0) break;
    const part = view.length <= left ? view : view.subarray(0, left);
    out.push(part);
    left -= part.length;
  }
  return out;
}
