/**
 * A raw engine.io 4 / socket.io 5 wire client for fuzzing /live: it sends frames exactly as given
 * (text or binary, malformed on purpose), which socket.io-client never would, and records what
 * the server answers. Plus fast-check generators of hostile frame sequences.
 */
import fc from 'fast-check';
import WebSocket from 'ws';

export interface RawSession {
  /** Text frames from the server after its open packet, in order. */
  received: string[];
  binaryFrames: number;
  /** WebSocket close code when the server closed the connection, else null. */
  closeCode: number | null;
}

export type Frame = string | Buffer;

/**
 * Opens `/socket.io/?EIO=4&transport=websocket`, waits for the engine.io open packet, then sends
 * the frames in order while the socket is open. After a namespace connect (`40…`) it waits for
 * the answer (40 or 44), as a real client does: the server closes a connection that sends events
 * for a namespace it has not joined yet; after other frames it waits up to 15 ms for an answer.
 * Collects answers for `settleMs`, then drops the socket.
 */
export async function rawSession(
  baseUrl: string,
  frames: Frame[],
  settleMs = 40,
): Promise<RawSession> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const session: RawSession = { received: [], binaryFrames: 0, closeCode: null };
  const texts: string[] = [];
  let wake: (() => void) | null = null;
  ws.on('message', (data, isBinary) => {
    if (isBinary) session.binaryFrames += 1;
    else texts.push((data as Buffer).toString());
    wake?.();
  });
  ws.on('close', (code) => {
    session.closeCode = code;
    wake?.();
  });
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  // Errors after the handshake (the server closing on us) are part of the session, not failures.
  ws.on('error', () => undefined);
  /** Resolves once `ready()` holds, the socket is no longer open, or `ms` have passed. */
  const until = (ready: () => boolean, ms: number) =>
    new Promise<void>((done) => {
      const stop = () => {
        clearTimeout(timer);
        wake = null;
        done();
      };
      const timer = setTimeout(stop, ms);
      wake = () => (ready() || ws.readyState !== WebSocket.OPEN ? stop() : undefined);
      wake();
    });
  await until(() => texts.length > 0, 5000);
  if (!texts[0]?.startsWith('0{')) {
    ws.terminate();
    throw new Error(`expected the engine.io open packet, got ${String(texts[0]).slice(0, 80)}`);
  }
  for (const frame of frames) {
    if (ws.readyState !== WebSocket.OPEN) break;
    const before = texts.length;
    ws.send(frame);
    if (typeof frame === 'string' && frame.startsWith('40')) {
      await until(() => texts.slice(before).some((text) => text.startsWith('4')), 2000);
    } else {
      // Gives the answer a moment, so it is read before a later frame closes the connection.
      await until(() => texts.length > before, 15);
    }
  }
  await until(() => false, settleMs);
  ws.terminate();
  session.received = texts.slice(1);
  return session;
}

const NS = '/live,';
const LIVE_EVENTS = ['board.subscribe', 'rank.subscribe', 'feed.subscribe', 'unsubscribe'];

const ackId = fc.oneof(
  fc.constant(''),
  fc.nat().map(String),
  fc.constantFrom('99999999999999999999999', '1e308', '-1', '0x1f', '007'),
);
/** Mostly the gateway's own events, so payloads reach its pipes and handlers. */
const eventName = fc.oneof(
  { arbitrary: fc.constantFrom(...LIVE_EVENTS), weight: 6 },
  {
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'connect', 'disconnect', ''),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
);
const hugeNumber = fc.constantFrom(
  '1e999',
  '-1e999',
  '9007199254740993',
  '123456789012345678901234567890',
  '1e308',
  '-0',
  '5e-324',
);
/** Arrays or objects nested up to the 4 KiB message limit. */
const deepNesting = fc
  .tuple(
    fc.oneof(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 1000, max: 1900 })),
    fc.boolean(),
  )
  .map(([depth, arrays]) => {
    if (arrays) return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = Math.floor(depth / 3);
    return `${'{"a":'.repeat(objects)}1${'}'.repeat(objects)}`;
  });
const liveishPayload = fc
  .record({
    boardId: fc.oneof(fc.constantFrom('fuzz', 'nope'), fc.string({ maxLength: 70 })),
    playerId: fc.oneof(fc.constant('p1'), fc.string({ maxLength: 70 })),
    period: fc.constantFrom('all', 'daily', 'yearly', ''),
    view: fc.oneof(
      fc.record({ type: fc.constantFrom('top', 'around', 'x'), limit: fc.integer() }),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    since: fc.jsonValue({ maxDepth: 2 }),
    subscription: fc.string({ maxLength: 300 }),
  })
  .map((p) => JSON.stringify(p));
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  liveishPayload,
  deepNesting,
  {
    arbitrary: deepNesting.map(
      (deep) => `{"boardId":"fuzz","playerId":"p1","view":{"type":"top"},"x":${deep}}`,
    ),
    weight: 3,
  },
  hugeNumber.map((n) => `{"boardId":"fuzz","view":{"type":"top","limit":${n}}}`),
  hugeNumber.map(
    (n) => `{"boardId":"fuzz","view":{"type":"top"},"since":{"epoch":"e","seq":${n}}}`,
  ),
);

