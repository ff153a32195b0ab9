// electron-builder configuration for the desktop installers (`npm run dist`, issues 5 and 11).
// Kept out of package.json so packaging changes do not collide with dependency edits; test/build/* packs with it.
// Exported as a function, which electron-builder calls, so signing and the update feed follow the environment
// of the build (CI secrets) while `createConfig(env)` lets the tests read the result for any environment.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * The files of the CLI bundle that its entry loads: dist/cli/outbox.cjs and the chunks it requires, transitively.
 * dist/cli/chunks also keeps earlier builds' chunks for a while (scripts/build-cli.mjs); those stay out of the app.
 */
function cliBundleFiles(projectDir) {
  const entry = path.join(projectDir, 'dist', 'cli', 'outbox.cjs');
  if (!fs.existsSync(entry)) return ['dist/cli/outbox.cjs'];
  const seen = new Set();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    if (!fs.existsSync(file)) throw new Error(`${path.relative(projectDir, file)} is missing: dist/cli is incomplete, run npm run build`);
    seen.add(file);
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/require\("(\.{1,2}\/[^"]+\.cjs)"\)/g))
      queue.push(path.resolve(path.dirname(file), match[1]));
  }
  return [...seen].map((file) => path.relative(projectDir, file).split(path.sep).join('/')).sort();
}

/** The Electron fuses every build sets (https://www.electronjs.org/docs/latest/tutorial/fuses), per platform. */
function fusesFor(platformName) {
  return {
    // With RunAsNode on, ELECTRON_RUN_AS_NODE=1 turns the signed app into a plain Node that runs any script
    // with the app's identity (and its keychain access on macOS). The `outbox` launchers use --outbox-cli instead.
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // The asar's header hash is checked at load time; Electron supports it on macOS and Windows only, and the
    // Linux build has no integrity data to check against, so the fuse stays at its default there.
    ...(platformName === 'darwin' || platformName === 'win32' ? { enableEmbeddedAsarIntegrityValidation: true } : {}),
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    // The renderer is served from app://outbox/ (electron/main/app-protocol.ts), read with fs in main: no page
    // is ever loaded from file://, so file: pages get no privileges beyond a browser's.
    grantFileProtocolExtraPrivileges: false,
    // @electron/fuses re-signs ad hoc after flipping, so an unsigned arm64 build still launches; a real
    // identity signs again right after this hook.
    ...(platformName === 'darwin' ? { resetAdHocDarwinSignature: true } : {}),
  };
}

/** Signing and notarisation: only what the environment provides, so unsigned local builds keep working. */
function macSigning(env) {
  const notarize = Boolean(env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER);
  return {
    // electron-builder reads CSC_LINK / CSC_KEY_PASSWORD itself; without them it looks for an identity in the
    // login keychain and, when there is none, builds unsigned (ad hoc on Apple Silicon).
    notarize,
  };
}

function winSigning(env) {
  // Azure Trusted Signing (https://www.electron.build/code-signing-win#using-azure-trusted-signing-beta): the
  // service principal comes from AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, which
  // electron-builder passes to the signing cmdlet; the account and profile are named here.
  if (env.AZURE_TRUSTED_SIGNING_ENDPOINT && env.AZURE_CODE_SIGNING_ACCOUNT && env.AZURE_CERT_PROFILE) {
    return {
      azureSignOptions: {
        endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT,
        codeSigningAccountName: env.AZURE_CODE_SIGNING_ACCOUNT,
        certificateProfileName: env.AZURE_CERT_PROFILE,
        ...(env.AZURE_PUBLISHER_NAME ? { publisherName: env.AZURE_PUBLISHER_NAME } : {}),
      },
    };
  }
  // Otherwise WIN_CSC_LINK / WIN_CSC_KEY_PASSWORD (a .pfx), read by electron-builder itself; none means unsigned.
  return {};
}

