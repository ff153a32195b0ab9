// A real submission service as a new user meets it: Postfix requiring STARTTLS and then AUTH PLAIN (checked by a
// private Dovecot's auth socket) from everyone, loopback included. Outbox signs in with the password from the keychain
// and delivers once; a wrong password is a sign-in refusal (exit 77) that delivers nothing and never prints the
// password. Needs the test keyring (`npm test -- test/realworld`), as every account with a password does.
import { expect, it } from 'vitest';
import { describeKeyring } from '../peers/keyring';
import { copies, describePostfix } from './suite';

const USER = 'ann@example.com';
const PASSWORD = 'a submission password, not a real one';

describeKeyring('AUTH PLAIN on a real Postfix submission service', () => {
  describePostfix('with STARTTLS and AUTH required', { auth: { user: USER, password: PASSWORD } }, (world) => {
    it('without signing in, msmtp is refused: the server really requires AUTH', () => {
      const m = world.msmtp(['--from=ann@example.com', 'auth-nobody@example.org'], 'Subject: no auth\r\n\r\nbody\r\n');
      expect(m.code).not.toBe(0);
      expect(m.stderr).toMatch(/5\d\d/);
    });

    it('signs in with the keychain password and delivers one copy', async () => {
      const outbox = await world.outbox(USER, 'Ann', PASSWORD);
      const mark = world.peer.postfixLog().length;
      const r = await outbox.run(['send', '-t', '--wait'], {
        input: 'From: Ann <ann@example.com>\nTo: auth-bob@example.org\nSubject: signed in\n\nbody\n',
      });
      expect(r.code, r.stderr).toBe(0);
      await world.peer.settled();
      expect(copies(world, ['auth-bob@example.org'])).toEqual({ 'auth-bob@example.org': 1 });
      expect(world.peer.postfixLog().slice(mark)).toMatch(/sasl_method=PLAIN, sasl_username=ann@example\.com/);
    });

    it('a wrong password: exit 77, nothing delivered, the password never printed', async () => {
      const wrong = 'not the password, also secret';
      const outbox = await world.outbox(USER, 'Ann', wrong);
      const r = await outbox.run(['send', '-t', '--wait'], {
        input: 'From: Ann <ann@example.com>\nTo: auth-carol@example.org\nSubject: wrong\n\nbody\n',
      });
      expect(r.code, r.stderr).toBe(77);
      expect(r.stderr).toMatch(/535/);
      expect(r.stdout + r.stderr).not.toContain(wrong);
      const show = await outbox.run(['show', r.stdout.trim() || 'missing']);
      expect(show.stdout + show.stderr).not.toContain(wrong);
      await world.peer.settled();
      expect(copies(world, ['auth-carol@example.org'])).toEqual({ 'auth-carol@example.org': 0 });
    });
  });
});
