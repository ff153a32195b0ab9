import { describe, expect, it } from 'vitest';
import { defaultSentCopy, serverFilesSentCopy } from '../../../electron/core/imap/files-own-copy';

describe('whether Outbox files the Sent copy itself by default', () => {
  it('leaves it to Gmail and Google Workspace, which file their own copy of SMTP submissions', () => {
    expect(serverFilesSentCopy('smtp.gmail.com')).toBe(true);
    expect(serverFilesSentCopy('SMTP.GMAIL.COM.')).toBe(true);
    expect(defaultSentCopy('smtp.gmail.com', true)).toBe(false);
  });

  it('makes the copy for other servers when there is IMAP, and never without IMAP', () => {
    expect(serverFilesSentCopy('smtp.notgmail.com')).toBe(false);
    expect(defaultSentCopy('mail.example.org', true)).toBe(true);
    expect(defaultSentCopy('mail.example.org', false)).toBe(false);
  });
});
