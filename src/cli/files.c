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

int file_commit_sides(struct nc_writer *w, struct nc_err *err)
{
	for (size_t i = 0; i < w->nside; i++) {
		struct nc_sidefile *s = &w->side[i];
		int rc = s->out ? nc_out_commit(s->out, err)
				: nc_out_write_file(s->path, s->data, s->size, err);
		if (rc)
			return rc;
	}
	return NC_OK;
}
