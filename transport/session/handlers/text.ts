// Text Request in full feature phase (RFC 7143 §11.10, §11.11; SendTargets, Appendix C): requests
// continued over several PDUs, answers sent in parts the initiator fetches with empty requests.
import { MAX_FFP_TEXT_RESPONSE, MAX_NEGOTIATION_TEXT, MAX_TEXT_RESPONSE } from '../../limits.js';
import { sendTargets } from '../../discovery.js';
import { iscsiNameProblem } from '../../login/iscsi-name.js';
import { KEYS, LOGIN_DECLARATIONS } from '../../login/keys.js';
import { splitText } from '../../login/text-parts.js';
import { encodeTextPairs, parseTextPairs, type TextPair } from '../../login/text-pairs.js';
import type { RawPdu } from '../../pdu/framer.js';
import { RejectReason, RESERVED_TAG } from '../../pdu/opcodes.js';
import { decodeTextRequest, encodeTextResponse } from '../../pdu/text.js';
import type { SessionContext } from '../session-context.js';
import type { TextReply } from '../text-exchange.js';

export function handleText(s: SessionContext, raw: RawPdu): void {
  const pdu = decodeTextRequest(raw.bhs);
  const run = (): void => {
    const text = s.text;
    const reply = text.reply;
    if (reply && pdu.itt === reply.itt && pdu.ttt === reply.ttt) {
      // RFC 7143 §11.10: the initiator asks for the next part with an empty request.
      if (raw.dataLength > 0) {
        text.reply = undefined;
        return s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
      }
      return sendTextPart(s, reply);
    }
    // A new request ends an unfinished answer; a TTT we never gave out is an invalid field.
    text.reply = undefined;
    if (pdu.ttt !== RESERVED_TAG && text.parts.length === 0) {
      return s.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
    }
    text.bytes += raw.dataLength;
    if (text.bytes > MAX_NEGOTIATION_TEXT) {
      text.clearRequest();
      return s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
    }
    for (const part of raw.data) text.parts.push(Buffer.from(part));
    if (pdu.continued) {
      // RFC 7143 §11.10.2: more text follows; answer empty with a TTT to continue on.
      const ttt = s.allocateTtt();
      const empty = { final: false, itt: pdu.itt, ttt, dataSegmentLength: 0 };
      s.io.send(encodeTextResponse({ ...empty, ...s.advancing() }), []);
      return;
    }
    const request = Buffer.concat(text.parts);
    text.clearRequest();
    const parsed = parseTextPairs(request);
    if (!parsed.ok) return s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
    const answer = answerText(s, parsed.pairs);
    const data = encodeTextPairs(answer.pairs);
    // RFC 7143 §6.10: a Text Request may be answered with a Reject, a negotiation failure. We do
    // so when no key of it can be honoured (all NotUnderstood or Reject), and for an answer
    // beyond MAX_TEXT_RESPONSE. libiscsi ends the connection on any Text Response key other
    // than TargetName/TargetAddress but keeps it on a Reject (docs/interop.md).
    if ((!answer.honoured && parsed.pairs.length > 0) || data.length > MAX_TEXT_RESPONSE) {
      return s.reject(RejectReason.PROTOCOL_ERROR, raw.bhs);
    }
    const limit = Math.min(s.params.initiatorMaxRecvDataSegmentLength, MAX_FFP_TEXT_RESPONSE);
    const parts = splitText(data, limit);
    const ttt = parts.length > 1 ? s.allocateTtt() : RESERVED_TAG;
    sendTextPart(s, { itt: pdu.itt, ttt, parts });
  };
  if (pdu.immediate) run();
  else s.window.order(pdu.cmdSN, run);
}

/** One part of an answer: C and F=0 with our TTT while more follows, F=1 on the last. */
function sendTextPart(s: SessionContext, reply: TextReply): void {
  const part = reply.parts.shift() ?? Buffer.alloc(0);
  const last = reply.parts.length === 0;
  s.text.reply = last ? undefined : reply;
  const ttt = last ? RESERVED_TAG : reply.ttt;
  s.io.send(
    encodeTextResponse({
      final: last,
      continued: !last,
      itt: reply.itt,
      ttt,
      dataSegmentLength: part.length,
      ...s.advancing(),
    }),
    part.length > 0 ? [part] : [],
  );
}

/**
 * FFP text keys: SendTargets; login-only keys -> Reject; anything else -> NotUnderstood.
 * `honoured`: at least one key got a real answer.
 */
function answerText(
  s: SessionContext,
  pairs: readonly TextPair[],
): { pairs: TextPair[]; honoured: boolean } {
  const answers: TextPair[] = [];
  let honoured = false;
  for (const [key, value] of pairs) {
    if (key === 'SendTargets') {
      if (value !== 'All' && value !== '' && iscsiNameProblem(value) !== undefined) {
        answers.push([key, 'Reject']);
        continue;
      }
      const answer = sendTargets(value, {
        kind: s.kind,
        initiatorName: s.initiatorName,
        ownTarget: s.target,
        targets: s.env.targets(),
        portal: s.io.portal,
        maxBytes: MAX_TEXT_RESPONSE,
      });
      if (answer.ok) answers.push(...answer.pairs);
      else answers.push([key, 'Reject']);
      honoured ||= answer.ok;
    } else if (KEYS.has(key) || LOGIN_DECLARATIONS.has(key)) {
      answers.push([key, 'Reject']);
    } else {
      answers.push([key, 'NotUnderstood']);
    }
  }
  return { pairs: answers, honoured };
}
