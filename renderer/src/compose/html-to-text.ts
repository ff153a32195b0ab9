// The plain-text alternative of the editor's HTML: lines and paragraphs as line breaks, list items as "- " or
// "1. ", quotes as "> ", links as "text (url)". Pure: reads a DOM tree, touches nothing.

const BLOCKS = new Set(['P', 'DIV', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'PRE', 'TABLE', 'TR']);

class Writer {
  private out = '';
  private atLineStart = true;
  readonly prefixes: string[] = [];

  write(text: string): void {
    if (!text) return;
    if (this.atLineStart) {
      text = text.replace(/^ +/, '');
      if (!text) return;
      this.out += this.prefixes.join('');
      this.atLineStart = false;
    }
    this.out += text;
  }

  /** Starts the line with its prefix even when nothing follows (an empty list item still shows its bullet). */
  startLine(): void {
    if (!this.atLineStart) return;
    this.out += this.prefixes.join('');
    this.atLineStart = false;
  }

  newline(): void {
    // A blank line inside a quote keeps its ">" so the quote reads as one block.
    if (this.atLineStart) this.out += this.prefixes.join('').trimEnd();
    this.out += '\n';
    this.atLineStart = true;
  }

  /** Ends the current line unless it is empty: block edges never add blank lines on their own. */
  endLine(): void {
    if (!this.atLineStart) this.newline();
  }

  result(): string {
    return this.out
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
  }
}

export function htmlToText(root: Node): string {
  const writer = new Writer();
  walkChildren(root, writer, []);
  return writer.result();
}

/** `lists` holds one counter per open list: null for a bulleted one, the next number for a numbered one. */
function walkChildren(node: Node, writer: Writer, lists: (number | null)[]): void {
  for (let child = node.firstChild; child; child = child.nextSibling) walk(child, writer, lists);
}

function walk(node: Node, writer: Writer, lists: (number | null)[]): void {
  if (node.nodeType === 3) {
    writer.write((node.nodeValue ?? '').replace(/\u00a0/g, ' ').replace(/[ \t\r\n\f]+/g, ' '));
    return;
  }
  if (node.nodeType !== 1 && node.nodeType !== 11) return;
  const tag = node.nodeType === 1 ? (node as Element).tagName.toUpperCase() : '';
  switch (tag) {
    case 'BR':
      writer.newline();
      return;
    case 'SCRIPT':
    case 'STYLE':
    case 'TEMPLATE':
      return;
    case 'A':
      return link(node as Element, writer, lists);
    case 'UL':
    case 'OL': {
      writer.endLine();
      const start = Number((node as Element).getAttribute('start') ?? '1');
      const counters = [...lists, tag === 'OL' ? (Number.isFinite(start) ? start : 1) : null];
      walkChildren(node, writer, counters);
      writer.endLine();
      return;
    }
    case 'LI':
      return listItem(node, writer, lists);
    case 'BLOCKQUOTE':
      writer.endLine();
      writer.prefixes.push('> ');
      walkChildren(node, writer, lists);
      writer.endLine();
      writer.prefixes.pop();
      return;
  }
  const block = BLOCKS.has(tag);
  if (block) writer.endLine();
  walkChildren(node, writer, lists);
  if (block) writer.endLine();
}

function listItem(node: Node, writer: Writer, lists: (number | null)[]): void {
  writer.endLine();
  const depth = lists.length;
  const counter = lists[depth - 1];
  let marker = '- ';
  if (typeof counter === 'number') {
    marker = `${counter}. `;
    lists[depth - 1] = counter + 1;
  }
  const indent = '  '.repeat(Math.max(0, depth - 1));
  writer.prefixes.push(indent + marker);
  writer.startLine();
  // Only the item's first line carries the marker; a nested list indents itself by its depth.
  writer.prefixes[writer.prefixes.length - 1] = '';
  walkChildren(node, writer, lists);
  writer.prefixes.pop();
  writer.endLine();
}

function link(element: Element, writer: Writer, lists: (number | null)[]): void {
  walkChildren(element, writer, lists);
  const href = element.getAttribute('href') ?? '';
  const text = (element.textContent ?? '').trim();
  const bare = href.replace(/^mailto:/i, '');
  if (href && text !== href && text !== bare && text.replace(/\/$/, '') !== href.replace(/\/$/, '')) writer.write(` (${href})`);
}
