// Adding and removing attachments: the OS picker and dropped files are staged in main, which answers with ids.
// Dropped files travel as bytes (the renderer never names a path); each one is staged as soon as it is read.
import { useCallback, useState } from 'react';
import type { StagedAttachment } from '../../../electron/shared/compose';
import { useComposeContext } from './compose-context';

export function useAttachments() {
  const { api, getFields, update } = useComposeContext();
  const get = useCallback(() => getFields().attachments, [getFields]);
  const set = useCallback((attachments: StagedAttachment[]) => update({ attachments }), [update]);
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const add = useCallback((staged: StagedAttachment[]) => set([...get(), ...staged]), [get, set]);

  const pick = useCallback(async (): Promise<void> => {
    setError(null);
    const result = await api.attachment.pick();
    if (result.ok) add(result.value);
    else setError(`${result.error.message} ${result.error.next}`);
  }, [api, add]);

  const drop = useCallback(
    async (files: readonly File[]): Promise<void> => {
      setError(null);
      const failures: string[] = [];
      for (const file of files) {
        setBusy((n) => n + 1);
        try {
          const bytes = new Uint8Array(await file.arrayBuffer());
          const result = await api.attachment.stage({ name: file.name, contentType: file.type, bytes });
          if (result.ok) add([result.value]);
          else failures.push(`${file.name}: ${result.error.message}`);
        } catch {
          // A folder, or a file that went away between the drop and the read.
          failures.push(`${file.name}: it could not be read (a folder cannot be attached).`);
        } finally {
          setBusy((n) => n - 1);
        }
      }
      if (failures.length) setError(`Not attached: ${failures.join('; ')}`);
    },
    [api, add],
  );

  const remove = useCallback(
    async (attachment: StagedAttachment): Promise<void> => {
      set(get().filter((a) => a.id !== attachment.id));
      // Main keeps the file while a saved draft still lists it; the next autosave lets it go.
      await api.attachment.discard(attachment.id);
    },
    [api, get, set],
  );

  return { busy, error, pick, drop, remove };
}
