// The `outbox --help` text and each command's own help: what a user types, what exit codes mean,
// and the environment variables the command reads.
export const COMMANDS = ['send', 'compose', 'queue', 'show', 'flush', 'retry', 'cancel', 'delete', 'account', 'detect'] as const;
export type CommandName = (typeof COMMANDS)[number];

const GLOBAL = `Global options:
  --data-dir DIR   use DIR for accounts and the outbox (default: the app's folder,
                   ~/.config/Outbox on Linux; or $OUTBOX_DATA_DIR)
  --help           show help (also: outbox COMMAND --help)
  --version        show the version`;

const ENVIRONMENT = `Environment:
  OUTBOX_DATA_DIR  the data folder, when --data-dir is not given
  OUTBOX_OFFLINE   set to 1 to behave as if offline: messages are queued, not sent
                   (servers on this computer count as reachable otherwise, even with no network)
  OUTBOX_DEBUG     set to 1 to log what the outbox does to standard error`;

const EXIT_CODES = `Exit codes (sysexits, as sendmail and msmtp):
  0 ok (without --wait also when a message is queued for later)   64 usage
  65 bad message or address, or not possible in the message's state (e.g. retry a sent one)
  66 file missing or not a regular file, or no message with that id   67 recipient refused
  69 server refused   70 internal error   73 data folder unwritable or disk full
  74 the message's stored copy is damaged (quarantined, not sent)
  75 temporary: after --wait, some message still waiting (the next try is printed); keychain, lock
  76 protocol   77 sign-in refused   78 no account, a damaged accounts file, or a data folder that is a file
With --wait: 0 only when every message was delivered, 75 when some still wait, else the code
of the first failure.`;

