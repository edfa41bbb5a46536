#include <stdarg.h>
#include <stdlib.h>

#include "diag.h"

void ad_diags_add(ad_diags *diags, ad_arena *arena, ad_diag_severity severity,
		  const char *id, int line, int column, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT;
	ad_diag *d;
	va_list ap;

	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	ad_xgrow((void **)&diags->items, &diags->cap, diags->count + 1, sizeof(*diags->items));
	d = &diags->items[diags->count++];
	d->severity = severity;
	d->id = id;
	d->message = ad_arena_strndup(arena, ad_buf_cstr(&msg), msg.size);
	d->line = line;
	d->column = column;
	ad_buf_free(&msg);
}

void ad_diags_free(ad_diags *diags)
{
	if (!diags)
		return;
	free(diags->items);
	diags->items = NULL;
	diags->count = diags->cap = 0;
}

const char *ad_diag_severity_name(ad_diag_severity severity)
{
	switch (severity) {
	case AD_DIAG_ERROR:
		return "error";
	case AD_DIAG_WARNING:
		return "warning";
	case AD_DIAG_INFO:
		return "info";
	}
	return "?";
}