/** Where electron-updater looks for new versions; none unless the build names a feed. */
function publishFrom(env) {
  if (env.OUTBOX_UPDATE_URL) {
    if (!/^https:\/\//i.test(env.OUTBOX_UPDATE_URL))
      throw new Error(`OUTBOX_UPDATE_URL must be an https:// URL, got ${env.OUTBOX_UPDATE_URL}`);
    return [{ provider: 'generic', url: env.OUTBOX_UPDATE_URL }];
  }
  if (env.OUTBOX_UPDATE_GITHUB) {
    const match = /^([\w.-]+)\/([\w.-]+)$/.exec(env.OUTBOX_UPDATE_GITHUB);
    if (!match) throw new Error(`OUTBOX_UPDATE_GITHUB must be owner/repo, got ${env.OUTBOX_UPDATE_GITHUB}`);
    return [{ provider: 'github', owner: match[1], repo: match[2], releaseType: 'release' }];
  }
  return null;
}

/** The after-pack hook: flips the fuses on the packed executable, per platform (electronFuses is one set for all). */
async function afterPack(context) {
  const fuses = fusesFor(context.electronPlatformName);
  const { FuseVersion, FuseV1Options } = await import('@electron/fuses');
  const wire = { version: FuseVersion.V1 };
  const keys = {
    runAsNode: FuseV1Options.RunAsNode,
    enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
    enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
    enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
    enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
    onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
    grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
  };
  for (const [name, option] of Object.entries(keys)) if (fuses[name] !== undefined) wire[option] = fuses[name];
  if (fuses.resetAdHocDarwinSignature) wire.resetAdHocDarwinSignature = true;
  // electron-builder's own helper: it finds the executable (Outbox.app, Outbox.exe, outbox) for the platform.
  await context.packager.addElectronFuses(context, wire);
}

function createConfig(env = process.env) {
  /** @type {import('electron-builder').Configuration} */
  const config = {
    // Reverse-DNS in the project's own namespace (not electron-builder's com.electron.* default). It becomes the
    // macOS bundle id and the Windows AppUserModelID, which notifications and the mailto: registration hang on,
    // so it must never change after the first release. Main passes the same id to app.setAppUserModelId().
    appId: 'app.outbox.desktop',
    productName: 'Outbox',
    // Dashes and no spaces for installer names, whatever the product name contains.
    artifactName: '${name}-${version}-${os}-${arch}.${ext}',
    directories: { output: 'release', buildResources: 'build' },
    // Only the built app: main, preload and renderer bundles, and the CLI bundle that `outbox` runs through the
    // app's own executable (electron/main/cli-mode.ts); their sourcemaps stay out of the installer.
    // esbuild already bundled every dependency into them except keytar (native): electron-builder would add the
    // whole production node_modules (about 15 MB nobody loads), so only keytar's runtime files go in.
    files: [
      'package.json',
      'dist/main/**',
      'dist/preload/**',
      'dist/renderer/**',
      ...cliBundleFiles(__dirname),
      '!**/*.map',
      '!node_modules/**',
      'node_modules/keytar/package.json',
      'node_modules/keytar/lib/**',
      'node_modules/keytar/build/Release/*.node',
    ],
    // Native code cannot be dlopen()ed from inside an asar archive: keytar.node must lie next to it.
    asarUnpack: ['**/*.node'],
    // The tray icon is read at run time from process.resourcesPath (main/tray.ts): outside the asar, beside it.
    extraResources: [{ from: 'build/icon.png', to: 'icon.png' }],
    // keytar is an N-API module: one binary works in every Electron of the same OS and arch, so no rebuild
    // against Electron's headers is needed (and `npm run dist` builds only for the current OS, whose
    // keytar.node npm install already produced).
    npmRebuild: false,
    afterPack,
    publish: publishFrom(env),
    mac: {
      category: 'public.app-category.productivity',
      // The zip is what electron-updater installs on macOS (Squirrel.Mac); the dmg is what people download.
      target: ['dmg', 'zip'],
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
      // CFBundleURLTypes. Only here: electron-builder adds top-level `protocols` to the Linux desktop entry's
      // MimeType twice (once as config, once as platform options), beside linux.mimeTypes.
      protocols: [{ name: 'Email', schemes: ['mailto'] }],
      // The `outbox` command; Outbox ▸ Install Command Line Tool… links to it (electron/main/app-menu.ts).
      extraResources: [{ from: 'build/mac/outbox-cli.sh', to: 'bin/outbox' }],
      ...macSigning(env),
    },
    dmg: { title: '${productName} ${version}' },
    win: {
      target: ['nsis'],
      // The `outbox` command; the installer offers to put bin (only that folder) on the user's PATH (build/installer.nsh).
      extraFiles: [{ from: 'build/win/outbox.cmd', to: 'bin/outbox.cmd' }],
      ...winSigning(env),
    },
    nsis: {
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      // Mail-client registration (Default apps), the optional `outbox` command on the user's PATH, and their removal.
      include: 'build/installer.nsh',
    },
    linux: {
      target: ['AppImage', 'deb'],
      category: 'Network;Email',
      // electron-builder writes MimeType= into the .desktop entry from `mimeTypes` and from `protocols`:
      // no desktop.entry.MimeType here, or the key appears twice and desktop-file-validate rejects the file.
      mimeTypes: ['x-scheme-handler/mailto'],
      maintainer: 'Outbox maintainers <maintainers@outbox.app>',
      synopsis: 'A desktop mail outbox',
      // The `outbox` command: /usr/bin/outbox links here in the .deb; AppImage users call the app with --outbox-cli.
      extraResources: [{ from: 'build/linux/outbox-cli.sh', to: 'bin/outbox' }],
    },
    deb: {
      // /usr/bin/outbox → resources/bin/outbox (the app's executable in CLI mode); the rest of electron-builder's
      // default scripts (the sandbox helper's mode, AppArmor, desktop database) is kept, see build/linux/*.
      afterInstall: 'build/linux/after-install.sh',
      afterRemove: 'build/linux/after-remove.sh',
    },
  };
  return config;
}

module.exports = () => createConfig(process.env);
module.exports.createConfig = createConfig;
module.exports.fusesFor = fusesFor;
module.exports.cliBundleFiles = cliBundleFiles;
