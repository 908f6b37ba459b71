// The text state of one session (RFC 7143 §11.10, §11.11): a request being received, an answer
// being sent in parts. handlers/text.ts runs the exchange; Session owns the state.

/** A Text Response being sent in parts: its ITT, our TTT and the parts not sent yet. */
export interface TextReply {
  readonly itt: number;
  readonly ttt: number;
  readonly parts: Buffer[];
}

/** The text state of one session: a request being received, an answer being sent. */
export class TextExchange {
  parts: Buffer[] = [];
  bytes = 0;
  /** The rest of a long Text Response, fetched by empty requests echoing its TTT (§11.11). */
  reply: TextReply | undefined;

  clearRequest(): void {
    this.parts = [];
    this.bytes = 0;
  }
}
