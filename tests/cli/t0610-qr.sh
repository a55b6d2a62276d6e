#!/bin/bash
# QR codes of the sync codes, read back with a real decoder (zbarimg): the
# enrollment code from keys show as PNG, as SVG and as terminal half-blocks
# (both redrawn as PBM images from their own text), and an HQ receipt as PNG.
# Skipped (77) without zbarimg: packaging/install-deps.sh installs zbar-tools.
source "$(dirname "$0")/lib.sh"
command -v zbarimg >/dev/null || { echo "zbarimg not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
T=$TEST_TMP

# decode FILE: what zbarimg reads in the image, nothing else
decode() { zbarimg -q --raw "$1" 2>/dev/null | tr -d '\n'; }

# svg_to_pbm SVG PBM: draws the SVG's path runs ("Mx yhNv1h-Nz") as pixels
svg_to_pbm() {
    python3 - "$1" "$2" <<'PY'
import re, sys
svg = open(sys.argv[1]).read()
n = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
d = re.search(r' d="([^"]*)"', svg).group(1)
grid = [[0] * n for _ in range(n)]
runs = re.findall(r'M(\d+) (\d+)h(\d+)v1h-(\d+)z', d)
assert "".join("M%s %sh%sv1h-%sz" % r for r in runs) == d, "unexpected path syntax"
for x, y, w, _ in runs:
    for i in range(int(w)):
        grid[int(y)][int(x) + i] = 1
s = 4
with open(sys.argv[2], "w") as f:
    f.write("P1\n%d %d\n" % (n * s, n * s))
    for row in grid:
        line = " ".join(str(v) for v in row for _ in range(s))
        for _ in range(s):
            f.write(line + "\n")
PY
}

# text_to_pbm TEXT PBM: half-block lines (SGR codes skipped) back to pixels
text_to_pbm() {
    python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
rows = []
glyph = {" ": (0, 0), "\u2580": (1, 0), "\u2584": (0, 1), "\u2588": (1, 1)}
for line in text.split("\n"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if not line or any(c not in glyph for c in line):
        continue
    rows.append([glyph[c][0] for c in line])
    rows.append([glyph[c][1] for c in line])
w = len(rows[0])
assert all(len(r) == w for r in rows), "ragged drawing"
s = 4
with open(sys.argv[2], "w") as f:
    f.write("P1\n%d %d\n" % (w * s, len(rows) * s))
    for row in rows:
        line = " ".join(str(v) for v in row for _ in range(s))
        for _ in range(s):
            f.write(line + "\n")
PY
}

expect_exit 0 "$FC" keys init
expect_exit 0 "$FC" --json keys show
code=$(printf '%s\n' "$OUT" | jq -r .enrollment)
expect_contains "$code" FCE1 "enrollment code"

expect_exit 0 "$FC" keys show --qr --qr-png "$T/e.png" --qr-svg "$T/e.svg"
printf '%s\n' "$OUT" >"$T/term.txt"
expect_contains "$OUT" "QR code written to $T/e.png"
expect_not_contains "$OUT" $'\033' "redirected output (no colour codes)"
[ "$(decode "$T/e.png")" = "$code" ] && pass || fail "PNG decodes to '$(decode "$T/e.png")'"
expect_contains "$(head -c 200 "$T/e.svg")" "<svg" "svg file"
expect_not_contains "$(cat "$T/e.svg")" "href" "svg file"
svg_to_pbm "$T/e.svg" "$T/e-svg.pbm" && pass || fail "svg path does not parse"
[ "$(decode "$T/e-svg.pbm")" = "$code" ] && pass || fail "SVG decodes to '$(decode "$T/e-svg.pbm")'"
text_to_pbm "$T/term.txt" "$T/e-term.pbm" && pass || fail "terminal drawing does not parse"
[ "$(decode "$T/e-term.pbm")" = "$code" ] && pass ||
    fail "terminal drawing decodes to '$(decode "$T/e-term.pbm")'"

# the PNG of another code is another symbol: the decode is not a constant
expect_exit 0 "$FC" hq --hq "$T/hq" init
expect_exit 0 "$FC" hq --hq "$T/hq" enroll "$code"
dev=$("$FC" --json keys show | jq -r .device_id)
expect_exit 0 "$FC" hq --hq "$T/hq" receipt "$dev" --qr --qr-png "$T/r.png"
receipt=$(printf '%s\n' "$OUT" | grep '^FCR1')
expect_contains "$receipt" FCR1 "receipt"
[ "$(decode "$T/r.png")" = "$receipt" ] && pass || fail "receipt PNG decodes to '$(decode "$T/r.png")'"
printf '%s\n' "$OUT" >"$T/rterm.txt"
text_to_pbm "$T/rterm.txt" "$T/r-term.pbm" && pass || fail "receipt drawing does not parse"
[ "$(decode "$T/r-term.pbm")" = "$receipt" ] && pass || fail "receipt drawing does not decode"

# with --json stdout stays one JSON object; files are still written
expect_exit 0 "$FC" --json keys show --qr --qr-png "$T/j.png"
expect_json "$OUT" .device_id "$dev"
[ "$(decode "$T/j.png")" = "$code" ] && pass || fail "--json PNG does not decode"

# refusals
expect_exit 1 "$FC" keys show --qr-bogus
expect_contains "$ERR" "unknown option '--qr-bogus'"
expect_exit 1 "$FC" keys show --qr-png
expect_exit 1 "$FC" hq --hq "$T/hq" receipt "$dev" --nope
expect_exit 4 "$FC" keys show --qr-png "$T/no/such/dir/e.png"
expect_contains "$ERR" "$T/no/such/dir/e.png"
[ ! -e "$T/no" ] && pass || fail "a directory was created for --qr-png"
finish
