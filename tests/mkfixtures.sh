#!/bin/sh
# mkfixtures.sh DIR: writes the test inputs whose exact bytes matter into DIR.
#
# CRLF and lone CR line endings, a BOM, invalid UTF-8, NUL bytes, terminal
# escape sequences, tabs, a missing final newline and very deep nesting are
# easy to lose when a file is edited, copied or checked out, so they are not
# committed: this script writes them with printf (octal escapes only, which
# every POSIX printf understands) each time the golden tests run.  Each file
# gets a golden output named after it, like the committed fixtures.
#
# Keep every name here different from the files in tests/fixtures/.

set -eu

# Byte values from awk must not be re-encoded for a UTF-8 locale.
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
mkdir -p "$dir"

# w NAME FORMAT: writes printf FORMAT (no arguments) to DIR/NAME.
w() {
	# shellcheck disable=SC2059 # the format is the content, on purpose
	printf -- "$2" >"$dir/$1"
}

# shellcheck disable=SC2016 # backquotes below are Markdown, not commands
# ------------------------------------------------------------ line endings

w crlf.md '---\r\nname: crlf\r\ndescription: Every line ends in CR LF.\r\ntools:\r\n  - Read\r\n  - Grep\r\nmodel: sonnet\r\n---\r\n\r\n# Role\r\n\r\nText under the first heading.\r\n\r\nSetext Title\r\n------------\r\n\r\n```sh\r\n# not a heading\r\n```\r\n\r\n<rules>\r\nA tag section.\r\n</rules>\r\n'

w lone-cr.md '---\rname: lone-cr\rdescription: Every line ends in a lone CR, as on classic Mac OS.\r---\r\r# Role\r\rText.\r\r## Details\r\rMore text.\r'

w ends-with-cr.md '---\nname: ends-with-cr\ndescription: LF endings, but the last byte is a lone CR.\n---\n\n# Role\n\nLast line.\r'

w mixed-endings.md '---\r\nname: mixed-endings\ndescription: CRLF, LF and lone CR in one file.\r---\n\n# First\r\n\r\nText.\r# Second\n\nText.\r\n## Third\rEnd.\n'

w no-final-newline.md '---\nname: no-final-newline\ndescription: The last line has no line ending.\n---\n\n# Role\n\nThe last line has no newline.'

w heading-no-final-newline.md '---\nname: heading-no-final-newline\ndescription: The file ends on a heading line with no line ending.\n---\n\n# Role\n\nText.\n\n## Last Heading'

w fm-no-final-newline.md '---\nname: fm-no-final-newline\ndescription: The closing fence is the last line and has no line ending.\n---'

w fence-trailing-ws.md '---  \nname: fence-trailing-ws\ndescription: Both fences carry trailing spaces or tabs.\n---\t \n\n# Role\n\nText.\n'

# ------------------------------------------------------------ BOM

w bom.md '\357\273\277---\nname: bom\ndescription: A UTF-8 byte order mark before the opening fence.\n---\n\n# Role\n\nText.\n'

w bom-crlf.md '\357\273\277---\r\nname: bom-crlf\r\ndescription: A BOM and CR LF line endings, as Windows editors write them.\r\n---\r\n\r\n# Role\r\n\r\nText.\r\n'

w bom-no-frontmatter.md '\357\273\277# Heading After a BOM\n\nThe title must not start with the BOM.\n'

w bom-only.md '\357\273\277'

# ------------------------------------------------------------ empty and blank

: >"$dir/empty.md"

w whitespace-only.md '\n\n   \n\t\n'

# ------------------------------------------------------------ encoding

w invalid-utf8.md '---\nname: invalid-utf8\ndescription: Valid frontmatter; invalid UTF-8 in the body titles and text.\n---\n\n# Overlong \300\257 Slash\n\n## Lone Continuation \200 Byte\n\n## Truncated \342\202 Euro\n\n## Surrogate \355\240\200 Half\n\n## Above U+10FFFF \364\220\200\200\n\n## Latin-1 caf\351\n\nText with \377\376 bytes.\n\n<note name="bad\300name">\nA tag whose name attribute holds an invalid byte.\n</note>\n'

