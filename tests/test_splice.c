#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "splice.h"

typedef struct {
	ad_splice *sp;
	ad_buf out;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	if (!fx || ad_splice_new(&fx->sp) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;

	ad_splice_free(fx->sp);
	ad_buf_free(&fx->out);
	free(fx);
	return 0;
}

static const char *render(fixture *fx)
{
	ad_buf_clear(&fx->out);
	ad_splice_render(&fx->out, fx->sp);
	return fx->out.ptr ? fx->out.ptr : "";
}

static void assert_piece(const fixture *fx, size_t i, const char *want)
{
	size_t s, e;

	ad_splice_piece_out(fx->sp, i, &s, &e);
	assert_true(s <= e && e <= fx->out.size);
	assert_int_equal(e - s, strlen(want));
	assert_memory_equal(fx->out.ptr + s, want, e - s);
}

/* A run of one input, piece after piece, is that input byte for byte:
 * nothing is added where one span continues the last, not even a line
 * ending the input lacks. */
static void test_continuation_is_exact(void **state)
{
	fixture *fx = *state;
	const char *a = "# A\nno blank\n# B\ntext";

	ad_splice_span(fx->sp, 0, a, 0, 4, 0);
	ad_splice_span(fx->sp, 0, a, 4, 13, AD_SPLICE_SECTION);
	ad_splice_span(fx->sp, 0, a, 13, strlen(a), AD_SPLICE_SECTION);
	assert_string_equal(render(fx), a);
	assert_int_equal(ad_splice_count(fx->sp), 3);
	assert_piece(fx, 2, "# B\ntext");
}

/* Pieces that do not continue each other start on lines of their own;
 * a section gets a blank line before it, once. */
static void test_line_endings_and_blank_lines(void **state)
{
	fixture *fx = *state;
	const char *a = "# A\nalpha";        /* no newline at the end */
	const char *b = "# B\nbeta\n\n";     /* already followed by a blank line */
	const char *c = "# C\ngamma\n";

	ad_splice_span(fx->sp, 0, a, 0, strlen(a), 0);
	ad_splice_span(fx->sp, 1, b, 0, strlen(b), AD_SPLICE_SECTION);
	ad_splice_span(fx->sp, 2, c, 0, strlen(c), AD_SPLICE_SECTION);
	ad_splice_span(fx->sp, 0, a, 0, 4, 0); /* no section: no blank line */
	assert_string_equal(render(fx), "# A\nalpha\n\n# B\nbeta\n\n# C\ngamma\n# A\n");
	/* A piece's place excludes what was added before it. */
	assert_piece(fx, 1, b);
	assert_piece(fx, 3, "# A\n");
}

/* The first piece never gets a line before it, section or not; empty
 * pieces add nothing but still say where the input continues. */
static void test_first_and_empty_pieces(void **state)
{
	fixture *fx = *state;
	const char *a = "# A\none\n# B\ntwo\n";

	ad_splice_span(fx->sp, 0, a, 0, 8, AD_SPLICE_SECTION);
	ad_splice_span(fx->sp, 1, "x", 0, 0, AD_SPLICE_SECTION);
	ad_splice_span(fx->sp, 0, a, 8, 8, 0);
	ad_splice_span(fx->sp, 0, a, 8, strlen(a), AD_SPLICE_SECTION);
	/* The empty span of input 0 at 8 makes # B continue it. */
	assert_string_equal(render(fx), a);
}

/* CRLF inputs get CRLF where the renderer adds a line: the first line
 * ending of the output, else of the piece being written. */
static void test_crlf(void **state)
{
	fixture *fx = *state;
	const char *a = "# A\r\nalpha";
	const char *b = "# B\r\nbeta";

	ad_splice_span(fx->sp, 0, a, 0, strlen(a), 0);
	ad_splice_span(fx->sp, 1, b, 0, strlen(b), AD_SPLICE_SECTION);
	ad_splice_bytes(fx->sp, "field: x", 8, AD_SPLICE_LINES);
	assert_string_equal(render(fx), "# A\r\nalpha\r\n\r\n# B\r\nbeta\r\nfield: x\r\n");

	/* A fixed line ending wins over what the text holds. */
	ad_splice_free(fx->sp);
	ad_splice_new(&fx->sp);
	ad_splice_set_eol(fx->sp, "\n");
	ad_splice_span(fx->sp, 0, a, 0, strlen(a), 0);
	ad_splice_span(fx->sp, 1, b, 0, strlen(b), AD_SPLICE_SECTION);
	assert_string_equal(render(fx), "# A\r\nalpha\n\n# B\r\nbeta");

	/* No line ending anywhere yet: "\n". */
	ad_splice_free(fx->sp);
	ad_splice_new(&fx->sp);
	ad_splice_bytes(fx->sp, "one", 3, 0);
	ad_splice_bytes(fx->sp, "two", 3, 0);
	assert_string_equal(render(fx), "one\ntwo");
}

/* The tail of a tag (its closing line and what follows it) is a span with
 * no flag: on its own line, with no blank line its input did not have. */
static void test_closing_tags(void **state)
{
	fixture *fx = *state;
	const char *a = "<rules>\n## Style\nShort.\n</rules>\n";
	const char *b = "## Tone\nKind.";

	ad_splice_span(fx->sp, 0, a, 0, 24, 0);                    /* <rules> .. Short. */
	ad_splice_span(fx->sp, 1, b, 0, strlen(b), AD_SPLICE_SECTION);
	ad_splice_span(fx->sp, 0, a, 24, strlen(a), 0);            /* </rules> */
	assert_string_equal(render(fx), "<rules>\n## Style\nShort.\n\n## Tone\nKind.\n</rules>\n");
	assert_piece(fx, 2, "</rules>\n");
}

/* New bytes standing for an edited section: not continued into, but the
 * rest of the section's input continues them. */
static void test_replace(void **state)
{
	fixture *fx = *state;
	const char *a = "<role>\nold\n</role>\n";

	ad_splice_span(fx->sp, 0, a, 0, 7, 0);
	ad_splice_replace(fx->sp, 0, 11, "new text", 8, 0);
	ad_splice_span(fx->sp, 0, a, 11, strlen(a), 0);
	/* "new text" has no line ending: the span after it continues it
	 * exactly, as the plan's edit does. */
	assert_string_equal(render(fx), "<role>\nnew text</role>\n");
	assert_piece(fx, 1, "new text");

	ad_splice_free(fx->sp);
	ad_splice_new(&fx->sp);
	ad_splice_span(fx->sp, 0, a, 0, 7, 0);
	ad_splice_bytes(fx->sp, "new text", 8, 0);
	ad_splice_span(fx->sp, 0, a, 11, strlen(a), 0);
	/* Plain new bytes: what follows starts on its own line. */
	assert_string_equal(render(fx), "<role>\nnew text\n</role>\n");
}

/* Lines pieces end with a line ending, added only when missing; the bytes
 * are copied, so the caller's buffer may go. */
static void test_lines_and_copies(void **state)
{
	fixture *fx = *state;
	char buf[16];

	strcpy(buf, "name: x");
	ad_splice_bytes(fx->sp, buf, strlen(buf), AD_SPLICE_LINES);
	strcpy(buf, "tools: [a]\n");
	ad_splice_bytes(fx->sp, buf, strlen(buf), AD_SPLICE_LINES);
	memset(buf, 'z', sizeof(buf));
	ad_splice_bytes(fx->sp, "", 0, AD_SPLICE_LINES);
	assert_string_equal(render(fx), "name: x\ntools: [a]\n");
	assert_piece(fx, 0, "name: x\n");
	assert_piece(fx, 2, "");
	/* Rendering again appends the same text. */
	ad_splice_render(&fx->out, fx->sp);
	assert_string_equal(fx->out.ptr, "name: x\ntools: [a]\nname: x\ntools: [a]\n");
	assert_piece(fx, 0, "name: x\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_continuation_is_exact),
		T(test_line_endings_and_blank_lines),
		T(test_first_and_empty_pieces),
		T(test_crlf),
		T(test_closing_tags),
		T(test_replace),
		T(test_lines_and_copies),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