export const HELP: Readonly<Record<CommandName | 'main', string>> = {
  main: `Usage: outbox [--data-dir DIR] COMMAND [OPTIONS]

Outbox keeps a durable outbox of mail and sends it over SMTP, retrying until it leaves.

Commands:
  send [-t] [-i] [-f FROM] [-a ACCOUNT] [RCPT...] < message.eml
                                  queue a message (sendmail-compatible) and send it
  compose --to A --subject S (--text T | --text-file F) [...]
                                  write a message from options and queue it
  queue [--json] [--all]          list the outbox
  show ID [--json]                one message: state, attempts, server replies, transcript
  flush [--wait [--max-wait S]]   send everything that is waiting now
  retry ID [--wait]               put a failed or held message back in the queue
  cancel ID                       cancel a message that has not been sent
  delete ID                       remove a message (and its file) from the outbox for good
  account add|list|remove         manage sending accounts
  account test ID [--json]        check an account's servers and say what is wrong
  account trust ID --fingerprint SHA256 [--imap]
                                  trust this one server certificate for this account
  account password ID --password-stdin [--imap]
                                  a new password (held messages are queued again)
  account signin ID               sign in again with Google or Microsoft in the browser
  account set ID [--sent-folder NAME] [--sent-copy | --no-sent-copy]
                 [--max-connections N] [--per-minute N] [--per-day N]
                 [--recipients-per-day N] [--recipients-per-message N]
                                  where copies of sent mail are filed; the sending limits
  detect EMAIL [--json] [--dns-server IP[:PORT]] [--timeout SECONDS]
                                  find the server settings for an address, and how they were found

${GLOBAL}

${ENVIRONMENT}

${EXIT_CODES}
`,
  send: `Usage: outbox send [-t] [-i] [-f FROM] [-a ACCOUNT] [--queue-only] [--wait [--max-wait SECONDS]]
                   [--delay SECONDS] [RCPT...] < message.eml

Reads a complete message (headers and body) from standard input, queues it durably,
prints its id and makes one attempt to send it. Offline or after a temporary failure
it stays queued (exit 0); it leaves with the next 'outbox flush' or when the app runs.

  -t               also take recipients from To, Cc and Bcc (Bcc is removed)
  -i, -oi          a line with a single dot does not end the message
  -f FROM, -r FROM envelope sender (default: the account's address)
  -a ACCOUNT       account id, address or name (default: the one matching From, else the first)
  --queue-only     queue without an attempt (also -odq)
  --wait           wait until the message is sent or has failed for good, through retries
  --max-wait SECONDS  how long --wait waits at most (default 600; 0: no limit); still waiting
                   then exits 75
  --delay SECONDS  hold the message this long first, undoable in the app meanwhile (0-3600);
                   without it nothing is delayed, whatever the app's Undo send preference

Accepted for sendmail compatibility and ignored: -bm, -odi, -odb, -oem, -oep, -oeq, -oew,
-om, -v, -U, -F NAME, -N DSN, -R RET, -V ENVID, -B TYPE.

${EXIT_CODES}
`,
  compose: `Usage: outbox compose --to A [--cc B] [--bcc C] --subject S (--text T | --text-file F)
                      [--html-file F] [--attach FILE]... [-a ACCOUNT] [--from F] [--at TIME]
                      [--queue-only] [--wait [--max-wait SECONDS]]

  --to, --cc, --bcc ADDR   recipients; repeat the option or separate with commas
  --subject S              the subject
  --text T | --text-file F the plain-text body (F may be - for standard input)
  --html-file F            an HTML body besides the text
  --attach FILE            attach a file; repeatable
  -a, --account ACCOUNT    account id, address or name
  --from F                 the From address (default: the account's)
  --at TIME                send later: "2030-05-17 09:30" (local) or ISO 8601 with an offset
  --queue-only             queue without an attempt
  --wait                   wait until the message is sent or has failed for good, through retries
  --max-wait SECONDS       how long --wait waits at most (default 600; 0: no limit)

${EXIT_CODES}
`,
  queue: `Usage: outbox queue [--json] [--all]

Lists the messages that have not been sent (--all: sent ones too): id, state, account,
recipients, subject, and when the next attempt is or why it stopped.
`,
  show: `Usage: outbox show ID [--json]

Shows one message: its state, every attempt with its time, outcome, the server's reply,
a plain explanation and the next step, and the SMTP transcript.
`,
  flush: `Usage: outbox flush [--wait [--max-wait SECONDS]]

Makes every waiting message due now and sends it (held messages stay held), here or through the
Outbox process that is running. Prints how many were sent, failed, and still wait.

--wait follows every message that was due when the command started, those already being sent
included, through retries, for at most --max-wait seconds (default 600; 0: no limit), then saves
the Sent copies of what it sent. It exits 0 when every one was delivered, 75 when some still wait
(the next try is printed), or with the code of the first failure.

${EXIT_CODES}
`,
  retry: `Usage: outbox retry ID [--queue-only] [--wait [--max-wait SECONDS]]

Puts a failed or held message back in the queue and makes one attempt to send it.
`,
  detect: `Usage: outbox detect EMAIL [--json] [--dns-server IP[:PORT]] [--timeout SECONDS]

Finds the SMTP (and IMAP) settings for an address: Outbox's bundled provider data (also matched on the
domain's MX), Thunderbird's online database, the domain's own autoconfig file, SRV records, and only
if none of those answer, a probe of smtp., mail. and the domain on 465, 587, 25 and 2525. Prints the
ranked candidates (encrypted first; an unencrypted one is never picked by itself), every step with its
timing, and advice on the domain's SPF, DMARC and MX records.

  --json                 machine-readable result
  --dns-server IP[:PORT] send every DNS query to this server instead of the system's
  --timeout SECONDS      the whole search's deadline (default 8); the best found by then is shown

Exits 0 when an encrypted SMTP server was found, 69 when none was.
`,
  cancel: `Usage: outbox cancel ID

Cancels a message that has not been sent; it stays in the list as failed ("cancelled").
`,
  delete: `Usage: outbox delete ID

Removes a message from the outbox for good, with its stored copy: a sent one (its copy in the Sent folder
stays), a failed one, or a quarantined (damaged) one. A message being sent right now cannot be deleted.
`,
  account: `Usage:
  outbox account add --name N --email E --host H --port P --security tls|starttls|none [--insecure]
                     [--user U] [--password-stdin]
                     [--imap-host H --imap-port P --imap-security tls|starttls|none [--imap-insecure]
                      [--imap-user U]] [--sent-copy | --no-sent-copy]
  outbox account add --name N --email E --oauth google|microsoft [--client-id ID [--client-secret S]]
  outbox account list [--json]
  outbox account remove ID
  outbox account test ID [--json]
  outbox account trust ID --fingerprint SHA256 [--imap]
  outbox account password ID --password-stdin [--imap]
  outbox account signin ID
  outbox account set ID [--sent-folder NAME] [--sent-copy | --no-sent-copy]
                     [--max-connections N] [--per-minute N] [--per-day N]
                     [--recipients-per-day N] [--recipients-per-message N]

When the server refuses an account's password (or the provider its sign-in), its messages are
held; 'password' or 'signin' fixes the account and they leave again. --imap sets a password of
IMAP's own. 'set' picks the Sent folder, or turns the copy on or off (Gmail files its own, so
the copy starts off there). The limits replace the provider's (Gmail, Microsoft 365,
iCloud …) for this account, e.g. for a paid plan or a company relay; Outbox paces sending
by them and waits, never fails, when a day's allowance is used.

The password is read from standard input with --password-stdin (never from the command
line) and kept in the system keychain. --security none needs --insecure as well.

With --oauth, the servers come from the provider and you sign in in your browser: the
address is printed first, for a computer where no browser opens. The sign-in is kept in the
system keychain; --client-id replaces the client id built into Outbox (--client-secret gives
that client's secret, which Google's Desktop-app clients need; it is kept in the keychain).

With the --imap-... options, a copy of each sent message is saved in the Sent folder
(turn it off with --no-sent-copy); IMAP logs in with the same user name and password
unless --imap-user is given. --imap-security none needs --imap-insecure.

'test' connects to the SMTP server (and the IMAP server, if set), negotiates TLS, signs in
and prints a verdict with one next step, the server's capabilities, its certificate with
the SHA-256 fingerprint, timings and the transcript (no passwords). It exits 0 when every
check passed, else with the exit code of the problem found.

'trust' pins the server's certificate for this one account (--imap: the IMAP server's),
but only if the server presents exactly the certificate with that fingerprint.
`,
};