w invalid-utf8-frontmatter.md '---\nname: invalid-utf8-frontmatter\ndescription: caf\351 written in Latin-1 inside the YAML\ntools: Read\n---\n\n# Role\n\nText.\n'

w nul-bytes.md '---\nname: nul-bytes\ndescription: NUL bytes in the body only.\n---\n\n# Title \000With a NUL\n\nText \000 with \000\000 NULs.\n\n## After\n\nEnd.\n'

w nul-frontmatter.md '---\nname: nul\000frontmatter\ndescription: A NUL byte inside the YAML.\n---\n\n# Role\n\nText.\n'

# ------------------------------------------------------------ terminal escapes

# ESC [ 31 m (colour), ESC ] 0 ; ... BEL (window title), ESC [ 2 J (clear),
# the C1 CSI U+009B, DEL: all must reach the terminal as visible escapes.
w escapes.md '---\nname: escapes\ndescription: "Decoded from YAML escapes: \\e[31mred\\e[0m and \\e]0;title\\a"\n---\n\n# Title With \033[31mRed\033[0m Text\n\nBody text with \033]0;window title\007 an OSC sequence, a clear \033[2J and a DEL \177.\n\n## C1 CSI \302\23331m and a Bell\007\n\n<section>\n<title>Tag \033[1mBold\033[0m Title</title>\nText.\n</section>\n\n<tag name="x\033[7my">\nText.\n</tag>\n'

w escapes-frontmatter.md '---\nname: raw\033[31mescape\ndescription: A raw ESC byte in a plain scalar, which YAML does not allow.\n---\n\n# Role\n\nText.\n'

# The bidirectional controls (LRE U+202A, RLE U+202B, PDF U+202C, LRO
# U+202D, RLO U+202E, LRI U+2066, RLI U+2067, FSI U+2068, PDI U+2069) and
# the line and paragraph separators (U+2028, U+2029), raw in a value, a
# title, a tag attribute and the body: every command shows them as
# "<U+202E>" escapes (JSON as "\u202e"), so that text cannot reorder itself
# or move the cursor.  bidi-other.md is a variant to diff and plan against.
w bidi.md '---\nname: bidi\342\200\256evil\ndescription: "Checks \342\200\256 access; \342\201\246 admin \342\201\251 only"\nmodel: sonnet\n---\n\n# Role \342\201\246isolated\342\201\251 Title\n\nA line separator\342\200\250here, a paragraph separator\342\200\251there.\n\nSpans: \342\200\252lre\342\200\254 \342\200\253rle\342\200\254 \342\200\255lro\342\200\254 \342\200\256rlo\342\200\254 \342\201\247rli\342\201\251 \342\201\250fsi\342\201\251.\n\n<rules name="over\342\200\255ride">\nOnly rules.\n</rules>\n'

# YAML escapes in double-quoted values: plain ASCII in the file, controls in
# the values loaders read ("\e" ESC, "\x1b", "\u009b" CSI, "\u202e" RLO);
# check names each where it is.  "\\e" and a single-quoted '\e' are text.
w yaml-escapes.md '---\nname: "yaml\\e[8m-escapes"\ndescription: "Hidden: \\x1b[8msecret\\x1b[0m, \\u009b31m, \\u202eeman\\u202c and \\\\e"\ntools: ["Read", "Gr\\u202eep"]\nmodel: '"'"'\\e'"'"'\n---\n\n# Role\n\nText.\n'

w bidi-other.md '---\nname: bidi-other\ndescription: "Checks access; admin only"\nmodel: sonnet\n---\n\n# Role isolated Title\n\nA line separator here, a paragraph separator there.\n\nSpans: lre rle lro rlo rli fsi.\n\n<rules name="override">\nOnly rules.\n</rules>\n'

# ------------------------------------------------------------ tabs

w tabs.md '---\nname: tabs\ndescription: Tabs\tinside a value and in the body.\n---\n\n#\tTab After the Hash\n\n## Tab\tInside the Title\n\n\t# indented by a tab: code, not a heading\n\nText\twith\ttabs.\n'

