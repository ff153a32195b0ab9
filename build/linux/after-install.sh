#!/bin/bash
# deb postinst (electron-builder's after-install template, with ${...} macros it fills in) for Outbox:
# /usr/bin/outbox is the `outbox` command (resources/bin/outbox, the app's executable in CLI mode), not the
# window: the desktop entry starts the app. $DPKG_ROOT is dpkg's install root (empty on a normal install).

APP_DIR='/opt/${sanitizedProductName}'
COMMAND="$DPKG_ROOT/usr/bin/outbox"
LAUNCHER="$APP_DIR/resources/bin/outbox"

# An older package registered the app itself under update-alternatives as /usr/bin/${executable}.
if type update-alternatives >/dev/null 2>&1 && [ -z "$DPKG_ROOT" ]; then
    update-alternatives --remove '${executable}' "$APP_DIR/${executable}" >/dev/null 2>&1 || true
fi
# Replace a link of ours (or a dangling one); never someone else's file.
if [ -L "$COMMAND" ] || [ ! -e "$COMMAND" ]; then
    mkdir -p "$DPKG_ROOT/usr/bin"
    ln -sfn "$LAUNCHER" "$COMMAND"
else
    echo "Outbox: $COMMAND exists and is not a link; the outbox command is at $LAUNCHER" >&2
fi

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 "$DPKG_ROOT$APP_DIR/chrome-sandbox" || true
else
    chmod 0755 "$DPKG_ROOT$APP_DIR/chrome-sandbox" || true
fi

if [ -z "$DPKG_ROOT" ] && hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if [ -z "$DPKG_ROOT" ] && hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24.04 and later restrict unprivileged user namespaces): as electron-builder's template.
if [ -z "$DPKG_ROOT" ] && apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi
