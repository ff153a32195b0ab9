// Finding the Sent folder: the server's \Sent mark first, then well-known and localised names,
// checked on LIST answers and end to end against Dovecot accounts without a special-use folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSentCopy } from '../../../electron/core/imap/sent-copy';
import { pickSentFolder, type FolderEntry } from '../../../electron/core/imap/sent-folder';
import { describeDovecot, startDovecot, type DovecotPeer } from '../../peers/dovecot';
import { readFolder, requestFor, sentMessage } from './fixtures';

function entry(path: string, extra: Omit<Partial<FolderEntry>, 'flags'> & { flags?: string[] } = {}): FolderEntry {
  const name = path.split('/').at(-1) ?? path;
  return { ...extra, path, name, flags: new Set(extra.flags ?? []) };
}

describe('pickSentFolder', () => {
  it('prefers the folder the server marks \\Sent over any name', () => {
    const result = pickSentFolder([entry('Sent'), entry('Outgoing', { flags: ['\\Sent'], specialUse: '\\Sent' })]);
    expect(result).toEqual({ found: true, path: 'Outgoing', how: 'special-use' });
  });

  it("ignores imapflow's own name-based guess and applies its own name list", () => {
    const guessed = entry('Sent Items', { specialUse: '\\Sent', specialUseSource: 'name' });
    expect(pickSentFolder([guessed])).toEqual({ found: true, path: 'Sent Items', how: 'name' });
  });

  it.each([
    ['sent items'],
    ['[Gmail]/Sent Mail'],
    ['INBOX.Sent'],
    ['GESENDET'],
    ['Éléments envoyés'],
    ['Отправленные'],
    ['送信済み'],
    ['Wysłane'],
  ])('finds %s by name, case-insensitively', (name) => {
    expect(pickSentFolder([entry('INBOX'), entry('Drafts'), entry(name)])).toMatchObject({ found: true, path: name });
  });

  it('matches a localised name under a parent folder by its last part', () => {
    expect(pickSentFolder([entry('INBOX'), entry('INBOX/Verzonden items')])).toMatchObject({ path: 'INBOX/Verzonden items' });
  });

  it('matches names whatever their Unicode normalisation', () => {
    const decomposed = 'Envoyés'.normalize('NFD');
    expect(pickSentFolder([entry(decomposed)])).toMatchObject({ found: true, path: decomposed });
  });

  it('skips folders that cannot hold messages', () => {
    expect(pickSentFolder([entry('Sent', { flags: ['\\Noselect'] }), entry('Sent Messages')])).toMatchObject({
      path: 'Sent Messages',
    });
  });

  it('says so, with the folders it saw, when nothing looks like Sent', () => {
    expect(pickSentFolder([entry('INBOX'), entry('Archive')])).toEqual({ found: false, folders: ['INBOX', 'Archive'] });
  });
});

for (const [variant, folder] of [
  ['localised', 'Gesendet'],
  ['non-ascii', 'Éléments envoyés'],
] as const) {
  describeDovecot(`appendSentCopy on a Dovecot account whose Sent folder is "${folder}" (no SPECIAL-USE)`, () => {
    let peer: DovecotPeer;
    beforeAll(async () => {
      peer = await startDovecot({ variant });
    });
    afterAll(async () => {
      await peer?.stop();
    });

    it('finds the folder by its name and stores the copy there', async () => {
      const message = sentMessage();
      const result = await appendSentCopy(requestFor(peer, message));
      expect(result, result.transcript.join('\n')).toMatchObject({ outcome: 'saved', folder });
      expect(result.transcript).toContain(`Sent folder: ${folder} (by name)`);

      const stored = await readFolder(peer, folder);
      expect(stored.map((m) => m.source.equals(message.bytes))).toEqual([true]);

      const again = await appendSentCopy(requestFor(peer, message, { folder: result.folder }));
      expect(again).toMatchObject({ outcome: 'already-there', folder });
    });
  });
}
