// @vitest-environment happy-dom
// The plain-text alternative as a reader of the text part sees it, derived from the editor's HTML.
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../renderer/src/compose/html-to-text';

function text(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  return htmlToText(template.content);
}

describe('htmlToText', () => {
  it('makes each editor line a line and keeps blank lines', () => {
    expect(text('<div>Hello Bob,</div><div><br></div><div>See you <b>Friday</b>.</div>')).toBe('Hello Bob,\n\nSee you Friday.');
  });

  it('turns <br> into line breaks and collapses whitespace like a browser does', () => {
    expect(text('<p>one<br>two   \n three&nbsp;four</p>')).toBe('one\ntwo three four');
  });

  it('writes bulleted and numbered lists, nested ones indented', () => {
    expect(text('<ul><li>milk</li><li>eggs<ul><li>brown</li></ul></li></ul><ol><li>first</li><li>second</li></ol>')).toBe(
      '- milk\n- eggs\n  - brown\n1. first\n2. second',
    );
  });

  it('writes a link as its text and address, and only once when they are the same', () => {
    expect(text('<p>Read <a href="https://example.com/report">the report</a>.</p>')).toBe('Read the report (https://example.com/report).');
    expect(text('<p><a href="https://example.com">https://example.com</a></p>')).toBe('https://example.com');
    expect(text('<p><a href="mailto:bob@example.com">bob@example.com</a></p>')).toBe('bob@example.com');
  });

  it('quotes a blockquote line by line', () => {
    expect(text('<div>Thanks</div><blockquote><div>Can you come?</div><div><br></div><div>Ann</div></blockquote>')).toBe(
      'Thanks\n> Can you come?\n>\n> Ann',
    );
  });

  it('gives nothing for an empty editor', () => {
    expect(text('<div><br></div>')).toBe('');
  });
});
