// Logout Request (RFC 7143 §11.14): closing our only connection closes the session (ERL 0).
import type { RawPdu } from '../../pdu/framer.js';
import { decodeLogoutRequest, LogoutReason } from '../../pdu/logout-request.js';
import { encodeLogoutResponse, LogoutResponse } from '../../pdu/logout-response.js';
import { RejectReason } from '../../pdu/opcodes.js';
import type { SessionContext } from '../session-context.js';

export function handleLogout(s: SessionContext, raw: RawPdu): void {
  const pdu = decodeLogoutRequest(raw.bhs);
  const respond = (response: LogoutResponse): void => {
    const times = { time2Wait: 0, time2Retain: 0 };
    s.io.send(encodeLogoutResponse({ itt: pdu.itt, response, ...times, ...s.advancing() }));
  };
  const run = (): void => {
    if (pdu.reason === LogoutReason.REMOVE_FOR_RECOVERY) {
      return respond(LogoutResponse.RECOVERY_NOT_SUPPORTED);
    }
    if (pdu.reason !== LogoutReason.CLOSE_SESSION && pdu.reason !== LogoutReason.CLOSE_CONNECTION) {
      return s.reject(RejectReason.INVALID_PDU_FIELD, raw.bhs);
    }
    // Pending tasks end without responses.
    s.terminateTasks(() => true);
    respond(LogoutResponse.SUCCESS);
    s.end();
    s.io.finishLogout();
  };
  if (pdu.immediate) run();
  else s.window.order(pdu.cmdSN, run);
}
