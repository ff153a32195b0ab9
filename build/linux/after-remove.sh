#!/bin/bash
# deb postrm (electron-builder's after-remove template, with ${...} macros it fills in) for Outbox: removes
# /usr/bin/outbox when it is still our link. On an upgrade the new package's postinst makes it again.
# rpm passes 1 here when upgrading, after the new package's scripts ran: keep the link then.
if [ "$1" = "1" ]; then
    exit 0
fi

APP_DIR='/opt/${sanitizedProductName}'
COMMAND="$DPKG_ROOT/usr/bin/outbox"

if [ -L "$COMMAND" ] && [ "$(readlink "$COMMAND")" = "$APP_DIR/resources/bin/outbox" ]; then
    rm -f "$COMMAND"
fi

APPARMOR_PROFILE_DEST="$DPKG_ROOT/etc/apparmor.d/${executable}"
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if [ -z "$DPKG_ROOT" ] && apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
