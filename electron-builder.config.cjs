// electron-builder configuration for the desktop installers (`npm run dist`, issue 5).
// Kept out of package.json so packaging changes do not collide with dependency edits; test/build/pack.test.ts packs with it.
'use strict';

/** @type {import('electron-builder').Configuration} */
const config = {
  // Reverse-DNS in the project's own namespace (not electron-builder's com.electron.* default). It becomes the
  // macOS bundle id and the Windows AppUserModelID, which notifications and the mailto: registration hang on,
  // so it must never change after the first release. Main should pass the same id to app.setAppUserModelId().
  appId: 'app.outbox.desktop',
  productName: 'Outbox',
  // Dashes and no spaces for installer names, whatever the product name contains.
  artifactName: '${name}-${version}-${os}-${arch}.${ext}',
  directories: { output: 'release', buildResources: 'build' },
  // Only the built app: main, preload and renderer bundles (their sourcemaps stay out of the installer).
  // The `outbox` CLI ships through npm (package.json bin), not inside the app.
  // electron-builder adds the production node_modules by itself.
  files: ['package.json', 'dist/main/**', 'dist/preload/**', 'dist/renderer/**', '!**/*.map'],
  // Native code cannot be dlopen()ed from inside an asar archive: keytar.node must lie next to it. electron-builder's
  // smart unpack would usually catch it too; saying so here keeps it from depending on that heuristic.
  asarUnpack: ['**/*.node'],
  // The tray icon is read at run time from process.resourcesPath (main/tray.ts): outside the asar, beside it.
  extraResources: [{ from: 'build/icon.png', to: 'icon.png' }],
  // keytar is an N-API module: one binary works in every Electron of the same OS and arch, so no rebuild
  // against Electron's headers is needed (and `npm run dist` builds only for the current OS, whose
  // keytar.node npm install already produced).
  npmRebuild: false,
  protocols: [{ name: 'Email', schemes: ['mailto'] }],
  mac: {
    category: 'public.app-category.productivity',
    target: ['dmg'],
    hardenedRuntime: true,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
  },
  dmg: { title: '${productName} ${version}' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network;Email',
    mimeTypes: ['x-scheme-handler/mailto'],
    maintainer: 'Outbox maintainers',
    synopsis: 'A desktop mail outbox',
    desktop: { entry: { MimeType: 'x-scheme-handler/mailto;' } },
  },
};

module.exports = config;
