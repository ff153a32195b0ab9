// The browser sign-in of `account add --oauth` and `account signin`: the provider's endpoints (moved to a local
// test server only when OUTBOX_OAUTH_TEST_BASE names one) and the system browser, with the address printed first.
import { spawn } from 'node:child_process';
import { PROVIDERS, resolveClientId, type OAuthProvider, type ProviderId } from '../../core/oauth/providers';
import { AppError } from '../../shared/errors';
import type { CliContext } from '../context';
import { ConfigError } from '../exit-codes';

/**
 * The provider's data, with its endpoints moved to a local test server when OUTBOX_OAUTH_TEST_BASE is set.
 * Only a loopback http URL is taken, so the variable can never send a sign-in to another machine.
 */
export function oauthProvider(ctx: CliContext, oauth: { provider: ProviderId }): OAuthProvider {
  const provider = PROVIDERS[oauth.provider];
  const base = ctx.io.env.OUTBOX_OAUTH_TEST_BASE;
  if (base === undefined || base === '') return provider;
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) || url.username || url.password) {
    throw new AppError('VALIDATION', {
      message: 'OUTBOX_OAUTH_TEST_BASE must be an http URL on this computer (127.0.0.1, [::1] or localhost).',
      next: 'Unset it to sign in with the real provider.',
    });
  }
  const root = url.href.replace(/\/+$/, '');
  ctx.io.stderr.write(`outbox: signing in against the test server ${root}\n`);
  return { ...provider, authorizationEndpoint: `${root}/authorize`, tokenEndpoint: `${root}/token` };
}

/**
 * The client id the sign-in will use (the account's own, else this build's), checked before a browser opens:
 * without one there is nothing to sign in with, a setting to give rather than bad input (EX_CONFIG).
 */
export function requireClientId(provider: OAuthProvider, override: string | undefined): void {
  if (resolveClientId(provider.id, override)) return;
  throw new ConfigError(
    `This copy of Outbox has no OAuth client id for ${provider.name}`,
    "Give your app registration's client id with --client-id (outbox account add … --oauth … --client-id ID), or add the account with an app password.",
  );
}

/** Prints the address first (a machine without a browser, or over ssh), then tries the system browser. */
export async function openBrowser(ctx: CliContext, url: string): Promise<void> {
  ctx.io.stderr.write(`outbox: sign in in your browser; if none opens, open this address:\n  ${url}\n`);
  // rundll32 rather than `start`: cmd.exe would split the URL at every '&'.
  const [command, ...argv] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['rundll32', 'url.dll,FileProtocolHandler', url]
        : ['xdg-open', url];
  try {
    const child = spawn(command!, argv, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser here: the printed address is the way.
  }
}
