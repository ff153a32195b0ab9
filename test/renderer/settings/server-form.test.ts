import { describe, expect, it } from 'vitest';
import {
  candidateFromForm,
  defaultName,
  manualDefaults,
  validateHost,
  validatePort,
  validateServerForm,
} from '../../../renderer/src/settings/server-form';
import { candidate } from './fixtures';

describe('hand-entered server settings', () => {
  it('accepts server names and addresses, and explains what is wrong with others', () => {
    expect(validateHost('smtp.example.com')).toBeUndefined();
    expect(validateHost('127.0.0.1')).toBeUndefined();
    expect(validateHost('')).toMatch(/Enter the server name/);
    expect(validateHost('smtp example.com')).toMatch(/only letters, digits/);
    expect(validateHost('smtp.exämple.com')).toMatch(/only letters, digits/);
  });

  it('accepts ports 1 to 65535 only', () => {
    expect(validatePort('587')).toBeUndefined();
    expect(validatePort('1')).toBeUndefined();
    expect(validatePort('65535')).toBeUndefined();
    for (const bad of ['0', '65536', '', '58a', '-1', '5.5']) expect(validatePort(bad), bad).toMatch(/1 to 65535/);
  });

  it('refuses "No encryption" until the user ticks that password and mail cross unencrypted', () => {
    const form = { host: 'mail.example.com', port: '25', security: 'none' as const, user: 'ann', insecureConsent: false };
    expect(validateServerForm(form).insecure).toMatch(/Tick the box/);
    expect(validateServerForm({ ...form, insecureConsent: true })).toEqual({});
    expect(validateServerForm({ ...form, security: 'starttls' })).toEqual({});
  });

  it('offers smtp.<domain>, 587 and STARTTLS when nothing was found', () => {
    expect(manualDefaults('ann@Example.org')).toEqual({
      host: 'smtp.example.org',
      port: '587',
      security: 'starttls',
      user: 'ann@Example.org',
      insecureConsent: false,
    });
  });

  it('names the sender after the part before @, capitalised', () => {
    expect(defaultName('ann@example.com')).toBe('Ann');
    expect(defaultName('john.smith@example.com')).toBe('John');
    expect(defaultName('nobody')).toBe('Nobody');
    expect(defaultName('')).toBe('');
  });

  it('keeps a found candidate (and where it came from) when the form is unchanged, and marks edits as entered by hand', () => {
    const found = candidate({ source: 'srv', notes: ['from DNS'] });
    const form = { host: found.host, port: String(found.port), security: found.security, user: found.username, insecureConsent: false };
    expect(candidateFromForm(form, found)).toBe(found);
    const edited = candidateFromForm({ ...form, port: '587', security: 'starttls' }, found);
    expect(edited).toMatchObject({
      host: found.host,
      port: 587,
      security: 'starttls',
      source: 'probe',
      notes: ['entered by hand'],
      insecure: false,
    });
    expect(candidateFromForm({ ...form, security: 'none', insecureConsent: true }).insecure).toBe(true);
  });
});
