// Task Management Function Request (RFC 7143 §11.5): runs in CmdSN order unless immediate;
// what a function does is transport/task-management.ts, this file wires it to the session.
import createDebug from 'debug';
import type { NexusId, ScsiTarget } from '../../../scsi/target-contract.js';
import type { RawPdu } from '../../pdu/framer.js';
import { decodeTmfRequest } from '../../pdu/tmf-request.js';
import { encodeTmfResponse } from '../../pdu/tmf-response.js';
import { runTaskManagement, type TmfHost } from '../../task-management.js';
import type { SessionContext } from '../session-context.js';

const log = createDebug('zbc:transport:session');

export function handleTaskManagement(s: SessionContext, raw: RawPdu): void {
  const pdu = decodeTmfRequest(raw.bhs);
  const run = (): void => {
    runTaskManagement(tmfHost(s), pdu).then(
      ({ response, thenCloseAll }) =>
        s.guard(() => {
          if (s.ended) return;
          s.io.send(encodeTmfResponse({ itt: pdu.itt, response, ...s.advancing() }));
          if (thenCloseAll && s.targetName) {
            // RFC 7143 §11.5.1: after the response, close every connection of every session.
            for (const other of [...s.env.sessionsOfTarget(s.targetName)]) {
              if (other !== s) other.terminate('target cold reset');
            }
            s.end();
            s.io.finishLogout();
          }
        }),
      (err: unknown) => {
        log('task management failed: %O', err);
        s.io.fail('task management failed');
      },
    );
  };
  if (pdu.immediate) run();
  else s.window.order(pdu.cmdSN, run);
}

function tmfHost(s: SessionContext): TmfHost {
  return {
    scsi: s.scsi as ScsiTarget,
    nexus: s.nexus as NexusId,
    findTask: (itt) => s.scheduler.find(itt),
    commandStillArriving: (refCmdSN, tmfCmdSN) => s.window.stillArriving(refCmdSN, tmfCmdSN),
    discardWhenArrives: (cmdSN) => s.window.discardWhenArrives(cmdSN),
    terminateOwnTasks: (match) => s.terminateTasks(match),
    terminateOtherSessionsTasks: (lun) => {
      if (!s.targetName) return;
      for (const other of s.env.sessionsOfTarget(s.targetName)) {
        if (other !== s) other.terminateTasks((t) => lun === undefined || t.lun === lun);
      }
    },
  };
}
