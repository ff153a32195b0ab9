// Compiles build/installer.nsh with the real makensis (the nsis package), warnings as errors as electron-builder
// runs it, in a small installer and uninstaller that insert its macros where electron-builder's templates do.
// electron-builder's own plugins come with its NSIS download, so the few of its macros the include uses are
// stood in for here. Skips without makensis on a laptop; fails under CI, whose Linux job installs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const makensis = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' });
const haveMakensis = makensis.status === 0;
const onCi = !['', '0', 'false', undefined].includes(process.env.CI?.toLowerCase());
const tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-nsis-'));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function harness(uninstaller: boolean, out: string): string {
  return `Unicode true
${uninstaller ? '!define BUILD_UNINSTALLER' : ''}
!include MUI2.nsh
!include LogicLib.nsh
Name "Outbox"
OutFile "${out}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\\Programs\\Outbox"
; Stand-ins for what electron-builder defines (common.nsh, its plugins' macros).
!define APP_EXECUTABLE_FILENAME "Outbox.exe"
!macro _isUpdated _a _b _t _f
  StrCmp $R9 "--updated" \`\${_t}\` \`\${_f}\`
!macroend
!define isUpdated \`"" isUpdated ""\`
!include "${path.join(root, 'build', 'installer.nsh')}"
!ifndef BUILD_UNINSTALLER
  !insertmacro MUI_PAGE_DIRECTORY
  !insertmacro customPageAfterChangeDir
  !insertmacro MUI_PAGE_INSTFILES
!else
  !insertmacro MUI_UNPAGE_INSTFILES
!endif
!insertmacro MUI_LANGUAGE English
Section "install"
  SetOutPath $INSTDIR
  !ifndef BUILD_UNINSTALLER
    !insertmacro customInstall
  !else
    WriteUninstaller "$INSTDIR\\Uninstall Outbox.exe"
  !endif
SectionEnd
!ifdef BUILD_UNINSTALLER
  Section "un.Uninstall"
    !insertmacro customUnInstall
  SectionEnd
!endif
`;
}

describe.skipIf(!haveMakensis && !onCi)(
  `build/installer.nsh with makensis${haveMakensis ? '' : ' (skipped: no makensis; apt-get install nsis)'}`,
  () => {
    for (const uninstaller of [false, true]) {
      it(`compiles into the ${uninstaller ? 'uninstaller' : 'installer'} with warnings as errors`, () => {
        expect(haveMakensis, 'makensis is installed (apt-get install nsis)').toBe(true);
        const script = path.join(tmp, `${uninstaller ? 'uninstaller' : 'installer'}.nsi`);
        const out = path.join(tmp, `${uninstaller ? 'uninstaller' : 'installer'}.exe`);
        writeFileSync(script, harness(uninstaller, out));
        const run = spawnSync('makensis', ['-WX', '-V2', script], { encoding: 'utf8' });
        expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
        expect(statSync(out).size).toBeGreaterThan(0);
      });
    }

    it('notices a broken include (the compile can fail)', () => {
      const broken = path.join(tmp, 'broken.nsh');
      writeFileSync(
        broken,
        '!macro customInstall\n  WriteRegStr SHCTX\n!macroend\n!macro customUnInstall\n!macroend\n!macro customPageAfterChangeDir\n!macroend\n',
      );
      const script = path.join(tmp, 'broken.nsi');
      writeFileSync(script, harness(false, path.join(tmp, 'broken.exe')).replace(path.join(root, 'build', 'installer.nsh'), broken));
      const run = spawnSync('makensis', ['-WX', '-V2', script], { encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(`${run.stdout}${run.stderr}`).toContain('Error in macro customInstall');
    });
  },
);
