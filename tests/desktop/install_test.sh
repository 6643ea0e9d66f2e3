#!/usr/bin/env bash
# install_test.sh BUILD_DIR VERSION: `cmake --install` into a temporary prefix, then everything a
# desktop needs is where it looks, and the installed programs run from there.
set -euo pipefail
build=$1 version=$2
id=io.github.canvasprochart.CanvasProChart
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

# A build of only some targets (e.g. the sanitizer runs of the Qt-free suites) has nothing to
# install: that is a skip, not a failure (ctest's SKIP_RETURN_CODE 77).
for program in src/app/canvasprochart src/cli/cpc; do
  [ -x "$build/$program" ] || { echo "SKIP: $build/$program is not built (build every target to test the install)"; exit 77; }
done

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }

for f in bin/canvasprochart bin/cpc share/applications/$id.desktop share/metainfo/$id.metainfo.xml \
         share/icons/hicolor/scalable/apps/$id.svg; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
for size in 16 22 24 32 48 64 128 256 512; do
  png=$prefix/share/icons/hicolor/${size}x${size}/apps/$id.png
  [ -f "$png" ] || fail "icon ${size}x${size} not installed"
  # The PNG header's width field (big-endian at byte 16) is the size of its folder.
  width=$(od -An -tu1 -j16 -N4 "$png" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  [ "$width" -eq "$size" ] || fail "$png is ${width} px wide, not $size"
done
for lang in en pt_BR; do
  [ -s "$prefix/share/canvasprochart/translations/canvasprochart_$lang.qm" ] || fail "translation $lang not installed"
done
# The menu entry starts the installed program.
grep -qx 'Exec=canvasprochart' "$prefix/share/applications/$id.desktop" || fail "desktop file's Exec is not canvasprochart"
grep -qx "Icon=$id" "$prefix/share/applications/$id.desktop" || fail "desktop file's Icon is not $id"

# Run from the prefix, with nothing of the user's touched.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$HOME"
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$prefix/bin/canvasprochart" --version)
[[ $out == "canvasprochart $version"* ]] || fail "canvasprochart --version printed '$out'"
out=$("$prefix/bin/cpc" --version)
[[ $out == "cpc $version"* ]] || fail "cpc --version printed '$out'"
echo "$out"

shot=$work/shot.png
QT_QPA_PLATFORM=offscreen "$prefix/bin/canvasprochart" --demo --screenshot "$shot" --exit-after 4 \
  --database "$work/demo.sqlite3" --settings "$work/settings.ini" || fail "canvasprochart --demo --screenshot"
[ -f "$shot" ] || fail "no screenshot written"
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"
# A chart full of candles and text compresses to tens of kilobytes; a blank window to a few.
bytes=$(stat -c %s "$shot")
[ "$bytes" -gt 30000 ] || fail "the screenshot is only $bytes bytes: a blank window?"
echo "installed into $prefix: programs run, screenshot $bytes bytes"
