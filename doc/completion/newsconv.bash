# bash completion for newsconv(1): options, the values of the options
# that take one of a few words, and files or folders for the rest.
# Installed as share/bash-completion/completions/newsconv; it needs no
# bash-completion helpers, so `source` it from ~/.bashrc works too.
# tests/cli/test_manpage.py checks that every option of --help is here.

_newsconv()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # "--to=ep": COMP_WORDBREAKS splits it into "--to" "=" "ep".
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi

    local words=
    case $prev in
        --to) words='md epub warc wacz json' ;;
        --from) words='auto html md feed warc opml' ;;
        --extract) words='auto on off' ;;
        --sort) words='date input newest' ;;
        --group) words='source category day none' ;;
        --referer) words='source' ;;
        -o | --output | --files-from | --cover | --cdx)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        -O | --output-dir | --cache-dir)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        -j | --threads | --shard | --title | --author | --lang | --since | \
        --until | --max-per-source | --transfers | --jobs | --max-image-size | \
        --timeout | --user-agent | --proxy | --base-url)
            COMPREPLY=()   # a free value: nothing to offer
            return ;;
    esac
    if [[ -n $words ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '
            --to --from --extract --full-text
            -o --output -O --output-dir -q --quiet -v --verbose
            -j --threads --files-from -0 --shard
            --sort --title --author --lang --cover
            --since --until --max-per-source --group
            --fetch-images --transfers --jobs --max-image-size --timeout
            --user-agent --referer --proxy --allow-private-network
            --allow-loopback --cache-dir --no-cache --offline --strict
            --gzip --no-gzip --cdx --base-url
            -h --help --version' -- "$cur"))
        return
    fi
    # Inputs: files, folders (and URLs, typed by hand).
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _newsconv newsconv
