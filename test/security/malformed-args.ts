// fast-check arbitraries for IPC calls a compromised renderer could send: junk of any shape, wrong arity, and
// well-formed calls with one part broken (wrong type, out of range, too long, CR/LF, path traversal, extra or poisoned keys).
import fc from 'fast-check';

/** Keys that have broken JavaScript object handling before, and names our schemas do not accept. */
export const POISON_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'headers',
  'from',
  'path',
  'extra',
] as const;

const keyArb = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...POISON_KEYS));

/** What Electron's structured clone carries: no functions, symbols or class instances beyond the built-in ones. */
export const cloneable: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 2,
  maxKeys: 4,
  key: keyArb,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
});

type Path = Array<string | number>;

/** Every place in a value that can be replaced: the value itself, object fields, array items; byte arrays are leaves. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Date);
}

function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], value);
}

/** A copy of `value` with the thing at `path` replaced; own data properties only, so "__proto__" stays a plain key. */
function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  define(copy, key, setAt((value as Record<string | number, unknown>)[key], rest, replacement));
  return copy;
}

function define(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

const OUT_OF_RANGE = [
  -1,
  0,
  -0,
  0.5,
  65_536,
  2 ** 31,
  2 ** 53,
  1e308,
  -1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];
const TRAVERSAL = ['../', '..\\..\\', '/etc/', 'C:\\Windows\\', '%2e%2e%2f', './.', '~/', '\\\\server\\share\\'];
const HEADER_INJECTION = ['\r\nBcc: victim@example.com', '\nX-Injected: 1', '\r', '\u0000', '\u2028', '\r\n\r\n<script>alert(1)</script>'];
const encoder = new TextEncoder();

/** A value of the wrong kind, or the right kind pushed past what a schema should allow. */
function brokenVersionOf(original: unknown): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(
    fc.constantFrom<unknown>(null, undefined, true, false, 0, '', [], {}, Number.NaN),
    fc.integer(),
    fc.string({ maxLength: 20 }),
    fc.uint8Array({ maxLength: 16 }),
    fc.date({ noInvalidDate: true }),
    fc.bigInt(),
  );
  const candidates: Array<fc.Arbitrary<unknown>> = [wrongType, cloneable];
  if (typeof original === 'string') {
    candidates.push(
      fc.constant(encoder.encode(original)),
      fc.integer({ min: 300, max: 20_000 }).map((n) => original + 'x'.repeat(n)),
      fc.constantFrom(...HEADER_INJECTION).map((tail) => original + tail),
      fc.constantFrom(...HEADER_INJECTION).map((head) => head + original),
      fc.constantFrom(...TRAVERSAL).map((head) => head + original),
      fc.constantFrom(`${original}/../../accounts.json`, `.${original}`, `${original}/x`, ' '.repeat(3), '\t'),
      fc.constant([original]),
    );
  } else if (typeof original === 'number') {
    candidates.push(
      fc.constantFrom(...OUT_OF_RANGE),
      fc.double(),
      fc.constant(String(original)),
      fc.constant(BigInt(Math.trunc(original))),
    );
  } else if (typeof original === 'boolean') {
    candidates.push(fc.constantFrom<unknown>(String(original), original ? 1 : 0, [original]));
  } else if (original instanceof Uint8Array) {
    candidates.push(
      fc.constant(new TextDecoder().decode(original)),
      fc.constant([...original]),
      fc.constant(original.buffer.slice(0)),
      fc.constant(new Uint16Array(original.length)),
      fc.constant(new DataView(new ArrayBuffer(original.length))),
    );
  } else if (Array.isArray(original)) {
    const item = original[0] ?? 'x';
    candidates.push(
      fc.constant(Object.fromEntries(original.entries())),
      fc.integer({ min: 1_001, max: 3_000 }).map((n) => Array.from({ length: n }, () => item)),
      fc.array(cloneable, { minLength: 1, maxLength: 4 }),
    );
  } else if (isPlainObject(original)) {
    candidates.push(
      fc.constant(Object.values(original)),
      fc.constant(JSON.stringify(original)),
      fc.constant(new Map(Object.entries(original))),
    );
  }
  return fc.oneof(...candidates);
}

/** The valid call with one extra, unexpected or poisoned key in one of its objects. */
function withExtraKey(valid: readonly unknown[], objectPaths: Path[]): fc.Arbitrary<unknown[]> {
  return fc.tuple(fc.constantFrom(...objectPaths), keyArb, cloneable).map(([path, key, value]) => {
    const target = { ...(get(valid, path) as object) };
    define(target, key, value);
    return setAt(valid, path, target) as unknown[];
  });
}

/**
 * Calls that are meant to be refused, derived from one valid call of the channel. Some come out well-formed all the
 * same (an optional argument dropped, a number still in range); the test asks the schema which is which.
 */
export function malformedCall(valid: readonly unknown[]): fc.Arbitrary<unknown[]> {
  const strategies: Array<fc.Arbitrary<unknown[]>> = [
    // Junk of any arity.
    fc.array(cloneable, { maxLength: 4 }),
    // One or two arguments too many.
    fc.array(cloneable, { minLength: 1, maxLength: 2 }).map((extra) => [...valid, ...extra]),
  ];
  const paths = pathsOf(valid).filter((path) => path.length > 0);
  if (valid.length > 0) {
    strategies.push(
      fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
      fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), cloneable).map(([i, junk]) => setAt(valid, [i], junk) as unknown[]),
    );
    // The workhorse: one part of a well-formed call broken, weighted so every field gets its turn.
    const broken = fc
      .constantFrom(...paths)
      .chain((path) => brokenVersionOf(get(valid, path)).map((value) => setAt(valid, path, value) as unknown[]));
    strategies.push(broken, broken, broken);
  }
  const objectPaths = paths.filter((path) => isPlainObject(get(valid, path)));
  if (objectPaths.length > 0) strategies.push(withExtraKey(valid, objectPaths));
  return fc.oneof(...strategies);
}

/** A fixed seed per channel (FNV-1a of its name), so a failure replays and channels do not share one sequence. */
export function seedFor(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash | 0;
}