/** Well-formed socket.io event (2) and ack (3) packets with odd ids, names and payloads. */
const eventPacket = fc
  .tuple(
    fc.oneof({ arbitrary: fc.constant('2'), weight: 5 }, fc.constant('3')),
    ackId,
    eventName,
    payload,
  )
  .map(([type, id, name, body]) => `4${type}${NS}${id}[${JSON.stringify(name)},${body}]`);
/** Binary event and ack types (5, 6) without the attachment count they require. */
const binaryTypeWithoutCount = fc
  .tuple(fc.constantFrom('5', '6'), eventName, payload)
  .map(([type, name, body]) => `4${type}${NS}1[${JSON.stringify(name)},${body}]`);

const truncatedPacket = eventPacket.chain((p) =>
  fc.nat({ max: p.length }).map((k) => p.slice(0, k)),
);
const invalidJson = fc
  .tuple(ackId, fc.string({ maxLength: 200 }))
  .map(([id, junk]) => `42${NS}${id}[${junk}`);
/** Any engine.io type digit, any socket.io type digit, then anything. */
const wrongTypes = fc
  .tuple(
    fc.integer({ min: 0, max: 9 }),
    fc.integer({ min: 0, max: 9 }),
    fc.string({ maxLength: 60 }),
  )
  .map(([eio, sio, rest]) => `${eio}${sio}${rest}`);
const randomText = fc.string({ unit: 'binary', maxLength: 300 });
const binaryFrame = fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes));
/** A binary event announcing attachments, with placeholders that do not match what follows. */
const attachmentPackets = fc
  .tuple(
    fc.integer({ min: -1, max: 3 }),
    fc.constantFrom('0', '1', '7', '-1', '"__proto__"', '1e999', 'null', '"x"'),
    fc.array(binaryFrame, { maxLength: 3 }),
  )
  .map(([count, num, bins]): Frame[] => [
    `45${count}-${NS}1["board.subscribe",{"_placeholder":true,"num":${num}}]`,
    ...bins,
  ]);
/** Over the 4 KiB message limit: the server closes the connection (ws 1009). */
const oversized = fc
  .integer({ min: 4 * 1024 + 1, max: 64 * 1024 })
  .map((n) => `42${NS}1["board.subscribe",{"boardId":"${'a'.repeat(n)}"}]`);

/** Mostly a plain namespace connect, so the events that follow reach the gateway. */
const connectPacket = fc.oneof(
  { arbitrary: fc.constant(`40${NS}`), weight: 8 },
  fc.jsonValue({ maxDepth: 3 }).map((auth) => `40${NS}${JSON.stringify(auth) ?? ''}`),
  fc.constantFrom('40', '40/other,', `40${NS}{"token":${'['.repeat(1500)}${']'.repeat(1500)}}`),
);

/** Frames the server answers by closing the connection: at most one, at the end of a session. */
const closingFrames: fc.Arbitrary<Frame[]> = fc.oneof(
  truncatedPacket.map((f) => [f]),
  invalidJson.map((f) => [f]),
  wrongTypes.map((f) => [f]),
  randomText.map((f) => [f]),
  binaryFrame.map((f) => [f]),
  binaryTypeWithoutCount.map((f) => [f]),
  attachmentPackets,
  oversized.map((f) => [f]),
);

/**
 * A hostile session: usually a namespace connect, then up to six well-formed packets with hostile
 * ids, names and payloads (they keep the connection open), then usually one malformed frame.
 */
export const hostileFrames: fc.Arbitrary<Frame[]> = fc
  .tuple(
    fc.option(connectPacket, { freq: 8 }),
    fc.array(eventPacket, { maxLength: 6 }),
    fc.option(closingFrames, { freq: 4 }),
  )
  .map(([connect, events, closing]) => [
    ...(connect === null ? [] : [connect]),
    ...events,
    ...(closing ?? []),
  ]);

/**
 * Parses a socket.io packet the server sent (`4<type>[/nsp,][id][json]`); throws when it is not one.
 * Engine.io packets other than messages (open 0, close 1, ping 2, …) are returned as is. An ack
 * id is echoed as the parser read it: a client's 99999999999999999999999 comes back as 1e+23.
 */
export function parseServerPacket(text: string): { type: string; data: unknown } {
  const match = /^4([0-6])(\/[^,]*,)?(\d[\d.e+]*)?([\s\S]*)$/.exec(text);
  if (!match) {
    if (!/^[0-6]/.test(text)) throw new Error(`not an engine.io packet: ${text.slice(0, 80)}`);
    return { type: `eio${text[0]}`, data: undefined };
  }
  return { type: match[1], data: match[4] === '' ? undefined : JSON.parse(match[4]) };
}
