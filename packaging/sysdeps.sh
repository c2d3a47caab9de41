#!/usr/bin/env bash
# Install the system libraries and fonts ChatVault's Qt needs, only when something is missing.
#
#   packaging/sysdeps.sh PYTHON [--test]
#
# What is checked, and why each check is the real one:
# - Qt's xcb platform plugin (the one a Linux desktop uses) is asked with `ldd` which libraries it
#   cannot find: Qt itself only says "could not load the Qt platform plugin xcb" and names the wrong
#   library, so a user on a plain X11 desktop had no way to know libxcb-icccm4 was missing.
# - Qt's core needs (glib, EGL/GL, xkbcommon, fontconfig, dbus) through ldconfig.
# - Fonts: a CJK font (Chinese text), a colour emoji font (otherwise emoji are boxes), and Noto Sans
#   with Noto Sans Arabic (fonts-noto-core), which the PDF export embeds.
# - With --test also Xvfb, so the test suite can start the real xcb platform, not only offscreen,
#   and Debian's chromium: the HTML export's acceptance tests open the exported pages headless;
#   and poppler-utils: the PDF export's tests render its pages and read their text.
# As root with apt-get it installs what is missing; otherwise it prints the one command to run.
set -euo pipefail
py=${1:?usage: sysdeps.sh PYTHON [--test]}
want_test=${2:-}

pkgs=()
add() { for p in "$@"; do [[ " ${pkgs[*]-} " == *" $p "* ]] || pkgs+=("$p"); done; }

# Qt's own dependencies (library soname -> Debian package).
declare -A core=(
  [libglib-2.0.so.0]=libglib2.0-0 [libEGL.so.1]=libegl1 [libGL.so.1]=libgl1
  [libxkbcommon.so.0]=libxkbcommon0 [libfontconfig.so.1]=libfontconfig1 [libdbus-1.so.3]=libdbus-1-3
)
known=$(ldconfig -p 2>/dev/null || true)     # once: `ldconfig | grep -q` under pipefail fails on SIGPIPE
for lib in "${!core[@]}"; do
  [[ "$known" == *"$lib"* ]] || add "${core[$lib]}"
done

# Every library the xcb plugin and Qt's XcbQpa library fail to resolve, mapped to its package.
declare -A xcb=(
  [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-image.so.0]=libxcb-image0 [libxcb-render-util.so.0]=libxcb-render-util0
  [libxcb-randr.so.0]=libxcb-randr0 [libxcb-shape.so.0]=libxcb-shape0 [libxcb-xinerama.so.0]=libxcb-xinerama0
  [libxcb-xkb.so.1]=libxcb-xkb1 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0 [libX11-xcb.so.1]=libx11-xcb1
  [libxcb-util.so.1]=libxcb-util1 [libxcb-shm.so.0]=libxcb-shm0 [libxcb-sync.so.1]=libxcb-sync1
  [libxcb-xfixes.so.0]=libxcb-xfixes0 [libxcb-render.so.0]=libxcb-render0
  [libxcb.so.1]=libxcb1 [libX11.so.6]=libx11-6 [libSM.so.6]=libsm6 [libICE.so.6]=libice6
)
qtdir=$("$py" -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))' 2>/dev/null || true)
if [ -n "$qtdir" ] && [ -f "$qtdir/plugins/platforms/libqxcb.so" ]; then
  missing=$(ldd "$qtdir/plugins/platforms/libqxcb.so" "$qtdir"/lib/libQt6XcbQpa.so.* 2>/dev/null \
            | awk '/not found/ {print $1}' | sort -u)
  for lib in $missing; do
    if [ -n "${xcb[$lib]-}" ]; then add "${xcb[$lib]}"; else
      echo "sysdeps: Qt's xcb plugin needs $lib, which no known package provides here." >&2; fi
  done
fi

if command -v fc-list >/dev/null 2>&1; then
  [ -n "$(fc-list :lang=zh 2>/dev/null)" ] || add fonts-noto-cjk
  [[ "$(fc-list 2>/dev/null)" == *[Ee]moji* ]] || add fonts-noto-color-emoji
else
  add fontconfig fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
fi
# The PDF export embeds Noto Sans and falls back to Noto Sans Arabic: both are in fonts-noto-core.
if command -v fc-list >/dev/null 2>&1; then
  { [ -n "$(fc-list 'Noto Sans' 2>/dev/null)" ] && [ -n "$(fc-list 'Noto Sans Arabic' 2>/dev/null)" ]; } || add fonts-noto-core
fi

if [ "$want_test" = "--test" ]; then
  command -v Xvfb >/dev/null 2>&1 || add xvfb xauth
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || add chromium
  # The PDF tests render pages (pdftoppm) and read their text (pdftotext).
  { command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || add poppler-utils
fi

[ ${#pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing what Qt needs with apt-get: ${pkgs[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
else
  echo "ChatVault needs these system packages. Run:"
  echo "  sudo apt-get install -y ${pkgs[*]}"
  exit 1
fi
