// The default data folder must be the one Electron's app.getPath('userData') gives the app on each platform,
// so the app and the `outbox` command share one outbox; --data-dir and OUTBOX_DATA_DIR override it.
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from '../../../electron/core/paths/data-dir';

describe('defaultDataDir', () => {
  it('uses $XDG_CONFIG_HOME/Outbox on Linux when it is set', () => {
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/home/ann/.cfg' }, homedir: '/home/ann' })).toBe(
      '/home/ann/.cfg/Outbox',
    );
  });

  it('falls back to ~/.config/Outbox on Linux when XDG_CONFIG_HOME is unset or empty', () => {
    expect(defaultDataDir({ platform: 'linux', env: {}, homedir: '/home/ann' })).toBe('/home/ann/.config/Outbox');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '' }, homedir: '/home/ann' })).toBe('/home/ann/.config/Outbox');
  });

  it('treats the other Unixes like Linux', () => {
    expect(defaultDataDir({ platform: 'freebsd', env: {}, homedir: '/home/ann' })).toBe('/home/ann/.config/Outbox');
  });

  it('uses ~/Library/Application Support/Outbox on macOS, ignoring XDG_CONFIG_HOME', () => {
    expect(defaultDataDir({ platform: 'darwin', env: { XDG_CONFIG_HOME: '/x' }, homedir: '/Users/ann' })).toBe(
      '/Users/ann/Library/Application Support/Outbox',
    );
  });

  it('uses %APPDATA%\\Outbox on Windows', () => {
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, homedir: 'C:\\Users\\ann' })).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Outbox',
    );
  });

  it('falls back to the roaming AppData folder under the home folder when APPDATA is unset', () => {
    expect(defaultDataDir({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\Outbox');
  });
});

describe('resolveDataDir', () => {
  const linux = { platform: 'linux' as const, homedir: '/home/ann', cwd: '/work' };

  it('prefers --data-dir over OUTBOX_DATA_DIR and the default', () => {
    expect(resolveDataDir({ ...linux, flag: '/tmp/a', env: { OUTBOX_DATA_DIR: '/tmp/b' } })).toBe('/tmp/a');
  });

  it('uses OUTBOX_DATA_DIR when no flag is given', () => {
    expect(resolveDataDir({ ...linux, env: { OUTBOX_DATA_DIR: '/tmp/b' } })).toBe('/tmp/b');
  });

  it('ignores an empty OUTBOX_DATA_DIR', () => {
    expect(resolveDataDir({ ...linux, env: { OUTBOX_DATA_DIR: '' } })).toBe('/home/ann/.config/Outbox');
  });

  it('makes a relative override absolute against the working directory', () => {
    expect(resolveDataDir({ ...linux, flag: 'data', env: {} })).toBe('/work/data');
    expect(resolveDataDir({ platform: 'win32', homedir: 'C:\\Users\\ann', cwd: 'C:\\work', flag: 'data', env: {} })).toBe('C:\\work\\data');
  });
});
