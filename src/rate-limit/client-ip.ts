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
 * The rate-limit subject of a client address: the address itself (IPv4-mapped IPv6 as IPv4), or
 * `ip:unknown` for anything that is not an address (a forged X-Forwarded-For entry behind a
 * trusted proxy), so keys never carry client-chosen text.
 */
export function ipSubject(ip: string | undefined): string {
  const mapped = ip && /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  return address && isIP(address) !== 0 ? `ip:${address.toLowerCase()}` : 'ip:unknown';
}
