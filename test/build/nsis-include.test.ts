// Reads build/installer.nsh, the include electron-builder passes to makensis (nsis.include): its blocks are
// balanced as NSIS requires, the macros electron-builder inserts exist, and the registry it writes makes Outbox a
// mail client that Windows' Default apps lists — and the uninstaller removes all of it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builderConfig } from './stand-in-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = readFileSync(path.join(root, 'build', 'installer.nsh'), 'utf8');

/** NSIS's tokens: words and "…", '…' or `…` strings (quotes removed, $\" escapes kept as written). */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const pattern = /"((?:[^"$]|\$\\.|\$)*)"|'([^']*)'|`([^`]*)`|(\S+)/g;
  for (const match of line.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4]!);
  return tokens;
}

interface Instruction {
  line: number;
  tokens: string[];
}

/** One instruction per line, comments dropped (`;` or `#` outside a string), `!define`s expanded. */
function parse(text: string): { instructions: Instruction[]; defines: Map<string, string> } {
  const defines = new Map<string, string>();
  const instructions: Instruction[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return;
    const tokens = tokenize(trimmed).map((token) => token.replace(/\$\{(\w+)\}/g, (whole, name: string) => defines.get(name) ?? whole));
    if (tokens[0] === '!define' && tokens[1]) defines.set(tokens[1], tokens[2] ?? '');
    instructions.push({ line: index + 1, tokens });
  });
  return { instructions, defines };
}

/** Block openers and their closers, as makensis pairs them. */
const BLOCKS: Array<[RegExp, RegExp]> = [
  [/^!macro$/, /^!macroend$/],
  [/^!if(n?def|macrodef|macrondef)?$/, /^!endif$/],
  [/^Function$/, /^FunctionEnd$/],
  [/^Section$/, /^SectionEnd$/],
  [/^\$\{If(Not)?\}$/, /^\$\{EndIf\}$/i],
  [/^\$\{Do\}$/, /^\$\{Loop(Until|While)?\}$/],
];

function unbalanced(instructions: Instruction[]): string[] {
  const stack: Array<{ kind: number; line: number }> = [];
  const problems: string[] = [];
  for (const { line, tokens } of instructions) {
    const word = tokens[0] ?? '';
    const opens = BLOCKS.findIndex(([open]) => open.test(word));
    const closes = BLOCKS.findIndex(([, close]) => close.test(word));
    if (opens >= 0) stack.push({ kind: opens, line });
    else if (closes >= 0) {
      const top = stack.pop();
      if (!top || top.kind !== closes)
        problems.push(`line ${line}: ${word} closes ${top ? `the block opened on line ${top.line}` : 'nothing'}`);
    }
  }
  for (const open of stack) problems.push(`line ${open.line}: never closed`);
  return problems;
}

/** The instructions of one `!macro NAME`. */
function macroBody(instructions: Instruction[], name: string): Instruction[] {
  const start = instructions.findIndex(({ tokens }) => tokens[0] === '!macro' && tokens[1] === name);
  if (start < 0) return [];
  const end = instructions.findIndex((item, index) => index > start && item.tokens[0] === '!macroend');
  return instructions.slice(start + 1, end);
}

type RegWrite = { root: string; key: string; name: string; value: string };

function registryWrites(body: Instruction[]): RegWrite[] {
  return body
    .filter(({ tokens }) => /^WriteReg(Str|ExpandStr|DWORD)$/.test(tokens[0] ?? ''))
    .map(({ tokens }) => ({ root: tokens[1]!, key: tokens[2]!, name: tokens[3]!, value: tokens[4]! }));
}

const { instructions, defines } = parse(source);

