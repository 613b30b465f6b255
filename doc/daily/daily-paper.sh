#!/bin/sh
# daily-paper.sh SUBS DIR [KEEP [NEWSCONV-OPTION...]]
#
# Builds yesterday's paper: one EPUB of every item that SUBS (an OPML
# subscription list, or feeds) dated yesterday (UTC), each item's full
# article fetched from its link (--full-text), into DIR/paper-DAY.epub,
# then keeps only the newest KEEP papers (default 7).  Run it once a day
# from a systemd timer or cron (README, "A daily paper").
#
# The cache in DIR/.cache makes a rerun of the same day fetch nothing new.
# "Yesterday" is taken from SOURCE_DATE_EPOCH when it is set (to rebuild a
# given day), else from the clock.  NEWSCONV names the binary (default:
# newsconv on PATH).  Exit status: newsconv's (1 when a feed or page
# failed, the paper still written).
set -eu
if [ $# -lt 2 ]; then
	echo "usage: daily-paper.sh SUBS DIR [KEEP [NEWSCONV-OPTION...]]" >&2
	exit 2
fi
subs=$1 dir=$2 keep=${3:-7}
shift 2
[ $# -gt 0 ] && shift
case $keep in '' | *[!0-9]*) echo "daily-paper.sh: KEEP must be a number: $keep" >&2; exit 2 ;; esac

now=${SOURCE_DATE_EPOCH:-$(date +%s)}
day=$(date -u -d "@$((now - 86400))" +%F)
mkdir -p "$dir"
status=0
"${NEWSCONV:-newsconv}" --to epub --since "$day" --until "$day" --full-text \
	--cache-dir "$dir/.cache" --title "Daily paper, $day" \
	-o "$dir/paper-$day.epub" "$@" "$subs" || status=$?

# Keep the newest KEEP papers (their names sort by date).
ls -1 "$dir" | grep -E '^paper-[0-9]{4}-[0-9]{2}-[0-9]{2}\.epub$' | sort -r |
	tail -n +"$((keep + 1))" | while read -r old; do rm -f -- "$dir/$old"; done
exit "$status"
