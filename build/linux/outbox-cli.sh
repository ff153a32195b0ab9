#!/bin/sh
# The `outbox` command of the installed app (/usr/bin/outbox links here; this file is resources/bin/outbox):
# runs the app's own executable in CLI mode (electron/main/cli-mode.ts), with the app's data folder and keychain.
# Not ELECTRON_RUN_AS_NODE: that fuse is off. Ozone's headless platform lets it run with no display (SSH, cron);
# the switches come before --outbox-cli, and `--` ends Chromium's own switch parsing so the command's options stay ours.
here=$(dirname "$(readlink -f "$0")")
exec "$here/../../outbox" --ozone-platform=headless --disable-gpu --outbox-cli -- "$@"
