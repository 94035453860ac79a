/**
 * Behind a trusted proxy (TRUST_PROXY), the client IP of REST requests and of /live handshakes is
 * taken from X-Forwarded-For the same way, so each client behind the proxy has its own limits.
 */
import { io, Socket } from 'socket.io-client';
import { expectApiError } from '../support/api-errors';
import { startApp, TestApp } from '../support/app';

function connectAs(baseUrl: string, forwardedFor: string): Promise<Socket> {
  const socket = io(`${baseUrl}/live`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { 'x-forwarded-for': forwardedFor },
  });
  return new Promise((done, fail) => {
    socket.once('connect', () => done(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      fail(error);
    });
  });
}

describe('client IPs behind a trusted proxy', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({
      name: 'ratelimit_proxy',
      env: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_READ_MAX: '1', LIVE_CONNECTIONS_PER_IP: '1' },
    });
    expect((await t.http.put('/v1/boards/px', {})).status).toBe(201);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('gives each forwarded client its own read window', async () => {
    const as = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await t.http.get('/v1/boards/px/top', as('203.0.113.1'))).status).toBe(200);
    expectApiError(await t.http.get('/v1/boards/px/top', as('203.0.113.1')), 429, 'RATE_LIMITED');
    expect((await t.http.get('/v1/boards/px/top', as('203.0.113.2'))).status).toBe(200);
    // The proxy's own address is not the client: a request without the header is another one.
    expect((await t.http.get('/v1/boards/px/top')).status).toBe(200);
  });

  it('limits an IPv6 client by its /64, so rotating addresses inside it does not help', async () => {
    const as = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await t.http.get('/v1/boards/px/top', as('2001:db8:7:1::1'))).status).toBe(200);
    const sameNetwork = as('2001:db8:7:1:ffff:ffff:ffff:2');
    expectApiError(await t.http.get('/v1/boards/px/top', sameNetwork), 429, 'RATE_LIMITED');
    expect((await t.http.get('/v1/boards/px/top', as('2001:db8:7:2::1'))).status).toBe(200);
  });

  it('counts open /live sockets per forwarded client', async () => {
    sockets.push(await connectAs(t.baseUrl, '203.0.113.1'));
    sockets.push(await connectAs(t.baseUrl, '203.0.113.2'));
    await expect(connectAs(t.baseUrl, '203.0.113.1')).rejects.toThrow('websocket error');
  });
});