w yaml-tab-indent.md '---\nname: yaml-tab-indent\ndescription: The tools list is indented with a tab, which YAML forbids.\ntools:\n\t- Read\n\t- Grep\n---\n\n# Role\n\nText.\n'

# ------------------------------------------------------------ size and depth

# 300 nested tags, each on its own line: deeper than the tag-depth cap.
awk 'BEGIN {
	print "---"; print "name: deep-tags"
	print "description: Three hundred nested tags."; print "---"; print ""
	for (i = 1; i <= 300; i++) printf "<d%d>\n", i
	print "innermost text"
	for (i = 300; i >= 1; i--) printf "</d%d>\n", i
}' >"$dir/deep-tags.md"

# 200 headings cycling through levels 1 to 6.
awk 'BEGIN {
	print "---"; print "name: deep-headings"
	print "description: Two hundred headings cycling through all six levels."; print "---"
	for (i = 1; i <= 200; i++) {
		lv = (i - 1) % 6 + 1; h = ""
		for (k = 0; k < lv; k++) h = h "#"
		printf "\n%s Heading %d\n\ntext %d\n", h, i, i
	}
}' >"$dir/deep-headings.md"

# A flow sequence nested 5000 deep: more than libyaml's nesting limit.
awk 'BEGIN {
	print "---"; print "name: yaml-deep-flow"
	print "description: A flow sequence nested five thousand levels deep."
	s = "nest: "; for (i = 0; i < 5000; i++) s = s "["
	for (i = 0; i < 5000; i++) s = s "]"
	print s; print "---"; print ""; print "# Role"; print ""; print "Text."
}' >"$dir/yaml-deep-flow.md"

# A 5000-character description and a 200 000-byte body line.
awk 'BEGIN {
	print "---"; print "name: long-line"
	s = "description: "; for (i = 0; i < 500; i++) s = s "very long "
	print s; print "---"; print ""; print "# Role"; print ""
	s = ""; for (i = 0; i < 20000; i++) s = s "0123456789"
	print s; print ""; print "## After the Long Line"; print ""; print "Text."
}' >"$dir/long-line.md"

# A 10 MB file: three sections of ordinary prose, 65 000 lines each.
awk 'BEGIN {
	print "---"; print "name: ten-megabytes"
	print "description: Three sections of about 3.4 MB each."; print "---"
	for (k = 1; k <= 3; k++) {
		print ""; print "## Part " k; print ""
		for (i = 0; i < 65000; i++)
			print "Line " i " of part " k ": the same words, over and over."
	}
}' >"$dir/ten-megabytes.md"

# Binary data: 8 KiB from a fixed linear congruential sequence, every byte
# value included, with a "# " at the start so cmark sees a heading.
awk 'BEGIN {
	printf "# binary\n"
	x = 12345
	for (i = 0; i < 8192; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		printf "%c", int(x / 65536) % 256
	}
}' >"$dir/binary.md"

# ------------------------------------------------------------ file names

# Names that `agentdiff ls` must print safely; not golden-tested one by one.
mkdir -p "$dir/names"
w "names/plain.md" '---\nname: plain\ndescription: An ordinary file name.\n---\n\n# Role\n'
w "names/with space.md" '---\nname: with-space\ndescription: A space in the file name.\n---\n\n# Role\n'
w "names/esc-$(printf '\033')[31m-red.md" '---\nname: esc-name\ndescription: An escape sequence in the file name.\n---\n\n# Role\n'
# Wide characters (U+4EE3 U+7406 U+4EBA) take two columns each: the columns
# after the names line up only when ls measures them in columns.
mkdir -p "$dir/wide-names"
w "wide-names/$(printf '\344\273\243\347\220\206\344\272\272').md" '---\nname: wide-name\ndescription: CJK in the file name.\n---\n\n# Role\n'
w "wide-names/ascii-name.md" '---\nname: ascii-name\ndescription: An ASCII file name beside it.\n---\n\n# Role\n'

