/**
 * Fault switches of one server node, flipped at run time by reliability tests:
 *
 * | switch             | effect                                                                 |
 * | ------------------ | ---------------------------------------------------------------------- |
 * | `delayMs`          | every response leaves N ms later (order kept)                          |
 * | `stopReading`      | sockets are paused: requests pile up in TCP buffers (backpressure)    |
 * | `closeAfterFrames` | a connection answers N invocations, then closes on the next one       |
 * | `closeMidFrame`    | the next response on a connection is cut in half and the socket closed |
 * | `sendGarbage`      | responses are replaced by a well-framed frame of garbage              |
 * | `sendOversized`    | responses are replaced by a length prefix of 2^31−1 (and a few bytes)  |
 * | `refuseLogins`     | logins are answered with this failure code (true = −1) and closed    |
 * | `ignorePings`      | `@Ping` is read and never answered; the socket stays open             |
 *
 * `kill()` / `restart()` on the server handle stop the node abruptly and bring it back on the
 * same port. Setting `stopReading` takes effect on open sockets at once.
 */
export interface FaultState {
  delayMs: number;
  stopReading: boolean;
  closeAfterFrames: number | null;
  closeMidFrame: boolean;
  sendGarbage: boolean;
  sendOversized: boolean;
  refuseLogins: boolean | number;
  ignorePings: boolean;
}

const DEFAULTS: FaultState = {
  delayMs: 0,
  stopReading: false,
  closeAfterFrames: null,
  closeMidFrame: false,
  sendGarbage: false,
  sendOversized: false,
  refuseLogins: false,
  ignorePings: false,
};

/** The fault switches of a running embedded server (`server.faults`), changeable at run time. */
export class Faults implements FaultState {
  private state: FaultState = { ...DEFAULTS };

  /** `onReadingChange` lets the node pause or resume its open sockets when `stopReading` flips. */
  constructor(private readonly onReadingChange: (stopped: boolean) => void = () => {}) {}

  get delayMs(): number {
    return this.state.delayMs;
  }
  set delayMs(value: number) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`delayMs must be a number ≥ 0, got ${value}`);
    this.state.delayMs = value;
  }

  get stopReading(): boolean {
    return this.state.stopReading;
  }
  set stopReading(value: boolean) {
    const changed = this.state.stopReading !== value;
    this.state.stopReading = value;
    if (changed) this.onReadingChange(value);
  }

  get closeAfterFrames(): number | null {
    return this.state.closeAfterFrames;
  }
  set closeAfterFrames(value: number | null) {
    if (value !== null && (!Number.isInteger(value) || value < 0)) throw new RangeError(`closeAfterFrames must be an integer ≥ 0 or null, got ${value}`);
    this.state.closeAfterFrames = value;
  }

  get closeMidFrame(): boolean {
    return this.state.closeMidFrame;
  }
  set closeMidFrame(value: boolean) {
    this.state.closeMidFrame = value;
  }

  get sendGarbage(): boolean {
    return this.state.sendGarbage;
  }
  set sendGarbage(value: boolean) {
    this.state.sendGarbage = value;
  }

  get sendOversized(): boolean {
    return this.state.sendOversized;
  }
  set sendOversized(value: boolean) {
    this.state.sendOversized = value;
  }

  get refuseLogins(): boolean | number {
    return this.state.refuseLogins;
  }
  set refuseLogins(value: boolean | number) {
    this.state.refuseLogins = value;
  }

  get ignorePings(): boolean {
    return this.state.ignorePings;
  }
  set ignorePings(value: boolean) {
    this.state.ignorePings = value;
  }

  /** Set several switches at once. */
  set(changes: Partial<FaultState>): void {
    for (const [key, value] of Object.entries(changes) as [keyof FaultState, never][]) this[key] = value;
  }

  /** Every switch back off. */
  reset(): void {
    this.set(DEFAULTS);
  }

  /** The login failure code to answer, or null when logins are not refused. */
  loginRefusal(): number | null {
    const refuse = this.state.refuseLogins;
    if (refuse === false) return null;
    return refuse === true ? -1 : refuse;
  }

  /** Any switch that changes what a response looks like on the wire. */
  get altersResponses(): boolean {
    return this.state.closeMidFrame || this.state.sendGarbage || this.state.sendOversized;
  }
}
