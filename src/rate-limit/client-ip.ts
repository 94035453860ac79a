import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TrustProxy } from '../config/app-config';

type TrustFn = (addr: string, hop: number) => boolean;

/**
 * The client address of a raw request with Fastify's `trustProxy` semantics (Fastify's
 * lib/request.js), for /live handshakes, which never reach Fastify: off → the peer address; on →
 * the first X-Forwarded-For entry; a hop count or proxy addresses → the first untrusted hop.
 */
export function clientIpResolver(trustProxy: TrustProxy): (req: IncomingMessage) => string {
  if (trustProxy === false || trustProxy === 0) {
    return (req) => req.socket.remoteAddress ?? '';
  }
  const trust: TrustFn | undefined =
    trustProxy === true
      ? undefined
      : typeof trustProxy === 'number'
        ? (_addr, hop) => hop < trustProxy
        : proxyAddr.compile(trustProxy);
  return (req) => {
    const addrs = proxyAddr.all(req, trust);
    return addrs[addrs.length - 1] ?? '';
  };
}

/**
 * The rate-limit subject of a client address, so keys never carry client-chosen text:
 * - IPv4 (and IPv4-mapped IPv6) by the address;
 * - IPv6 by its /64 (`ip:2001:db8:0:1::/64`): a host is usually handed a whole /64, and could
 *   otherwise rotate through 2^64 addresses, each with a fresh window;
 * - `ip:unknown` for anything that is not an address (a forged X-Forwarded-For entry behind a
 *   trusted proxy).
 */
export function ipSubject(ip: string | undefined): string {
  const mapped = ip && /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const address = mapped ? mapped[1] : ip?.replace(/%.*$/, ''); // zone ids (fe80::1%eth0) dropped
  if (!address) return 'ip:unknown';
  const family = isIP(address);
  if (family === 4) return `ip:${address}`;
  if (family === 6) return `ip:${prefix64(address)}`;
  return 'ip:unknown';
}

/** The /64 network of a valid IPv6 address, canonical (lower-case, no leading zeros). */
function prefix64(address: string): string {
  const groups = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const [head, tail] = address.split('::');
  const front = groups(head);
  const full =
    tail === undefined
      ? front
      : [
          ...front,
          ...Array<string>(8 - front.length - groups(tail).length).fill('0'),
          ...groups(tail),
        ];
  return `${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
