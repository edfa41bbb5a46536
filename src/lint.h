/*
 * lint: what makes an agent definition fail to load, or behave differently
 * than its author thinks.
 *
 * ad_lint_doc() reads a parsed document (any ad_doc: a file from disk or a
 * merged result about to be written) and appends its findings to an
 * ad_diags list as ad_diag records with a stable id, a severity, a one-line
 * message and a 1-based line and column (columns count characters, not
 * bytes: a valid UTF-8 sequence and each byte of invalid UTF-8 count one; a
 * BOM at the start of the file counts none).  The parser's own diagnostics
 * (yaml-error, frontmatter-misplaced, ...) are included, so one list holds
 * everything `agentdiff check` shows; those are not repeated here (a
 * frontmatter that is not a mapping is the parser's "yaml-not-mapping", and
 * its fields are not checked further).
 *
 * The module only reads the model: no I/O, no printing.  Messages are plain
 * one-line text; any file text quoted in them has had its control
 * characters made visible already, and is cut on character boundaries.
 *
 * The rules, with their ids and severities, are listed by AD_LINT_RULES
 * below and by ad_lint_rules() at run time.
 */
#ifndef AD_LINT_H
#define AD_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "doc.h"
#include "util.h"

/* X(name, id, severity, summary) */
#define AD_LINT_RULES(X) \
	X(NO_FRONTMATTER, "no-frontmatter", AD_DIAG_ERROR, \
	  "the file has no YAML frontmatter block, so no name or description") \
	X(MISSING_NAME, "missing-name", AD_DIAG_ERROR, \
	  "the frontmatter has no name field") \
	X(MISSING_DESCRIPTION, "missing-description", AD_DIAG_ERROR, \
	  "the frontmatter has no description field") \
	X(EMPTY_NAME, "empty-name", AD_DIAG_ERROR, \
	  "name is present but empty") \
	X(EMPTY_DESCRIPTION, "empty-description", AD_DIAG_ERROR, \
	  "description is present but empty") \
	X(DESCRIPTION_FORM, "description-form", AD_DIAG_ERROR, \
	  "description is a list or mapping, not text") \
	X(NAME_FORMAT, "name-format", AD_DIAG_WARNING, \
	  "name is not lowercase letters, digits and hyphens, or is too long " \
	  "(an error when it is a list or mapping)") \
	X(TOOLS_FORM, "tools-form", AD_DIAG_WARNING, \
	  "tools is written in a form some loaders misread") \
	X(DUPLICATE_KEY, "duplicate-key", AD_DIAG_ERROR, \
	  "a frontmatter key appears twice; loaders reject it or keep either value") \
	X(CONTROL_CHAR, "control-char", AD_DIAG_WARNING, \
	  "a control character, escape sequence or bidirectional override") \
	X(INVALID_UTF8, "invalid-utf8", AD_DIAG_WARNING, \
	  "bytes that are not valid UTF-8") \
	X(EMPTY_SECTION, "empty-section", AD_DIAG_WARNING, \
	  "a heading or tag with nothing under it") \
	X(EMPTY_BODY, "empty-body", AD_DIAG_WARNING, \
	  "nothing follows the frontmatter: the agent has no instructions") \
	X(MIXED_LINE_ENDINGS, "mixed-line-endings", AD_DIAG_WARNING, \
	  "lines end in more than one way (LF, CRLF, lone CR)") \
	X(BOM, "bom", AD_DIAG_INFO, \
	  "the file starts with a UTF-8 byte order mark") \
	X(UNKNOWN_MODEL, "unknown-model", AD_DIAG_INFO, \
	  "model is not sonnet, opus, haiku, inherit or a claude-... model id") \
	X(DESCRIPTION_TOO_LONG, "description-too-long", AD_DIAG_INFO, \
	  "description is long; it is loaded into every session's context")

typedef struct {
	const char *id;
	ad_diag_severity severity;
	const char *summary;
} ad_lint_rule;

typedef struct {
	unsigned version;
	/* control-char and invalid-utf8 findings reported per file, each;
	 * the last one reported says how many more there are. */
	size_t max_char_findings;
	/* description-too-long above this many characters; 0 turns it off. */
	size_t description_max;
	/* Names longer than this get name-format. */
	size_t name_max;
	/* Include ad_doc_diags(doc) in the output. */
	bool parser_diags;
} ad_lint_options;

#define AD_LINT_OPTIONS_VERSION 1
#define AD_LINT_OPTIONS_INIT { AD_LINT_OPTIONS_VERSION, 5, 4000, 64, true }

/*
 * Appends the findings about doc to out (messages allocated in arena),
 * sorted by line, column and severity (errors first); findings already in
 * out are left where they are.  opts may be NULL for the defaults.  Returns the number of findings
 * appended, or AD_EINVALID when out, arena or doc is NULL.
 */
int ad_lint_doc(ad_diags *out, ad_arena *arena, const ad_doc *doc,
		const ad_lint_options *opts);

/* The rules this module applies, in a static array of *count entries. */
const ad_lint_rule *ad_lint_rules(size_t *count);

#endif
