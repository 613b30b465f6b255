/* Writes an EPUB whose images carry bytes (as if fetched), so the test
 * can check that embedded images, the cover and placeholders validate:
 * make_image_book ARTICLE OUT.epub [IMAGE]
 * With IMAGE, every resource gets that file's bytes instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"

/* A 1x1 PNG and a tiny GIF. */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!"
	"\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

static int put(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4)
		return 2;
	static unsigned char img[1 << 20];
	size_t img_len = 0;
	if (argc == 4) {
		FILE *fi = fopen(argv[3], "rb");
		if (!fi)
			return 2;
		img_len = fread(img, 1, sizeof img, fi);
		fclose(fi);
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 2;
	static unsigned char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct nc_doc *d = NULL;
	struct nc_err err = {0};
	if (nc_read(argv[1], buf, n, &d, &err) || nc_resolve(d, &err)) {
		fprintf(stderr, "%s: %s\n", err.where, err.msg);
		return 1;
	}
	/* Resources "fetched": PNG, GIF alternately; 3.jpg stays remote and
	 * must become a placeholder. */
	for (size_t i = 0; i < d->nresources; i++) {
		struct nc_resource *r = d->resources[i];
		if (strstr(r->resolved, "/3.jpg"))
			continue;
		r->blob = img_len ? nc_blob_new(img, img_len) : i % 2 ? nc_blob_new(gif, sizeof gif - 1) : nc_blob_new(png, sizeof png);
		r->state = NC_RES_FETCHED;
	}
	/* Through the streaming writer, straight into the file. */
	struct nc_write_opts o = { .output_path = argv[2], .have_epoch = true, .epoch = 1700000000 };
	f = fopen(argv[2], "wb");
	if (!f)
		return 1;
	struct nc_sink sink = { put, f };
	struct nc_writer *w = NULL;
	if (nc_writer_new(&w, &nc_format_epub, &o, &sink, &err) ||
	    nc_writer_add(w, d, &err) || nc_writer_finish(w, &err)) {
		fprintf(stderr, "%s: %s\n", err.where, err.msg);
		return 1;
	}
	if (fclose(f) != 0)
		return 1;
	for (size_t i = 0; i < w->nnotes; i++)
		printf("%s\n", w->notes[i]);
	nc_writer_free(w);
	nc_doc_free(d);
	return 0;
}
