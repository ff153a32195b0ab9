// Signing, notarisation and the update feed come from the build's environment (electron-builder.config.cjs):
// a build without any of it is unsigned and has no feed, and every variable turns on exactly its part.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { builderConfig } from './stand-in-electron';

const APPLE = {
  APPLE_API_KEY: '/secrets/AuthKey_ABC.p8',
  APPLE_API_KEY_ID: 'ABC123',
  APPLE_API_ISSUER: '69a6de7e-0000-0000-0000-000000000000',
};
const AZURE = {
  AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net',
  AZURE_CODE_SIGNING_ACCOUNT: 'outbox',
  AZURE_CERT_PROFILE: 'outbox-public',
};

describe('signing and the update feed from the environment', () => {
  it('builds unsigned, without notarisation or a feed, when the environment names none', () => {
    const config = builderConfig({});
    expect(config.mac?.notarize).toBe(false);
    expect(config.win).not.toHaveProperty('azureSignOptions');
    expect(config.publish).toBeNull();
    // Nothing that would make an unsigned build fail: no forced signing, no identity, no certificate file.
    expect(config.forceCodeSigning ?? false).toBe(false);
    for (const key of ['identity', 'cscLink', 'certificateFile', 'signtoolOptions'] as const) {
      expect(config.mac ?? {}).not.toHaveProperty(key);
      expect(config.win ?? {}).not.toHaveProperty(key);
    }
    // The hardened runtime and entitlements only take effect when electron-builder finds an identity.
    expect(config.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
  });

  it('notarises only with all three App Store Connect API variables', () => {
    expect(builderConfig(APPLE).mac?.notarize).toBe(true);
    for (const missing of Object.keys(APPLE)) {
      const env: Record<string, string | undefined> = { ...APPLE, [missing]: undefined };
      expect(builderConfig(env).mac?.notarize, `without ${missing}`).toBe(false);
    }
  });

  it('signs Windows builds with Azure Trusted Signing when its account and profile are named', () => {
    expect(builderConfig(AZURE).win?.azureSignOptions).toEqual({
      endpoint: 'https://weu.codesigning.azure.net',
      codeSigningAccountName: 'outbox',
      certificateProfileName: 'outbox-public',
    });
    expect(builderConfig({ ...AZURE, AZURE_PUBLISHER_NAME: 'CN=Outbox' }).win?.azureSignOptions).toMatchObject({
      publisherName: 'CN=Outbox',
    });
    expect(builderConfig({ ...AZURE, AZURE_CERT_PROFILE: '' }).win).not.toHaveProperty('azureSignOptions');
    // A .pfx (WIN_CSC_LINK) is read by electron-builder itself: nothing in the configuration changes.
    expect(builderConfig({ WIN_CSC_LINK: 'file.pfx', WIN_CSC_KEY_PASSWORD: 'x' }).win).toEqual(builderConfig({}).win);
  });

  it("passes electron-builder's schema with every signing and feed variable set", async () => {
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const config = builderConfig({ ...APPLE, ...AZURE, AZURE_PUBLISHER_NAME: 'CN=Outbox', OUTBOX_UPDATE_GITHUB: 'outbox-app/outbox' });
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The schema does refuse a misplaced option, so the check above means something.
    await expect(validateConfiguration({ ...config, win: { ...config.win, notarize: true } }, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('publishes to a generic HTTPS feed or to GitHub Releases, and refuses anything else', () => {
    expect(builderConfig({ OUTBOX_UPDATE_URL: 'https://updates.example.org/outbox' }).publish).toEqual([
      { provider: 'generic', url: 'https://updates.example.org/outbox' },
    ]);
    expect(builderConfig({ OUTBOX_UPDATE_GITHUB: 'outbox-app/outbox' }).publish).toEqual([
      { provider: 'github', owner: 'outbox-app', repo: 'outbox', releaseType: 'release' },
    ]);
    // The generic feed wins when both are given: it is the one the build names by URL.
    expect(builderConfig({ OUTBOX_UPDATE_URL: 'https://u.example.org/', OUTBOX_UPDATE_GITHUB: 'a/b' }).publish).toEqual([
      { provider: 'generic', url: 'https://u.example.org/' },
    ]);
    expect(() => builderConfig({ OUTBOX_UPDATE_URL: 'http://updates.example.org/' })).toThrow(/https/);
    expect(() => builderConfig({ OUTBOX_UPDATE_GITHUB: 'not a repo' })).toThrow(/owner\/repo/);
  });
});