# ------------------------------------------------------------ terminal UI

# Two variants of an agent written in wide characters (CJK, fullwidth
# Latin, emoji, a ZWJ sequence, a combining accent, a tab), for the UI's
# screen tests (tests/tui.sh): columns must line up however many bytes or
# code points a character takes.
mkdir -p "$dir/tui-wide"
w "tui-wide/a.md" '---\nname: wide\ndescription: \346\227\245\346\234\254\350\252\236\343\201\256\343\203\254\343\203\223\343\203\245\343\203\274\346\213\205\345\275\223 with emoji \360\237\216\211 and \357\275\206\357\275\225\357\275\214\357\275\214\357\275\227\357\275\211\357\275\204\357\275\224\357\275\210 letters\n---\n\n# \345\275\271\345\211\262 Role\n\n\343\201\202\343\201\252\343\201\237\343\201\257\343\202\263\343\203\274\343\203\211\343\203\254\343\203\223\343\203\245\343\203\274\343\202\222\346\213\205\345\275\223\343\201\227\343\201\276\343\201\231\343\200\202Every line mixes \346\274\242\345\255\227 and ASCII so that columns\nmust be counted, not bytes: \360\237\216\211\360\237\216\211 two emoji, a family \360\237\221\250\342\200\215\360\237\221\251\342\200\215\360\237\221\247 joined by ZWJ, caf\303\251 with\na combining accent (cafe\314\201), and a tab:\there.\n\n## \347\265\265\346\226\207\345\255\227 \360\237\216\211 Emoji\n\n- \342\234\205 done\n- \342\235\214 not done\n- \355\225\234\352\265\255\354\226\264 \355\205\215\354\212\244\355\212\270 and \316\225\316\273\316\273\316\267\316\275\316\271\316\272\316\254 and \327\242\327\221\327\250\327\231\327\252\n\n## \357\274\246\357\275\225\357\275\214\357\275\214\357\275\227\357\275\211\357\275\204\357\275\224\357\275\210 Heading\n\n\345\205\250\350\247\222\343\201\256\350\246\213\345\207\272\343\201\227\343\201\256\344\270\213\343\201\256\346\234\254\346\226\207\343\200\202\n'
w "tui-wide/b.md" '---\nname: wide\ndescription: \346\227\245\346\234\254\350\252\236\343\201\256\343\203\254\343\203\223\343\203\245\343\203\274\346\213\205\345\275\223 with emoji \360\237\216\211 and \357\275\206\357\275\225\357\275\214\357\275\214\357\275\227\357\275\211\357\275\204\357\275\224\357\275\210 letters\n---\n\n# \345\275\271\345\211\262 Role\n\n\343\201\202\343\201\252\343\201\237\343\201\257\346\226\207\346\233\270\343\203\254\343\203\223\343\203\245\343\203\274\343\202\222\346\213\205\345\275\223\343\201\227\343\201\276\343\201\231\343\200\202Every line mixes \346\274\242\345\255\227 and ASCII so that columns\nmust be counted, not bytes: \360\237\216\211\360\237\216\211 two emoji, a family \360\237\221\250\342\200\215\360\237\221\251\342\200\215\360\237\221\247 joined by ZWJ, caf\303\251 with\na combining accent (cafe\314\201), and a tab:\there.\n\n## \347\265\265\346\226\207\345\255\227 \360\237\216\211 Emoji\n\n- \342\234\205 done\n- \342\235\214 not done\n- \342\232\240\357\270\217 maybe\n- \355\225\234\352\265\255\354\226\264 \355\205\215\354\212\244\355\212\270 and \316\225\316\273\316\273\316\267\316\275\316\271\316\272\316\254 and \327\242\327\221\327\250\327\231\327\252\n\n## \357\274\246\357\275\225\357\275\214\357\275\214\357\275\227\357\275\211\357\275\204\357\275\224\357\275\210 Heading\n\n\345\205\250\350\247\222\343\201\256\350\246\213\345\207\272\343\201\227\343\201\256\344\270\213\343\201\256\346\234\254\346\226\207\343\200\202\n'
