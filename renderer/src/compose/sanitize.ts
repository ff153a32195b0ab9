// The one DOMPurify policy for message bodies: the editor's output and any draft loaded back into the editor.
// Simple formatting only, no style attributes, links to http(s) and mailto only: nothing remote can load.
import DOMPurify, { type Config } from 'dompurify';
import { htmlToText } from './html-to-text';

export const BODY_POLICY: Config = {
  ALLOWED_TAGS: ['p', 'div', 'br', 'b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'a', 'blockquote'],
  ALLOWED_ATTR: ['href'],
  FORBID_ATTR: ['style'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  KEEP_CONTENT: true,
};

const ALLOWED = new Set(BODY_POLICY.ALLOWED_TAGS);
// Dropped with everything inside them: their content is code, styling or another document, never message text.
const DROP_WITH_CONTENT = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'head',
  'title',
  'textarea',
  'select',
]);
const SAFE_HREF = /^(?:https?:|mailto:)/i;

/**
 * DOMPurify does the sanitising; the same allowlist is then enforced once more on the result with a plain walk, so
 * the policy holds even where DOMPurify cannot run properly (in happy-dom it passes markup through and drops
 * wrappers: there the walk alone applies the policy, on a windowless document).
 */
let purifyWorks: boolean | undefined;
/** Whether DOMPurify really sanitises here (it does in Chromium); checked once with a known input. */
function purifierWorks(): boolean {
  purifyWorks ??=
    DOMPurify.isSupported &&
    String(
      DOMPurify.sanitize('<div><b>a</b><span title="t">c</span><script>y()</script></div>', { ...BODY_POLICY, RETURN_TRUSTED_TYPE: false }),
    ) === '<div><b>a</b>c</div>';
  return purifyWorks;
}

export function sanitizeBody(html: string): string {
  const purified = purifierWorks() ? String(DOMPurify.sanitize(html, { ...BODY_POLICY, RETURN_TRUSTED_TYPE: false })) : html;
  const body = inertBody(purified);
  enforce(body);
  return body.innerHTML;
}

/** Parses HTML into a document with no window: nothing in it runs, loads, or even asks the page's CSP. */
function inertBody(html: string): HTMLElement {
  return new DOMParser().parseFromString(`<!doctype html><html><head></head><body>${html}</body></html>`, 'text/html').body;
}

function enforce(parent: Node): void {
  for (let node = parent.firstChild; node;) {
    const next = node.nextSibling;
    if (node.nodeType === 1) {
      const element = node as Element;
      const tag = element.tagName.toLowerCase();
      if (DROP_WITH_CONTENT.has(tag)) element.remove();
      else if (!ALLOWED.has(tag)) {
        enforce(element);
        element.replaceWith(...element.childNodes);
      } else {
        // A copy: removing from the live attribute map while walking it would skip the next one.
        for (const attribute of Array.from(element.attributes)) {
          const keep = tag === 'a' && attribute.name === 'href' && SAFE_HREF.test(attribute.value.trim());
          if (!keep) element.removeAttribute(attribute.name);
        }
        enforce(element);
      }
    } else if (node.nodeType !== 3) node.parentNode?.removeChild(node);
    node = next;
  }
}

/** Both parts of the body from the editor's HTML: the sanitised HTML and its plain-text alternative. */
export function bodyParts(rawHtml: string): { html: string; text: string } {
  const html = sanitizeBody(rawHtml);
  const text = htmlToText(inertBody(html));
  // An editor left with only an empty line holds no message.
  return text.trim() === '' ? { html: '', text: '' } : { html, text };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Plain text (a mailto: body, a draft with text only) as editor HTML: one line per <div>, blank lines kept. */
export function textToHtml(text: string): string {
  if (!text) return '';
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (line === '' ? '<div><br></div>' : `<div>${line.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)}</div>`))
    .join('');
}

/** What to load into the editor from a draft: its HTML sanitised, or its text when it has no HTML. */
export function draftBodyHtml(draft: { html: string; text: string }): string {
  return draft.html.trim() ? sanitizeBody(draft.html) : textToHtml(draft.text);
}
