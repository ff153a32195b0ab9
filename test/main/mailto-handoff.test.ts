import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { installMailtoHandoff, protocolClientArgs, registerMailtoHandler, type RegistrationMemory } from '../../electron/main/mailto-handoff';

function setup(argv: string[] = ['/usr/bin/outbox']) {
  const app = new EventEmitter();
  const onPrefill = vi.fn();
  const onActivate = vi.fn();
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  installMailtoHandoff(app, argv, { onPrefill, onActivate, logger });
  return { app, onPrefill, onActivate, logger };
}

describe('mailto: links reaching the app', () => {
  it('opens Compose for the link on our own command line (Windows, Linux first launch)', () => {
    const { onPrefill, onActivate } = setup(['/usr/bin/outbox', 'mailto:a@example.com?subject=Hi']);
    expect(onPrefill).toHaveBeenCalledWith({ to: ['a@example.com'], cc: [], bcc: [], subject: 'Hi', body: '' });
    expect(onActivate).not.toHaveBeenCalled();
  });

  it('brings the window forward for a second launch and passes on its link', () => {
    const { app, onPrefill, onActivate } = setup();
    app.emit('second-instance', {}, ['C:\\Outbox\\Outbox.exe', 'mailto:b@example.com']);
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onPrefill).toHaveBeenCalledWith(expect.objectContaining({ to: ['b@example.com'] }));
  });

  it('brings the window forward for a second launch without a link, opening no Compose', () => {
    const { app, onPrefill, onActivate } = setup();
    app.emit('second-instance', {}, ['/usr/bin/outbox']);
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onPrefill).not.toHaveBeenCalled();
  });

  it("takes macOS's open-url, which comes before ready, and tells the OS we handled it", () => {
    const { app, onPrefill } = setup();
    const event = { preventDefault: vi.fn() };
    app.emit('open-url', event, 'mailto:c@example.com?body=Hello%0D%0Athere');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(onPrefill).toHaveBeenCalledWith(expect.objectContaining({ to: ['c@example.com'], body: 'Hello\nthere' }));
  });

  it('ignores an injected or foreign link without logging its contents', () => {
    const { app, onPrefill, logger } = setup();
    app.emit('open-url', { preventDefault: vi.fn() }, 'mailto:a@example.com?subject=x%0D%0ABcc:%20secret@example.com');
    expect(onPrefill).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0]?.[0])).not.toContain('secret@example.com');
  });
});

function protocolApp(isPackaged: boolean, isDefault = false) {
  return {
    isPackaged,
    isDefaultProtocolClient: vi.fn(() => isDefault),
    setAsDefaultProtocolClient: vi.fn(() => true),
  };
}

function memory(initial?: string): RegistrationMemory & { value?: string } {
  const store: RegistrationMemory & { value?: string } = {
    value: initial,
    read: async () => store.value,
    write: async (executable) => void (store.value = executable),
  };
  return store;
}

describe('registering as the mailto: handler', () => {
  const packaged = { execPath: '/opt/Outbox/outbox', argv: ['/opt/Outbox/outbox'] };

  it('asks the OS once for a packaged app, then never again', async () => {
    const app = protocolApp(true);
    const remembered = memory();
    expect(await registerMailtoHandler(app, packaged, remembered)).toBe(true);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('mailto');
    expect(await registerMailtoHandler(app, packaged, remembered)).toBe(false);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledTimes(1);
  });

  it('asks again after the app moved to another executable', async () => {
    const app = protocolApp(true);
    await registerMailtoHandler(app, packaged, memory('/old/place/outbox'));
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledTimes(1);
  });

  it('leaves things alone when we already are the handler', async () => {
    const app = protocolApp(true, true);
    expect(await registerMailtoHandler(app, packaged, memory())).toBe(false);
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });

  it('in development passes Electron and the app path, as Electron documents for process.defaultApp', async () => {
    const app = protocolApp(false);
    const runtime = { defaultApp: true, execPath: '/dev/electron', argv: ['/dev/electron', '.'] };
    await registerMailtoHandler(app, runtime, memory());
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('mailto', '/dev/electron', [path.resolve('.')]);
    expect(protocolClientArgs({ execPath: '/x', argv: [] })).toEqual([]);
  });

  it('does nothing when neither packaged nor run as the default app (e.g. under a test runner)', async () => {
    const app = protocolApp(false);
    expect(await registerMailtoHandler(app, { execPath: '/usr/bin/node', argv: [] }, memory())).toBe(false);
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });
});
