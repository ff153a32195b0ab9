// The add-account wizard end to end: built renderer in Chromium, the real channel handlers and detection, a DNS
// server on loopback publishing SRV for example.test, and a real SMTP server that wants STARTTLS and a password.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DetectionService } from '../../electron/core/autodetect/detection-service';
import { createResolver } from '../../electron/core/autodetect/dns';
import { makeCerts } from '../peers/certs';
import { startDnsServer, type DnsPeer } from '../peers/dns-server';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer';
import { seriousAxeViolations, type AppPage, type Backend } from './harness';
import { describeInChromium } from './suite';

const ADDRESS = 'ann@example.test';
const PASSWORD = 'correct horse battery staple';

describeInChromium('the add-account wizard in Chromium', (suite) => {
  let dns: DnsPeer;
  let smtp: SmtpPeer;
  const certs = makeCerts();

  beforeAll(async () => {
    smtp = await startSmtpPeer({ certs, users: { [ADDRESS]: PASSWORD } });
    // SRV names localhost (which the test certificate names too): verification connects through the system resolver.
    dns = await startDnsServer({
      records: {
        '_submission._tcp.example.test': [{ type: 'SRV', target: 'localhost', port: smtp.port, priority: 0, weight: 1 }],
        localhost: [{ type: 'A', address: '127.0.0.1' }],
        'example.test': [{ type: 'TXT', data: 'v=spf1 a -all' }],
      },
      // IMAP's SRV never answers, so the search runs about a second: long enough to watch its steps arrive.
      silent: ['_imaps._tcp.example.test'],
    });
  });
  afterAll(async () => {
    await dns?.close();
    await smtp?.close();
  });

  function detection(): DetectionService {
    return new DetectionService({
      detect: {
        resolver: createResolver({ servers: [dns.server], timeoutMs: 1000 }),
        // Offline: no autoconfig or ISPDB on the internet, only what the loopback DNS publishes.
        fetcher: () => Promise.reject(new Error('offline in tests')),
        probeCa: certs.ca,
        deadlineMs: 6000,
      },
      verify: { tls: { ca: certs.ca }, timeouts: { connect: 2000, tls: 2000, greeting: 2000, command: 3000 } },
    });
  }

  async function open(): Promise<{ app: AppPage; backend: Backend }> {
    const backend = await suite.backend({ detection: detection() });
    return { app: await suite.open(backend), backend };
  }

  async function expectAccessible(page: Page): Promise<void> {
    expect(await seriousAxeViolations(page)).toEqual([]);
  }

  /** A first start with no account: the shell opens the wizard by itself. */
  async function wizardOnFirstStart(page: Page): Promise<void> {
    await page.getByRole('heading', { name: 'Add an account' }).waitFor();
  }

  /** Through the nav: Accounts, then Add account on the (empty) list. */
  async function wizardFromNav(page: Page): Promise<void> {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Outbox' }).click();
    await nav.getByRole('button', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('heading', { name: 'Add an account' }).waitFor();
  }

  it('finds the settings through DNS SRV, explains a wrong password, and saves the account that signs in', async () => {
    const { app, backend } = await open();
    const { page } = app;
    await wizardOnFirstStart(page);
    await page.getByLabel('Email address').fill(ADDRESS);
    expect(await page.getByLabel('Name to send as').inputValue()).toBe('Ann');
    await app.screenshot('wizard-1-address');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Find settings' }).click();
    // The steps appear while the search still runs, in a polite live region.
    const live = page.locator('ol[aria-live="polite"][aria-label="Search steps"]');
    await live.getByText('_submission._tcp.example.test').waitFor();
    expect(await live.innerText()).toContain(`srv _submission._tcp.example.test (found) — localhost:${smtp.port}`);
    expect(await page.getByRole('heading', { name: 'Looking up settings…' }).count()).toBe(1);
    await app.screenshot('wizard-1b-live-steps');
    await expectAccessible(page);
    await page.getByRole('heading', { name: /Settings found for/ }).waitFor({ timeout: 15_000 });
    // The steps the search took stay readable under the found settings.
    await page.getByText('How these settings were found').click();
    expect(await page.getByRole('list', { name: 'Search steps' }).innerText()).toContain('srv _submission._tcp.example.test (found)');
    const chosen = page.getByRole('radio', { checked: true });
    const label = await page.locator('label', { has: chosen }).innerText();
    expect(label).toContain(`localhost:${smtp.port}`);
    expect(label).toContain('STARTTLS');
    expect(label).toContain('DNS SRV records');
    await app.screenshot('wizard-2-found-settings');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: `Sign in to ${ADDRESS}` }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await app.screenshot('wizard-3-sign-in');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const verdict = page.getByRole('alert');
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/user name or password/i);
    await app.screenshot('wizard-4a-test-refused');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('not the password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(`Signed in to localhost:${smtp.port} (STARTTLS)`).waitFor();
    await app.screenshot('wizard-4b-test-passed');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Save the account' }).waitFor();
    await app.screenshot('wizard-5-save');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save account' }).click();

    const list = page.getByRole('list', { name: 'Accounts' });
    await list.waitFor();
    expect(await list.innerText()).toContain(ADDRESS);
    expect(await list.innerText()).toContain(`localhost:${smtp.port}, STARTTLS`);
    // The domain advice found on the way sits beside the new account, the SPF record word for word.
    expect(await page.getByRole('list', { name: 'Domain health for example.test' }).innerText()).toContain('v=spf1 a -all');
    await app.screenshot('wizard-6-accounts-list');
    await expectAccessible(page);

    const accounts = await backend.accounts.list();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.smtp).toMatchObject({ host: 'localhost', port: smtp.port, security: 'starttls', user: ADDRESS });
    expect(await backend.accounts.credentials(accounts[0]?.id ?? '')).toMatchObject({ password: PASSWORD });
    expect(smtp.logins.some((l) => l.ok && l.username === ADDRESS)).toBe(true);
    expect(app.problems).toEqual([]);
  });

  it('takes settings typed by hand, tests them and saves them', async () => {
    const { app, backend } = await open();
    const { page } = app;
    await wizardFromNav(page);
    await page.getByLabel('Email address').fill(ADDRESS);
    await page.getByRole('button', { name: 'Enter settings myself' }).click();
    await page.getByRole('heading', { name: `Enter the settings for ${ADDRESS}` }).waitFor();
    expect(await page.getByLabel('Server').inputValue()).toBe('smtp.example.test');
    await page.getByLabel('Server').fill('localhost');
    await page.getByLabel('Port').fill('99999');
    expect(await page.getByText('The port is a number from 1 to 65535').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    await page.getByLabel('Port').fill(String(smtp.port));
    await app.screenshot('wizard-2b-manual-settings');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(`Signed in to localhost:${smtp.port} (STARTTLS)`).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Save account' }).click();
    await page.getByRole('list', { name: 'Accounts' }).waitFor();
    const [account] = await backend.accounts.list();
    expect(account?.smtp).toMatchObject({ host: 'localhost', port: smtp.port, security: 'starttls' });
    expect(await backend.accounts.credentials(account?.id ?? '')).toMatchObject({ password: PASSWORD });
    expect(app.problems).toEqual([]);
  });

  it('tests a saved account, shows the untrusted certificate, and trusts exactly that one', async () => {
    const { app, backend } = await open();
    const { page } = app;
    // The backend's own checks trust only the system's authorities, so the test CA's certificate is untrusted here.
    await backend.accounts.add(
      {
        name: 'Ann',
        email: ADDRESS,
        smtp: { host: 'localhost', port: smtp.port, security: 'starttls', insecure: false, user: ADDRESS, authMethod: 'auto' },
      },
      PASSWORD,
    );
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Accounts' }).click();
    const item = page.getByRole('list', { name: 'Accounts' }).getByRole('listitem').first();
    await item.getByRole('button', { name: 'Test' }).click();
    const alert = item.getByRole('alert');
    await alert.waitFor();
    const fingerprint = await item.locator('.settings-cert__fingerprint').innerText();
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(await item.getByRole('list', { name: 'SMTP capabilities' }).innerText()).toContain('AUTH: PLAIN, LOGIN, CRAM-MD5');
    await item.getByText('Show transcript').click();
    expect(await item.locator('pre').innerText()).toContain('EHLO');
    await app.screenshot('accounts-1-test-untrusted-certificate');
    await expectAccessible(page);

    await item.getByRole('button', { name: 'Trust this certificate' }).click();
    await item.getByText('Outbox now trusts this certificate').waitFor();
    const [account] = await backend.accounts.list();
    expect(account?.smtp.pinnedCertificate?.fingerprint256).toBe(fingerprint);
    await item.getByRole('button', { name: 'Test' }).click();
    await item.getByText('The connection test passed').waitFor();
    await app.screenshot('accounts-2-test-passed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('accounts-3-test-passed-dark');
    await expectAccessible(page);
    expect(app.problems).toEqual([]);
  });
});
