// preferences.json in the data folder: read once, validated, written durably on change; the app and the
// `outbox` command read the same file. An unreadable file means the defaults, never a failure to start.
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import {
  DEFAULT_PREFERENCES,
  preferencesPatchSchema,
  preferencesSchema,
  type Preferences,
  type PreferencesPatch,
} from '../../shared/preferences';
import { writeFileDurable } from '../fs/durable-write';
import { mapFsError } from '../fs/fs-errors';
import { silentLogger, type Logger } from '../ports';
import { named } from '../logging';

export class PreferencesStore {
  readonly filePath: string;
  private current: Preferences = { ...DEFAULT_PREFERENCES };
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.filePath = path.join(dataDir, 'preferences.json');
  }

  async load(): Promise<Preferences> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch {
      return this.current;
    }
    try {
      this.current = preferencesSchema().parse(JSON.parse(text));
    } catch {
      named(this.logger, 'preferences').warn(`${this.filePath} could not be read; using the defaults until preferences are saved again`);
    }
    return this.current;
  }

  get(): Preferences {
    return { ...this.current };
  }

  /** How long temporary failures are retried, for the engine (read at every attempt, so a change applies at once). */
  retryLifetimeMs(): number {
    return this.current.retryLifetimeHours * 3_600_000;
  }

  update(patch: PreferencesPatch): Promise<Preferences> {
    const run = this.writes.then(async () => {
      const next = preferencesSchema().parse({ ...this.current, ...preferencesPatchSchema().parse(patch) });
      try {
        await fs.mkdir(path.dirname(this.filePath), { recursive: true, mode: 0o700 });
        await writeFileDurable(this.filePath, `${JSON.stringify(next, null, 2)}\n`);
      } catch (error) {
        throw mapFsError(error, 'the preferences file');
      }
      this.current = next;
      return this.get();
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}
