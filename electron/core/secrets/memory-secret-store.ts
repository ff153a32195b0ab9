// An in-memory SecretStore for tests of modules that need passwords but not the OS keychain.
// Never used by the app itself: Outbox keeps no password outside the keychain.
import type { SecretStore } from '../ports';

export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [accountId, secret] of Object.entries(initial)) this.secrets.set(accountId, secret);
  }

  async get(accountId: string): Promise<string | null> {
    return this.secrets.get(accountId) ?? null;
  }

  async set(accountId: string, secret: string): Promise<void> {
    this.secrets.set(accountId, secret);
  }

  async delete(accountId: string): Promise<boolean> {
    return this.secrets.delete(accountId);
  }

  /** Account ids that currently have a secret, for assertions. */
  ids(): string[] {
    return [...this.secrets.keys()];
  }
}
