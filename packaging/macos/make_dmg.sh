#!/bin/sh
# Wrap the .app from `pyinstaller packaging/vae_manager.spec` (run on macOS) in a
# drag-to-Applications disk image. Signs ad hoc unless CODESIGN_IDENTITY names a
# Developer ID (then notarize the .dmg with `xcrun notarytool submit --wait`).
#   sh packaging/macos/make_dmg.sh ["dist/VAE Manager.app"] [dist/VAE-Manager.dmg]
set -eu
APP="${1:-dist/VAE Manager.app}"
OUT="${2:-dist/VAE-Manager.dmg}"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$STAGE/$(basename "$APP")"
else
  codesign --force --deep --sign - "$STAGE/$(basename "$APP")"  # ad hoc: runs on this Mac
fi
hdiutil create -volname "VAE Manager" -srcfolder "$STAGE" -ov -format UDZO "$OUT"
echo "$OUT"