describe('build/installer.nsh', () => {
  it('is the include electron-builder passes to makensis', () => {
    expect(builderConfig().nsis?.include).toBe('build/installer.nsh');
  });

  it('has balanced blocks, as makensis requires', () => {
    expect(unbalanced(instructions)).toEqual([]);
    // The checker itself notices a dropped line.
    const broken = parse(source.replace(/^\s*\$\{EndIf\}\s*$/m, '')).instructions;
    expect(unbalanced(broken)).not.toEqual([]);
  });

  it('defines the macros electron-builder inserts, and keeps installer-only code out of the uninstaller build', () => {
    for (const name of ['customInstall', 'customUnInstall', 'customPageAfterChangeDir'])
      expect(macroBody(instructions, name).length, name).toBeGreaterThan(0);
    // Functions and variables only the installer uses would be "not referenced" warnings, errors under -WX, in the uninstaller build.
    const guard = instructions.findIndex(({ tokens }) => tokens[0] === '!ifndef' && tokens[1] === 'BUILD_UNINSTALLER');
    const end = instructions.findIndex((item, index) => index > guard && item.tokens[0] === '!endif');
    const guarded = (index: number): boolean => index > guard && index < end;
    instructions.forEach(({ tokens, line }, index) => {
      if (tokens[0] === 'Function' || tokens[0] === 'Var') expect(guarded(index), `line ${line}: ${tokens.join(' ')}`).toBe(true);
    });
  });

  it('registers Outbox as a mail client with a mailto: URL association, a ProgID that receives the link, and RegisteredApplications', () => {
    const writes = registryWrites(macroBody(instructions, 'customInstall'));
    const value = (key: string, name: string): string | undefined =>
      writes.find((write) => write.root === 'SHCTX' && write.key === key && write.name === name)?.value;
    const client = 'Software\\Clients\\Mail\\Outbox';
    expect(defines.get('OUTBOX_CLIENT_KEY')).toBe(client);
    expect(value(`${client}\\Capabilities`, 'ApplicationName')).toBe('Outbox');
    expect(value(`${client}\\Capabilities`, 'ApplicationDescription')).toMatch(/^.{20,}$/);
    expect(value(`${client}\\Capabilities\\URLAssociations`, 'mailto')).toBe('Outbox.mailto');
    expect(value('Software\\RegisteredApplications', 'Outbox')).toBe(`${client}\\Capabilities`);
    // The ProgID's command gets the link as its own quoted argument.
    expect(value('Software\\Classes\\Outbox.mailto\\shell\\open\\command', '')).toBe('"$INSTDIR\\${APP_EXECUTABLE_FILENAME}" "%1"');
    expect(value('Software\\Classes\\Outbox.mailto', 'URL Protocol')).toBe('');
    // Never claims the default: no write to the mailto scheme itself or to the user's choice.
    expect(writes.filter((write) => /\\mailto($|\\)|UserChoice/i.test(write.key))).toEqual([]);
  });

  it('removes on uninstall every key and value it wrote, except on an update', () => {
    const writes = registryWrites(macroBody(instructions, 'customInstall')).filter((write) => write.root === 'SHCTX');
    const uninstall = macroBody(instructions, 'customUnInstall');
    expect(uninstall[0]?.tokens).toEqual(['${IfNot}', '${isUpdated}']);
    const deletedKeys = uninstall
      .filter(({ tokens }) => tokens[0] === 'DeleteRegKey' && tokens[1] === 'SHCTX')
      .map(({ tokens }) => tokens[2]!);
    const deletedValues = uninstall
      .filter(({ tokens }) => tokens[0] === 'DeleteRegValue' && tokens[1] === 'SHCTX')
      .map(({ tokens }) => `${tokens[2]}|${tokens[3]}`);
    const left = writes.filter(
      (write) =>
        !deletedKeys.some((key) => write.key === key || write.key.startsWith(`${key}\\`)) &&
        !deletedValues.includes(`${write.key}|${write.name}`),
    );
    expect(left).toEqual([]);
    // Shared keys are only ever emptied of our value, never deleted whole.
    expect(deletedKeys).not.toContain('Software\\RegisteredApplications');
    expect(deletedKeys.some((key) => /^Software\\(Clients(\\Mail)?|Classes)$/.test(key))).toBe(false);
  });

  it('offers the outbox command on the PATH: only its bin folder, remembered across updates, removed on uninstall', () => {
    expect(macroBody(instructions, 'customPageAfterChangeDir').map(({ tokens }) => tokens.join(' '))).toEqual([
      'Page custom OutboxCliPageCreate OutboxCliPageLeave',
    ]);
    expect(defines.get('OUTBOX_BIN_DIR')).toBe('$INSTDIR\\bin');
    const inserts = (name: string): string[] =>
      macroBody(instructions, name)
        .filter(({ tokens }) => tokens[0] === '!insertmacro' && tokens[1] === 'outboxSetPathEntry')
        .map(({ tokens }) => tokens.slice(2).join(' '));
    expect(inserts('customInstall')).toEqual(['$INSTDIR\\bin 1', '$INSTDIR\\bin 0']);
    expect(inserts('customUnInstall')).toEqual(['$INSTDIR\\bin 0']);
    // The user's PATH is written back as REG_EXPAND_SZ (it may hold %VARIABLES%), and Explorer is told.
    const pathMacro = macroBody(instructions, 'outboxSetPathEntry').map(({ tokens }) => tokens.join(' '));
    expect(pathMacro).toContain('WriteRegExpandStr HKCU Environment Path $R1');
    expect(pathMacro.some((line) => line.startsWith('SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 STR:Environment'))).toBe(true);
    expect(pathMacro.some((line) => line.startsWith('WriteRegStr HKCU Environment'))).toBe(false);
  });
});
