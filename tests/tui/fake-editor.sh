#!/bin/sh
# fake-editor.sh FILE: the editor the scripted merge tests hand text to
# ($AD_EDITOR).  It adds a line after the first one: below a section's
# heading, or below a commit message's summary line.  AD_FAKE_EDITOR=empty
# empties the file instead (a commit message given up); =fail exits 1.
case ${AD_FAKE_EDITOR:-} in
empty) : >"$1"; exit 0 ;;
fail) echo "fake-editor: told to fail" >&2; exit 1 ;;
esac
awk 'NR == 1 { print; print "Edited in the fake editor."; next } { print }' "$1" >"$1.new" &&
	mv "$1.new" "$1"
