#!/bin/sh
# The `outbox` command of the installed app (Outbox.app/Contents/Resources/bin/outbox; Outbox ▸ Install Command Line
# Tool… links to it): runs the app's own executable in CLI mode (electron/main/cli-mode.ts), with the app's data
# folder and keychain access. Not ELECTRON_RUN_AS_NODE: that fuse is off. `--` ends Chromium's switch parsing.
self=$0
# Follow the link(s) to this file, so the app is found wherever the link lives.
while [ -L "$self" ]; do
  target=$(readlink "$self")
  case $target in
    /*) self=$target ;;
    *) self=$(dirname "$self")/$target ;;
  esac
done
here=$(cd "$(dirname "$self")" && pwd -P)
exec "$here/../../MacOS/Outbox" --outbox-cli -- "$@"
