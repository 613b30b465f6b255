/* read_wacz.c - WACZ packages as input: the WARC members of the zip
 * (archive/NAME.warc, archive/NAME.warc.gz), each handed to read_warc.c.  The
 * only reader that needs libzip, so the newsconv program loads it as
 * part of the module newsconv-zip.so. */
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "read_wacz.h"

static bool is_warc_member(const char *n)
{
	size_t l = strlen(n);
	return !strncmp(n, "archive/", 8) &&
	       ((l > 16 && !strcmp(n + l - 8, ".warc.gz")) || (l > 13 && !strcmp(n + l - 5, ".warc")));
}

static zip_t *zip_open_mem(const unsigned char *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (src && !z)
		zip_source_free(src);
	zip_error_fini(&ze);
	return z;
}

bool nc_wacz_detect(const unsigned char *data, size_t len)
{
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return false;
	zip_t *z = zip_open_mem(data, len);
	if (!z)
		return false;
	bool found = false;
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && !found; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		found = name && is_warc_member(name);
	}
	zip_discard(z);
	return found;
}

/* One line of the package's warnings (read_warc.c shows them). */
static void warn(const struct nc_wacz_in *in, const char *name, const char *what)
{
	nc_buf_printf(in->tail_warning, "%s: %s\n", name, what);
}

/* Member i, if it is a WARC, to in->member().  Its bytes are read as
 * they come, not by the size the zip claims (input row 22: a member
 * claiming 2 GB is no reason to lose the others), and they count in the
 * archive's inflation budget; past it, the package's remaining members
 * are skipped (*stop) and what was read is kept. */
static int read_member(const struct nc_wacz_in *in, zip_t *z, zip_uint64_t i, bool *stop)
{
	const char *name = zip_get_name(z, i, 0);
	if (!name || !is_warc_member(name))
		return NC_OK;
	zip_file_t *f = zip_fopen_index(z, i, 0);
	if (!f) {
		warn(in, name, "cannot be read from the package; skipped");
		return NC_OK;
	}
	struct nc_buf b = {0};
	int rc = NC_OK;
	zip_int64_t got = 0; /* read only after a zip_fread() */
	do {
		if (*in->inflated > in->max_inflated) {
			nc_buf_printf(in->tail_warning,
				      "%s: the package inflates to more than %u MB; it and the members after it are skipped\n",
				      name, (unsigned)(in->max_inflated / (1024u * 1024u)));
			*stop = true;
			break;
		}
		if (nc_buf_reserve(&b, 65536)) {
			rc = nc_err_set(in->err, NC_ERR_NOMEM, in->name, "out of memory");
			break;
		}
		got = zip_fread(f, b.data + b.len, 65536);
		if (got > 0) {
			b.len += (size_t)got;
			*in->inflated += (uint64_t)got;
		}
	} while (got > 0);
	if (!rc && !*stop && got < 0)
		warn(in, name, "is damaged in the package (its size or checksum is wrong); skipped");
	else if (!rc && !*stop)
		rc = in->member(in->ctx, (const unsigned char *)(b.data ? b.data : ""), b.len);
	zip_fclose(f);
	nc_buf_free(&b);
	return rc;
}

int nc_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len)
{
	zip_t *z = zip_open_mem(data, len);
	if (!z)
		return nc_err_set(in->err, NC_ERR_PARSE, in->name, "not a readable zip (WACZ) file");
	int rc = NC_OK;
	bool stop = false;
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && !rc && !stop; i++)
		rc = read_member(in, z, (zip_uint64_t)i, &stop);
	zip_discard(z);
	return rc;
}
