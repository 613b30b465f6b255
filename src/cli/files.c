/* files.c - the CLI's side of its outputs: the sink it hands a writer,
 * and a finished writer's side files moved into place after the main
 * output.  Making, naming and syncing files is src/output.c's. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "output.h"

int file_sink(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

/* Parts (bytes: a Markdown file's images) are named before the main
 * output and indexes (an nc_out: the CDXJ of a WARC) after it: whatever
 * point a run is killed at, no output names a file that is not there. */
static int commit_sides(struct nc_writer *w, bool parts, struct nc_err *err)
{
	for (size_t i = 0; i < w->nside; i++) {
		struct nc_sidefile *s = &w->side[i];
		if (!s->out != parts)
			continue;
		int rc = s->out ? nc_out_commit(s->out, err)
				: nc_out_write_file(s->path, s->data, s->size, err);
		if (rc)
			return rc;
	}
	return NC_OK;
}

int file_commit_parts(struct nc_writer *w, struct nc_err *err)
{
	return commit_sides(w, true, err);
}

int file_commit_index(struct nc_writer *w, struct nc_err *err)
{
	return commit_sides(w, false, err);
}
