// Finds the account's Sent folder: the one the server marks \Sent (SPECIAL-USE) first, else a
// well-known or localised name, compared case-insensitively on the decoded (Unicode) folder names.
import type { ImapFlow, ListResponse } from 'imapflow';

/** Names servers and clients give the Sent folder, most common first; compared case-insensitively. */
export const SENT_FOLDER_NAMES: readonly string[] = [
  'Sent',
  'Sent Items',
  'Sent Messages',
  'Sent Mail',
  '[Gmail]/Sent Mail',
  '[Google Mail]/Sent Mail',
  'INBOX.Sent',
  'INBOX/Sent',
  'INBOX.Sent Items',
  'INBOX.Sent Messages',
  'Gesendet',
  'Gesendete Objekte',
  'Gesendete Elemente',
  'Envoyés',
  'Éléments envoyés',
  'Messages envoyés',
  'Enviados',
  'Elementos enviados',
  'Itens enviados',
  'Inviati',
  'Posta inviata',
  'Verzonden',
  'Verzonden items',
  'Skickat',
  'Skickade objekt',
  'Sendt',
  'Sendte elementer',
  'Lähetetyt',
  'Wysłane',
  'Elementy wysłane',
  'Odeslané',
  'Odeslaná pošta',
  'Elküldött',
  'Gönderilmiş Öğeler',
  'Gönderilenler',
  'Отправленные',
  'Надіслані',
  'Απεσταλμένα',
  '送信済み',
  '送信済みアイテム',
  '已发送',
  '已傳送',
  '보낸 편지함',
];

/** The parts of a LIST entry the choice looks at. */
export type FolderEntry = Pick<ListResponse, 'path' | 'name' | 'flags'> & Partial<Pick<ListResponse, 'specialUse' | 'specialUseSource'>>;

export type SentFolderResult = { found: true; path: string; how: 'special-use' | 'name' } | { found: false; folders: string[] };

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function selectable(entry: FolderEntry): boolean {
  return !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent');
}

/** Picks the Sent folder from a LIST answer; pure, so every naming rule is testable without a server. */
export function pickSentFolder(entries: readonly FolderEntry[]): SentFolderResult {
  const usable = entries.filter(selectable);
  // imapflow also guesses \Sent from names (source 'name'); only the server's own mark counts here.
  const marked = usable.find((e) => e.flags.has('\\Sent') || (e.specialUse === '\\Sent' && e.specialUseSource === 'extension'));
  if (marked) return { found: true, path: marked.path, how: 'special-use' };

  // A full path match ("INBOX.Sent", "[Gmail]/Sent Mail") beats a leaf match, and earlier names beat later ones.
  for (const field of ['path', 'name'] as const) {
    for (const wanted of SENT_FOLDER_NAMES.map(fold)) {
      const hit = usable.find((e) => fold(e[field]) === wanted);
      if (hit) return { found: true, path: hit.path, how: 'name' };
    }
  }
  return { found: false, folders: usable.map((e) => e.path) };
}

/** Lists the account's folders (imapflow asks for SPECIAL-USE where the server has it) and picks Sent. */
export async function findSentFolder(client: Pick<ImapFlow, 'list'>): Promise<SentFolderResult> {
  return pickSentFolder(await client.list());
}
