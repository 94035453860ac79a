import type { Namespace, Socket } from 'socket.io';
import { liveMetrics } from './live.metrics';
import { rooms } from './live.types';
import { socketData } from './live-hub';

/** Above this many buffered bytes a socket gets no more diffs ("latest wins"). */
export const SLOW_BYTES = 128 * 1024;
/** Below this it is sent a snapshot of each view and diffs again. */
export const DRAINED_BYTES = 16 * 1024;
/** A socket above this, or slow for longer than STUCK_MS, is disconnected. */
export const STUCK_BYTES = 1024 * 1024;
export const STUCK_MS = 5000;

interface EngineConn {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/** Bytes queued for a socket: engine.io's write buffer plus the WebSocket's own buffer. */
export function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as EngineConn;
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const d = packet.data;
    bytes += typeof d === 'string' ? d.length : d instanceof Buffer ? d.length : 0;
  }
  return bytes;
}

/**
 * One pass over the namespace's sockets (once per tick): marks sockets slow (they leave
 * broadcasts), returns the ones that drained (they need snapshots), disconnects stuck ones.
 */
export function checkFlow(ns: Namespace, nowMs: number): Socket[] {
  const drained: Socket[] = [];
  for (const socket of ns.sockets.values()) {
    const data = socketData(socket);
    if (data.subs.size === 0 && data.slowSince === null) continue;
    const bytes = bufferedBytes(socket);
    if (data.slowSince === null) {
      if (bytes > SLOW_BYTES) {
        data.slowSince = nowMs;
        void socket.join(rooms.slow);
      }
      continue;
    }
    if (bytes > STUCK_BYTES || nowMs - data.slowSince > STUCK_MS) {
      liveMetrics.slowDisconnects.inc();
      socket.disconnect(true);
      // engine.io closes a connection only after its write buffer drains, which a stuck client
      // never lets happen: drop the WebSocket now, and with it everything buffered for it.
      (socket.conn as unknown as EngineConn).transport?.socket?.terminate?.();
    } else if (bytes < DRAINED_BYTES) {
      data.slowSince = null;
      void socket.leave(rooms.slow);
      if (data.skipped) drained.push(socket);
      data.skipped = false;
    }
  }
  return drained;
}
