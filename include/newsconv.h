/*
 * newsconv.h - the one public header of libnewsconv.
 *
 * newsconv reads news articles stored as front-matter HTML (YAML or JSON
 * front matter followed by an HTML body) into one document model, and
 * writes that model as Markdown, EPUB 3, WARC 1.1, WACZ 1.1.1 or JSON.
 *
 *   bytes --nc_read()--> struct nc_doc --nc_resolve()--> --nc_fetch()--> writer
 *
 * Ownership, said once for the whole API:
 *   - A struct nc_doc owns everything reachable from it: meta strings,
 *     the node tree, resources.  nc_doc_free() frees all of it.
 *   - Setters copy their string arguments; getters lend const pointers
 *     that stay valid until the owner is changed or freed.
 *   - struct nc_blob and struct nc_exchange are reference counted because
 *     one fetched image may be shared by many documents of one run.
 *   - Functions that can fail return an int (NC_OK == 0 on success) and
 *     fill the struct nc_err passed in; callers pass it up unchanged.
 */
#ifndef NEWSCONV_H
#define NEWSCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NC_VERSION "0.1.0"

/* ---- errors ----------------------------------------------------------- */

enum nc_status {
	NC_OK = 0,
	NC_ERR_NOMEM,
	NC_ERR_IO,          /* reading or writing a file failed */
	NC_ERR_PARSE,       /* input cannot be understood at all */
	NC_ERR_LIMIT,       /* input exceeds a documented limit */
	NC_ERR_USAGE,       /* bad option or argument */
	NC_ERR_UNSUPPORTED, /* feature not available (format, scheme ...) */
	NC_ERR_NETWORK,     /* fetching failed */
	NC_ERR_INTERNAL
};

/* Set once where the failure happens; `where` names the file, URL or
 * line.  Callers never overwrite a set error. */
struct nc_err {
	int code;
	char where[512];
	char msg[512];
};

