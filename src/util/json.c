/* json.c - see json.h. */
#include <string.h>

#include "util/json.h"
#include "util/text.h"

void nc_json_str(struct nc_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	nc_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		switch (c) {
		case '"': nc_buf_puts(b, "\\\""); break;
		case '\\': nc_buf_puts(b, "\\\\"); break;
		case '\n': nc_buf_puts(b, "\\n"); break;
		case '\r': nc_buf_puts(b, "\\r"); break;
		case '\t': nc_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20) {
				nc_buf_printf(b, "\\u%04x", c);
			} else if (c >= 0x80) {
				size_t k = nc_utf8_valid_seq(p + i, n - i);
				if (k) {
					nc_buf_put(b, p + i, k);
					i += k - 1;
				} else {
					nc_buf_puts(b, "\\ufffd");
				}
			} else {
				nc_buf_putc(b, (char)c);
			}
		}
	}
	nc_buf_putc(b, '"');
}
