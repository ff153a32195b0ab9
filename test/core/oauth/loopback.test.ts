// The loopback redirect listener as a browser meets it: one callback, state checked, a close-this-window
// page, the port closed afterwards, and a clear error for every way the redirect can go wrong.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackRedirect, type LoopbackRedirect } from '../../../electron/core/oauth/loopback';
import { expectFailure, expectKind, failureOf } from './oauth-expect';
import { isClosed } from '../../peers/oauth-peer';

const STATE = 'the-state-we-sent';
const open: LoopbackRedirect[] = [];

async function start(timeoutMs = 5_000, signal?: AbortSignal): Promise<LoopbackRedirect> {
  const loopback = await startLoopbackRedirect({ state: STATE, timeoutMs, ...(signal ? { signal } : {}) });
  open.push(loopback);
  return loopback;
}

function callback(loopback: LoopbackRedirect, query: Record<string, string>): Promise<Response> {
  return fetch(`${loopback.redirectUri}?${new URLSearchParams(query).toString()}`);
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

describe('startLoopbackRedirect', () => {
  it('listens on 127.0.0.1 at a random port and hands over the code of the one callback', async () => {
    const loopback = await start();
    expect(loopback.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const code = loopback.waitForCode();
    const res = await callback(loopback, { code: 'the-code', state: STATE });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('You can close this window and return to Outbox');
    expect(page).not.toMatch(/<script|<img|<link|https?:/);
    expect(await code).toBe('the-code');
    expect(await isClosed(loopback.redirectUri)).toBe(true);
  });

  it('ignores other paths such as the favicon and keeps waiting for the callback', async () => {
    const loopback = await start();
    const favicon = await fetch(new URL('/favicon.ico', loopback.redirectUri));
    expect(favicon.status).toBe(404);
    await callback(loopback, { code: 'late-code', state: STATE });
    expect(await loopback.waitForCode()).toBe('late-code');
  });

  it('answers an unparseable request line with 400 without crashing or ending the wait', async () => {
    const loopback = await start();
    const port = Number(new URL(loopback.redirectUri).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end('GET http://[not-a-host/callback HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await callback(loopback, { code: 'still-ok', state: STATE });
    expect(await loopback.waitForCode()).toBe('still-ok');
  });

  it('refuses a callback with the wrong state, says so on the page and closes', async () => {
    const loopback = await start();
    const res = await callback(loopback, { code: 'stolen', state: 'someone-elses' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('different sign-in');
    await expectFailure(loopback.waitForCode(), 'state-mismatch');
    expect(await isClosed(loopback.redirectUri)).toBe(true);
  });

  it('reports access_denied as a declined sign-in with the provider words kept', async () => {
    const loopback = await start();
    await callback(loopback, { error: 'access_denied', error_description: 'The user said no', state: STATE });
    const error = await failureOf(loopback.waitForCode());
    expectKind(error, 'denied');
    expect((error as { reply?: string }).reply).toBe('access_denied: The user said no');
  });

  it('reports another provider error as a provider error', async () => {
    const loopback = await start();
    await callback(loopback, { error: 'invalid_request', state: STATE });
    await expectFailure(loopback.waitForCode(), 'provider-error');
  });

  it('reports a redirect without a code as malformed', async () => {
    const loopback = await start();
    const res = await callback(loopback, { state: STATE });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('You can close this window');
    await expectFailure(loopback.waitForCode(), 'malformed-redirect');
  });

  it('times out cleanly when no redirect comes', async () => {
    const loopback = await start(150);
    const started = Date.now();
    await expectFailure(loopback.waitForCode(), 'timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await isClosed(loopback.redirectUri)).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const loopback = await start(5_000, controller.signal);
    controller.abort();
    await expectFailure(loopback.waitForCode(), 'cancelled');
    expect(await isClosed(loopback.redirectUri)).toBe(true);
  });
});
