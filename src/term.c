#include <stdio.h>

#include "term.h"

bool ad_term_escaped_cp(unsigned cp)
{
	return (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void ad_term_sanitize(ad_buf *out, const char *s, size_t len, bool keep_tabs)
{
	size_t i = 0;

	ad_buf_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		size_t n;

		if (c >= 0x20 && c < 0x7F) {
			size_t j = i + 1;

			while (j < len && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7F)
				j++;
			ad_buf_put(out, s + i, j - i);
			i = j;
			continue;
		}
		if (c == '\t' && keep_tabs) {
			ad_buf_putc(out, '\t');
			i++;
		} else if (c < 0x20) {
			ad_buf_putc(out, '^');
			ad_buf_putc(out, (char)(c + 0x40));
			i++;
		} else if (c == 0x7F) {
			ad_buf_puts(out, "^?");
			i++;
		} else if ((n = ad_utf8_decode(s + i, len - i, &cp)) == 0) {
			ad_buf_puts(out, "\xEF\xBF\xBD");
			i++;
		} else if (ad_term_escaped_cp(cp)) {
			ad_buf_printf(out, "<U+%04X>", cp);
			i += n;
		} else {
			ad_buf_put(out, s + i, n);
			i += n;
		}
	}
}
