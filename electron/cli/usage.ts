// The `outbox --help` text: every command in one line, the global options, the environment variables the
// command reads and what exit codes mean (the last also ends the help of the commands that send).
// Each command's own help is in its file under commands/.

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

export const EXIT_CODES = `Exit codes (sysexits, as sendmail and msmtp):
  0 ok (without --wait also when a message is queued for later)   64 usage
  65 bad message or address, or not possible in the message's state (e.g. retry a sent one)
  66 file missing or not a regular file, or no message with that id   67 recipient refused
  69 server refused   70 internal error   73 data folder unwritable or disk full
  74 the message's stored copy is damaged (quarantined, not sent)
  75 temporary: after --wait, some message still waiting (the next try is printed); keychain, lock
  76 protocol   77 sign-in refused   78 no account, a damaged accounts file, a data folder that is a file,
  or no OAuth client id to sign in with
With --wait: 0 only when every message was delivered, 75 when some still wait, else the code
of the first failure.`;

export const HELP = {
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
} as const;
