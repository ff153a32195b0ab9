// @vitest-environment happy-dom
// The body policy: simple formatting survives, anything that could run, load or restyle does not.
import { describe, expect, it } from 'vitest';
import { bodyParts, draftBodyHtml, sanitizeBody, textToHtml } from '../../../renderer/src/compose/sanitize';

describe('the body policy', () => {
  it('keeps bold, italic, underline, lists, quotes and web or mail links', () => {
    const html =
      '<div><b>a</b><i>b</i><u>c</u><ul><li>d</li></ul><blockquote>e</blockquote><a href="https://x.org">x</a><a href="mailto:a@b.co">m</a></div>';
    expect(sanitizeBody(html)).toBe(html);
  });

  it('drops scripts, images, styles, event handlers and other link schemes', () => {
    const out = sanitizeBody(
      '<p style="color:red" onclick="x()">hi<img src="https://tracker.example/p.gif"><script>alert(1)</script><a href="javascript:alert(1)">j</a><a href="file:///etc/passwd">f</a></p><style>p{}</style>',
    );
    expect(out).toBe('<p>hi<a>j</a><a>f</a></p>');
  });

  it('gives both parts of the body, and none for an empty editor', () => {
    expect(bodyParts('<div>Hi <b>Bob</b></div><div>Line two</div>')).toEqual({
      html: '<div>Hi <b>Bob</b></div><div>Line two</div>',
      text: 'Hi Bob\nLine two',
    });
    expect(bodyParts('<div><br></div>')).toEqual({ html: '', text: '' });
  });

  it('escapes plain text into lines, so a mailto: body cannot inject markup', () => {
    expect(textToHtml('Hi <b>\n\nBye & thanks')).toBe('<div>Hi &lt;b&gt;</div><div><br></div><div>Bye &amp; thanks</div>');
  });

  it('loads a draft through the same policy, or its text when it has no HTML', () => {
    expect(draftBodyHtml({ html: '<html><body><p>x<img src=x onerror=alert(1)></p></body></html>', text: 'x' })).toBe('<p>x</p>');
    expect(draftBodyHtml({ html: '', text: 'a\nb' })).toBe('<div>a</div><div>b</div>');
  });
});
