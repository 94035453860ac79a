import type { IncomingMessage } from 'node:http';
import { clientIpResolver, ipSubject } from './client-ip';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    connection: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('clientIpResolver (Fastify trustProxy semantics for /live)', () => {
  const proxied = request('10.0.0.1', '203.0.113.9, 198.51.100.7');

  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIpResolver(false)(proxied)).toBe('10.0.0.1');
    expect(clientIpResolver(0)(proxied)).toBe('10.0.0.1');
  });

  it('takes the furthest address when every proxy is trusted', () => {
    expect(clientIpResolver(true)(proxied)).toBe('203.0.113.9');
  });

  it('walks back a number of hops, or through the listed proxies only', () => {
    expect(clientIpResolver(1)(proxied)).toBe('198.51.100.7');
    expect(clientIpResolver(2)(proxied)).toBe('203.0.113.9');
    expect(clientIpResolver(['10.0.0.0/8'])(proxied)).toBe('198.51.100.7');
    expect(clientIpResolver(['10.0.0.0/8', '198.51.100.7'])(proxied)).toBe('203.0.113.9');
    expect(clientIpResolver(['192.168.0.1'])(proxied)).toBe('10.0.0.1');
  });
});

describe('ipSubject', () => {
  it('names a client by its address, IPv4-mapped IPv6 as IPv4', () => {
    expect(ipSubject('127.0.0.1')).toBe('ip:127.0.0.1');
    expect(ipSubject('::ffff:127.0.0.1')).toBe('ip:127.0.0.1');
    expect(ipSubject('2001:DB8::1')).toBe('ip:2001:db8::1');
  });

  it('never lets text that is not an address into a key', () => {
    for (const junk of ['', undefined, 'x}{evil', '1.2.3.4:80', 'unknown']) {
      expect(ipSubject(junk)).toBe('ip:unknown');
    }
  });
});
