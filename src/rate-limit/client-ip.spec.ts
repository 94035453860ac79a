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
  });

  it('names an IPv6 client by its /64, whatever the notation', () => {
    expect(ipSubject('2001:DB8::1')).toBe('ip:2001:db8:0:0::/64');
    expect(ipSubject('2001:db8:0:0:ffff:1:2:3')).toBe('ip:2001:db8:0:0::/64');
    expect(ipSubject('2001:0db8:00aa:0001:0:0:0:1')).toBe('ip:2001:db8:aa:1::/64');
    expect(ipSubject('2001:db8:aa:1::')).toBe('ip:2001:db8:aa:1::/64');
    expect(ipSubject('::1')).toBe('ip:0:0:0:0::/64');
    expect(ipSubject('::')).toBe('ip:0:0:0:0::/64');
    expect(ipSubject('fe80::1%eth0')).toBe('ip:fe80:0:0:0::/64');
    expect(ipSubject('64:ff9b::1.2.3.4')).toBe('ip:64:ff9b:0:0::/64');
    expect(ipSubject('1:2:3:4:5:6:1.2.3.4')).toBe('ip:1:2:3:4::/64');
    expect(ipSubject('2001:db8:aa:1:ffff::9')).toBe(ipSubject('2001:db8:aa:1::8'));
    expect(ipSubject('2001:db8:aa:2::8')).not.toBe(ipSubject('2001:db8:aa:1::8'));
  });

  it('never lets text that is not an address into a key', () => {
    for (const junk of ['', undefined, 'x}{evil', '1.2.3.4:80', 'unknown']) {
      expect(ipSubject(junk)).toBe('ip:unknown');
    }
  });
});
