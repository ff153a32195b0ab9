// Readable account ids made from the address (ann@example.com -> ann-example-com), unique within the file.
// The id names the keychain entry too, so it never changes once given.

const MAX_SLUG = 56; // leaves room for a "-NNN" suffix within the profile schema's 64 characters

export function slugify(email: string): string {
  const slug = email
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : 'account';
}

/** The slug of `email`, or the slug with the first free "-2", "-3", … suffix. */
export function uniqueAccountId(email: string, taken: ReadonlySet<string>): string {
  const base = slugify(email);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