int nc_err_set(struct nc_err *err, int code, const char *where,
	       const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
void nc_err_clear(struct nc_err *err);

/* Documented limits on input (DESIGN rule 4). */
#define NC_MAX_INPUT_BYTES      (64u * 1024u * 1024u) /* one article file */
#define NC_MAX_FRONTMATTER      (1u * 1024u * 1024u)  /* front-matter text */
#define NC_MAX_YAML_NODES       100000u               /* after aliases */
#define NC_MAX_TREE_DEPTH       256                   /* deeper HTML is flattened */
#define NC_MAX_FEED_ITEMS       100000u               /* items or entries of one feed */

/* ---- metadata --------------------------------------------------------- */

struct nc_strlist {
	char **items;
	size_t len;
};

/* A front-matter key the model has no field for, kept verbatim. */
struct nc_kv {
	char *key;
	char *value; /* scalar text as written, or YAML flow text for lists/maps */
};

enum nc_fm_kind {
	NC_FM_NONE,      /* no front matter: metadata came from HTML <head> */
	NC_FM_YAML,      /* --- YAML --- */
	NC_FM_YAML_RECOVERED, /* invalid YAML, key: value lines recovered */
	NC_FM_JSON,      /* ;;; JSON ;;; (Hexo) */
	NC_FM_TOML       /* +++ TOML +++ (Hugo), read line by line */
};

struct nc_meta {
	char *title;            /* never NULL after nc_read(): falls back to first heading, then file name */
	char *title_raw;        /* as written, NULL if absent */
	struct nc_strlist authors;
	char *date;             /* UTC ISO 8601 "2022-07-29T04:55:15Z", NULL if not parseable */
	char *date_raw;         /* as written */
	int64_t date_epoch;     /* seconds, valid when date != NULL */
	char *updated;          /* same for `updated` */
	char *updated_raw;
	int64_t updated_epoch;
	char *language;         /* BCP 47 as written (lang/language/<html lang>) */
	/* Hexo categories: each entry is one path (a flat list is one path
	 * a > b > c; a list of lists is several paths). */
	struct nc_strlist *categories;
	size_t ncategories;
	struct nc_strlist tags;
	char *cover;            /* headimg / thumbnail / cover / banner / image, as written */
	char *description;      /* description / excerpt */
	char *source_url;       /* link / url / permalink / source / canonical */
	struct nc_kv *extra;    /* every other key, in input order */
	size_t nextra;
	enum nc_fm_kind fm_kind;
	char *fm_raw;           /* raw front-matter text, NULL when none */
	/* The part of a digest book the document goes in (its source,
	 * category or day, as --group says), shown as a section heading by
	 * the writers.  Set by the CLI's digest step (src/cli/digest.c),
	 * never by a reader; NULL outside digests. */
	char *section;
};

/* ---- the node tree ---------------------------------------------------- */

enum nc_node_type {
	/* blocks */
	NC_NODE_DOCUMENT,
	NC_NODE_PARAGRAPH,
	NC_NODE_HEADING,
	NC_NODE_BLOCKQUOTE,
	NC_NODE_LIST,
	NC_NODE_ITEM,
	NC_NODE_CODE_BLOCK,
	NC_NODE_THEMATIC_BREAK,
	NC_NODE_TABLE,
	NC_NODE_TABLE_ROW,
	NC_NODE_TABLE_CELL,
	NC_NODE_FIGURE,
	NC_NODE_CAPTION,
	/* inlines */
	NC_NODE_TEXT,
	NC_NODE_EMPH,
	NC_NODE_STRONG,
	NC_NODE_STRIKE,
	NC_NODE_SUB,
	NC_NODE_SUP,
	NC_NODE_CODE,
	NC_NODE_LINK,
	NC_NODE_IMAGE,
	NC_NODE_EMBED,      /* iframe / video / audio: shown as a link */
	NC_NODE_LINE_BREAK
};
#define NC_NODE_TYPE_COUNT (NC_NODE_LINE_BREAK + 1)

enum nc_align { NC_ALIGN_NONE, NC_ALIGN_LEFT, NC_ALIGN_CENTER, NC_ALIGN_RIGHT };

enum nc_embed_kind { NC_EMBED_IFRAME, NC_EMBED_VIDEO, NC_EMBED_AUDIO };

struct nc_resource;
struct nc_map;

struct nc_node {
	enum nc_node_type type;
	struct nc_node *parent, *first_child, *last_child, *prev, *next;
	union {
		struct { char *literal; size_t len; } text;  /* TEXT, CODE */
		struct { int level; } heading;               /* 1..6 */
		/* tight: items are written without blank lines between them
		 * (CommonMark's tight list).  The HTML reader sets it; a list
		 * built by hand with nc_node_new starts loose (false). */
		struct { bool ordered; int start; bool tight; } list;
		struct { char *info; char *literal; size_t len; } code_block;
		struct { char *url; char *title; } link;
		struct {
			char *url;    /* resolved by nc_resolve(); what writers show */
			char *alt;
			char *title;
			struct nc_resource *res; /* set by nc_resolve(), owned by the doc */
		} image;
		struct {
			enum nc_embed_kind kind;
			char *url;        /* the embedded page or media URL */
			char *poster;     /* poster image URL, or NULL */
			char *title;
			struct nc_resource *poster_res;
		} embed;
		struct { bool header; } row;
		struct {
			bool header;
			enum nc_align align;
			int colspan, rowspan;
		} cell;
	} as;
};

/* ---- resources (images) ----------------------------------------------- */

/* Bytes of one fetched image, shared between documents of one run. */
struct nc_blob {
	unsigned refs;
	unsigned char *data;
	size_t size;
	char media_type[32];    /* sniffed from the bytes: image/jpeg ... */
	char ext[8];            /* ".jpg" */
	unsigned char sha1[20];
};

/* One HTTP transfer as it happened on the wire, for WARC. */
struct nc_exchange {
	unsigned refs;
	char *url;              /* the URL requested (after redirects: final) */
	char *ip;               /* address actually connected to */
	int64_t date;           /* when the response started, seconds UTC */
	int status;
	unsigned char *request; size_t request_len;      /* request head as sent */
	unsigned char *response_head; size_t response_head_len; /* status line + headers + CRLFCRLF */
};

enum nc_res_state {
	NC_RES_REMOTE,   /* not fetched (no --fetch-images) */
	NC_RES_FETCHED,  /* bytes from the network this run */
	NC_RES_CACHED,   /* bytes from the cache */
	NC_RES_FAILED    /* fetch failed or bytes are not a usable image */
};

struct nc_resource {
	char *url;              /* as written in the source */
	char *resolved;         /* absolute URL (http, https or data) */
	bool is_cover;
	enum nc_res_state state;
	char *error;            /* reason when NC_RES_FAILED */
	struct nc_blob *blob;   /* NULL unless fetched / cached */
	struct nc_exchange *exchange; /* NULL unless an HTTP transfer is known */
};

/* ---- the document ----------------------------------------------------- */

struct nc_doc {
	struct nc_meta meta;
	struct nc_node *root;          /* NC_NODE_DOCUMENT */
	struct nc_resource **resources;
	size_t nresources;
	char *source_name;             /* input file name as given ("-" for stdin) */
	unsigned char *input;          /* the exact input bytes */
	size_t input_len;
	char **warnings;               /* one line each, for the CLI to print */
	size_t nwarnings;
	size_t index;                  /* position in the batch (stable ids) */
	struct nc_map *res_index;      /* private: resolved URL -> resource */
	void *prepared;                /* private: a writer's nc_writer_prepare() result */
	void (*prepared_free)(void *);
	const struct nc_writer *prepared_by;
	/* A feed fetched by URL, on its first item: the feed's own HTTP
	 * exchange and bytes, which a WARC records before the item. */
	struct nc_resource *origin;
	/* The page as served at the document's URL (a page given as a URL,
	 * the page --full-text took an item's article from), when a WARC
	 * is written: its exchange and bytes, which the WARC records as a
	 * response at that URL, the article being a conversion of it. */
	struct nc_resource *served;
	/* The reader view (src/extract.c): what it kept and dropped of a
	 * page, for --to json and -v.  extracted is false when no
	 * extraction ran. */
	bool extracted;
	size_t kept_chars, dropped_chars;
	struct nc_dropped *dropped;
	size_t ndropped;
};

/* One block the reader view dropped: where (tag#id.class from the body
 * down), its characters of text, and why. */
struct nc_dropped {
	char *path;
	size_t chars;
	const char *reason;            /* a static string */
};

/* When the reader view runs (--extract): AUTO on whole pages without
 * front matter only, ON on every HTML body (feed items too), OFF never.
 * Process-wide; the CLI sets it once before reading. */
enum nc_extract_mode { NC_EXTRACT_AUTO, NC_EXTRACT_ON, NC_EXTRACT_OFF };
extern enum nc_extract_mode nc_extract_mode;

struct nc_doc *nc_doc_new(void);
void nc_doc_free(struct nc_doc *doc);
/* Frees what the writers read (metadata, the node tree, resources, the
 * input bytes) and keeps the warnings and the reader view's counts: a
 * document written to its own output, kept only for its messages.  A
 * streaming caller sheds on the thread that read the document, whose
 * malloc arena holds it. */
void nc_doc_shed(struct nc_doc *doc);
int nc_doc_warn(struct nc_doc *doc, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Find the resource whose resolved URL is `resolved`, or add one. */
struct nc_resource *nc_doc_resource(struct nc_doc *doc, const char *url,
				    const char *resolved);

struct nc_node *nc_node_new(enum nc_node_type type);
void nc_node_append(struct nc_node *parent, struct nc_node *child);
void nc_node_insert_before(struct nc_node *sibling, struct nc_node *node);
void nc_node_unlink(struct nc_node *node);
void nc_node_free(struct nc_node *node); /* unlinks, frees subtree, iteratively */
int nc_node_set_text(struct nc_node *node, const char *s, size_t len);
int nc_set_str(char **dst, const char *s); /* copy s (or NULL) into *dst */
int nc_strlist_push(struct nc_strlist *l, const char *s);
void nc_strlist_free(struct nc_strlist *l);
const char *nc_node_type_name(enum nc_node_type type);
bool nc_node_is_block(enum nc_node_type type);

/* Depth-first walk without recursion, as in cmark: each container is
 * seen twice (ENTER then EXIT), leaves once (ENTER). */
enum nc_event { NC_EVENT_NONE, NC_EVENT_ENTER, NC_EVENT_EXIT };
struct nc_iter {
	struct nc_node *root, *cur;
	enum nc_event ev;
};
void nc_iter_init(struct nc_iter *it, struct nc_node *root);
enum nc_event nc_iter_next(struct nc_iter *it); /* NC_EVENT_NONE at end */
bool nc_node_is_leaf(const struct nc_node *node);

struct nc_blob *nc_blob_new(const unsigned char *data, size_t size); /* copies, computes sha1 + type */
void nc_blob_ref(struct nc_blob *b);
void nc_blob_unref(struct nc_blob *b);
void nc_exchange_ref(struct nc_exchange *x);
void nc_exchange_unref(struct nc_exchange *x);

/* ---- reading ---------------------------------------------------------- */

/* Parse one front-matter HTML article.  `name` is used in messages and as
 * the last title fallback.  Recoverable problems become doc warnings;
 * only unusable input (too big, not text) fails. */
int nc_read(const char *name, const unsigned char *data, size_t len,
	    struct nc_doc **out, struct nc_err *err);

/* Several documents: what one input gives (a feed gives one per item). */
struct nc_doclist {
	struct nc_doc **v;
	size_t n, cap;
	/* Parts of the input that could not be converted and were left out
	 * (a feed's broken item), one message each naming the part: the
	 * others are still converted (DESIGN house rule 11). */
	char **skipped;
	size_t nskipped;
};
int nc_doclist_push(struct nc_doclist *l, struct nc_doc *doc); /* takes doc */
int nc_doclist_skip(struct nc_doclist *l, const char *fmt, ...)  /* NC_ERR_NOMEM or NC_OK */
	__attribute__((format(printf, 2, 3)));
void nc_doclist_free(struct nc_doclist *l);                    /* and the docs */

/* A reader: one file each (read_html.c, read_feed.c ...), one line in
 * the table nc_readers[] (src/readers.c).  detect() says how sure the
 * reader is that the bytes are its kind: 0 not at all, 1 it could read
 * them (a fallback), 2 they are clearly its kind.  The highest wins; in
 * a tie, the first in the table. */
struct nc_reader {
	const char *name;       /* "html", "feed", "md", "warc", "opml" */
	int (*detect)(const unsigned char *data, size_t len);
	int (*read)(const char *name, const unsigned char *data, size_t len,
		    struct nc_doclist *out, struct nc_err *err);
	/* Optional (WARC, feeds): the documents in parts, so that a batch holds a
	 * window of them and never the whole archive's.  open() borrows
	 * `data` until close(); next() appends at most `max` documents
	 * (0: all that are left) and sets *more; read() is open, one
	 * next(0), close.  Documents come in the order read() gives. */
	int (*open)(const char *name, const unsigned char *data, size_t len, void **cursor,
		    struct nc_err *err);
	int (*next)(void *cursor, size_t max, struct nc_doclist *out, bool *more,
		    struct nc_err *err);
	void (*close)(void *cursor);
};
extern const struct nc_reader nc_reader_feed; /* RSS 0.9x/1.0/2.0, Atom 1.0 */
extern const struct nc_reader nc_reader_html;
extern const struct nc_reader nc_reader_md;     /* Markdown posts (read_md.c) */
extern const struct nc_reader nc_reader_warc; /* WARC, .warc.gz, WACZ (read_warc.c) */
extern const struct nc_reader nc_reader_opml; /* OPML 1.0/2.0 subscription lists (read_opml.c) */
extern const struct nc_reader *const nc_readers[]; /* NULL-terminated */
const struct nc_reader *nc_reader_find(const char *name);
/* The best reader for the bytes, and its score (0: none wants them). */
const struct nc_reader *nc_reader_detect(const unsigned char *data, size_t len,
					 int *score);

/* The two halves of nc_read(), exposed for tests. */
int nc_frontmatter_parse(struct nc_doc *doc, const char *text, size_t len,
			 size_t *body_offset, struct nc_err *err);
int nc_html_read(struct nc_doc *doc, const char *html, size_t len,
		 struct nc_err *err);
/* nc_html_read() for a body of a given kind: a file's whole body (PAGE,
 * which --extract auto trims when it is a web page), a feed item's
 * (ITEM: only --extract on), a fragment (never). */
enum nc_body_kind { NC_BODY_FRAGMENT, NC_BODY_PAGE, NC_BODY_ITEM };
int nc_html_read_body(struct nc_doc *doc, const char *html, size_t len,
		      enum nc_body_kind kind, struct nc_err *err);

/* Step: resolve protocol-relative and relative URLs of links, images,
 * embeds and the cover against meta.source_url, and collect one
 * nc_resource per distinct image (cover included). */
int nc_resolve(struct nc_doc *doc, struct nc_err *err);

/* ---- fetching --------------------------------------------------------- */

struct nc_fetch_opts {
	int jobs;                 /* concurrent transfers, default 8 */
	int per_host;             /* default 4 */
	size_t max_image_size;    /* default 20 MB */
	long connect_timeout_ms;  /* default 10000 */
	long total_timeout_ms;    /* default 60000 */
	int retries;              /* default 3 */
	const char *user_agent;
	const char *referer;      /* NULL: none; "source": the article URL */
	const char *proxy;        /* NULL: no proxy at all (environment ignored) */
	bool allow_private;       /* allow loopback/private addresses */
	bool allow_loopback;      /* allow 127.0.0.0/8 and ::1 only (local servers, tests) */
	const char *cache_dir;    /* NULL: default under XDG_CACHE_HOME */
	bool no_cache;
	bool offline;             /* cache only */
	bool progress;            /* live line on stderr */
	bool keep_exchange;       /* record request/response heads for WARC */
	/* Polled at least once a second: when it points to a non-zero
	 * value, every transfer is abandoned (failed, "stopped") and the
	 * call returns.  NULL: never stopped.  The CLI's signal flag. */
	const volatile sig_atomic_t *stop;
};

struct nc_fetch_stats {
	size_t total, fetched, cached, failed;
	uint64_t bytes;
};

void nc_fetch_opts_default(struct nc_fetch_opts *o);
/* Fetch every resource of every document; failures mark the resource
 * NC_RES_FAILED with a reason and never fail the call. */
int nc_fetch(struct nc_doc *const *docs, size_t ndocs,
	     const struct nc_fetch_opts *o, struct nc_fetch_stats *stats,
	     struct nc_err *err);
/* Fetch one input (a feed, an article, a post) by its http or https
 * URL under the same rules as images: address checks, redirects followed
 * and checked hop by hop, retries, time-outs, the cache (o->offline:
 * from the cache only).  The body is capped at NC_MAX_INPUT_BYTES (not
 * max_image_size) and may be anything.  On success *data (malloc'd,
 * *len bytes) and *final_url (malloc'd, the URL after redirects; the
 * base of the input's relative links; may be NULL) are the caller's,
 * and so is *exchange (may be NULL; a reference to unref) when
 * o->keep_exchange: the request and response heads, for a WARC.  On
 * failure err names the URL.  Safe to call from several threads. */
int nc_fetch_url(const char *url, const struct nc_fetch_opts *o,
		 unsigned char **data, size_t *len, char **final_url,
		 struct nc_exchange **exchange, struct nc_err *err);

/* ---- writing ---------------------------------------------------------- */

enum nc_sort { NC_SORT_DATE, NC_SORT_INPUT, NC_SORT_NEWEST };

/* A digest book: several feeds or folders in one output, selected and
 * ordered by the CLI (src/cli/digest.c) before they reach the writer.
 * A writer given one keeps the order the documents are added in (the
 * digest sorted them already), shows meta.section as group headings
 * when `grouped`, and an EPUB opens with a title page naming the range,
 * the sources and the count. */
struct nc_digest {
	bool grouped;             /* documents carry meta.section */
	bool have_since, have_until;
	int64_t since, until;     /* the window asked for, seconds UTC */
	const char *const *sources; /* feed titles or file names, in order */
	size_t nsources;
	/* The book's language, the most frequent of its chapters' (or
	 * --lang), and so of the words the writer adds; NULL: the first
	 * chapter's.  Chapters keep their own. */
	const char *lang;
};

struct nc_write_opts {
	const char *output_path;  /* final path of the main output, NULL for stdout */
	const char *title, *author, *lang, *cover_file; /* book overrides */
	enum nc_sort sort;
	bool gzip;                /* WARC: one gzip member per record */
	const char *cdx_path;     /* WARC: also write a CDXJ index there */
	/* WARC, WACZ: pages of articles without an http(s) source URL are
	 * archived at base_url + "YYYY/MM/DD/<slug>-<sha1 prefix>.html";
	 * NULL: http://newsconv.invalid/ (RFC 2606: never a real site). */
	const char *base_url;
	const char *options_text; /* options used, for warcinfo (no local paths) */
	bool have_epoch;          /* SOURCE_DATE_EPOCH was set */
	int64_t epoch;
	/* WARC, WACZ: with have_epoch, record ids are derived from the
	 * record, the options_text (which holds --shard) and this name, so
	 * that two outputs never share one; NULL: the output's file name. */
	const char *id_name;
	bool quiet;
	const struct nc_digest *digest; /* NULL: not a digest (borrowed) */
};

/* Where a writer's bytes go, as libarchive's client callbacks: the CLI
 * passes a temporary file that is renamed into place at the end; a
 * library user may pass anything.  write() returns 0, or -1 with errno
 * set. */
struct nc_sink {
	int (*write)(void *ctx, const void *data, size_t len);
	void *ctx;
};

/* A file that belongs with the main output (the images of a Markdown
 * export, a CDX index).  Either `data` holds its bytes, or `out` is a
 * finished, closed output still to be named (src/output.h: commit it
 * with nc_out_commit()).  The caller names the bytes (parts the main
 * output refers to: images) before the main output and an `out` (an
 * index of it) after, so that no output ever names a missing file. */
struct nc_out;
struct nc_sidefile {
	char *path;
	unsigned char *data;
	size_t size;
	struct nc_out *out;
};

/* One output being written, one document at a time:
 *
 *   nc_writer_new(&w, &nc_format_warc, &opts, &sink, &err);
 *   for each document: nc_writer_prepare(w, doc) (any thread, optional),
 *                       nc_writer_add(w, doc), then free doc
 *   nc_writer_finish(w); then move w->side[] into place; nc_writer_free(w)
 *
 * Documents are added in output order; add() keeps nothing of a document
 * but what a table of contents or an index needs, so memory stays flat
 * however many are added. */
struct nc_writer {
	const struct nc_format *format;
	struct nc_write_opts opts;  /* output_path etc. are borrowed */
	struct nc_sink sink;
	uint64_t offset;            /* bytes given to the sink so far */
	size_t ndocs;               /* documents added */
	void *state;                /* the format's own */
	struct nc_sidefile *side;
	size_t nside;
	char **notes;               /* one-line notices for stderr */
	size_t nnotes;
};

int nc_writer_new(struct nc_writer **out, const struct nc_format *f,
		  const struct nc_write_opts *o, const struct nc_sink *sink,
		  struct nc_err *err);
/* Thread-safe: the work on one document that needs no other document.
 * Optional: add() does it when it was not done. */
int nc_writer_prepare(const struct nc_writer *w, struct nc_doc *doc,
		      struct nc_err *err);
int nc_writer_add(struct nc_writer *w, struct nc_doc *doc, struct nc_err *err);
int nc_writer_finish(struct nc_writer *w, struct nc_err *err);
/* Also removes any temporary side file left by a failed run. */
void nc_writer_free(struct nc_writer *w);

/* For formats: put bytes into the sink; add a side file or a note. */
int nc_writer_put(struct nc_writer *w, const void *data, size_t len,
		  struct nc_err *err);
/* A finished scratch file (a zip built by libzip; output.h
 * nc_scratch_open()) into the sink, from its start, in chunks. */
int nc_writer_put_fd(struct nc_writer *w, int fd, struct nc_err *err);
int nc_writer_side(struct nc_writer *w, const char *path, const void *data,
		   size_t len);
/* A closed output (nc_out_close()) for path; the writer owns *out
 * afterwards, even on failure. */
int nc_writer_side_out(struct nc_writer *w, const char *path, struct nc_out *out);
int nc_writer_note(struct nc_writer *w, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Convenience for tests and small jobs: every document into one memory
 * buffer (*data, *size; free() it), side files ignored. */
int nc_write_all(const struct nc_format *f, struct nc_doc *const *docs,
		 size_t ndocs, const struct nc_write_opts *o,
		 unsigned char **data, size_t *size, struct nc_err *err);

/* A format: one file, one const struct (curl's Curl_cwtype). */
struct nc_format {
	const char *name;       /* "md" */
	const char *extension;  /* ".md" */
	bool many_in_one;       /* several inputs can share one output */
	int (*prepare)(const struct nc_writer *w, struct nc_doc *doc,
		       struct nc_err *err);         /* may be NULL */
	int (*begin)(struct nc_writer *w, struct nc_err *err);
	int (*add)(struct nc_writer *w, struct nc_doc *doc, struct nc_err *err);
	int (*finish)(struct nc_writer *w, struct nc_err *err);
	void (*free)(struct nc_writer *w);      /* state, after finish or failure */
};

extern const struct nc_format nc_format_md;
extern const struct nc_format nc_format_epub;
extern const struct nc_format nc_format_warc;
extern const struct nc_format nc_format_json;
extern const struct nc_format nc_format_wacz;

/* NULL-terminated table of every format; adding one is one line there. */
extern const struct nc_format *const nc_formats[];
const struct nc_format *nc_format_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif
