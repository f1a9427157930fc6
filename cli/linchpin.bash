# bash completion for linchpin(1); installed as
# share/bash-completion/completions/linchpin. Keep the option lists in step
# with cli/main.c and cli/generate.c (tests/test_install.py checks that every
# option of `linchpin --help` and `linchpin generate --help` is offered).
# Self-contained: works without the bash-completion package's helpers.

_linchpin()
{
    local cur prev cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W 'analyze whatif import summary diff export generate report subgraph batch --help --version -V' \
            -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}

    # --opt=VALUE: complete the value after the '=' (bash splits the word at
    # '=' when COMP_WORDBREAKS holds it, the default; else it is one word).
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # The value of the previous option.
    case $prev in
    --betweenness)
        COMPREPLY=($(compgen -W 'exact sampled off' -- "$cur"))
        return ;;
    --progress)
        COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
        return ;;
    --graph | --results)
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --delimiter)
        return ;; # , ; | or a tab
    -o | --output)
        if [[ $cmd == generate ]]; then
            COMPREPLY=($(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return ;;
    --scenarios | --mapping)
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --checkpoint)
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --crm)
        COMPREPLY=($(compgen -W 'salesforce hubspot' -- "$cur"))
        return ;;
    --half-life | --as-of)
        return ;;
    --anchor | --person | --account | --threads | --bus-factor-cap | --min-tie | \
        --second-links | --epsilon | --delta | \
        --seed | --leave | --add | --top | --accounts | --employees | --single-threaded | --partners | \
        --former-employees | --rep-alpha | --around | --hops)
        return ;; # a value only the user knows
    esac

    local opts
    case $cmd in
    analyze)
        opts='-o --output --anchor --person --account --threads --bus-factor-cap
              --min-tie --second-links --betweenness --epsilon --delta --seed --scenarios
              --leave --skip-bad-rows --delimiter --top --checkpoint --progress --quiet
              --help' ;;
    whatif)
        opts='-o --output --anchor --person --account --threads --bus-factor-cap
              --min-tie --second-links --scenarios --leave --add --skip-bad-rows
              --delimiter --progress --quiet --help' ;;
    import)
        opts='-o --output --threads --progress --skip-bad-rows --delimiter --crm --mapping
              --half-life --as-of --min-tie --help' ;;
    summary)
        opts='--top --format --help' ;;
    diff)
        opts='-o --output --top --help' ;;
    export)
        opts='-o --output --format --help' ;;
    report)
        opts='--graph -o --output --help' ;;
    subgraph)
        opts='--around --hops --results --format -o --output --help' ;;
    batch)
        opts='--threads --quiet --help' ;;
    generate)
        opts='--accounts --employees --seed --names --single-threaded --partners
              --former-employees --rep-alpha --awkward --crlf -o --output --help' ;;
    *)
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $cmd != generate ]]; then
        # inputs: CSV files, stores and result files (and directories to reach them)
        local f
        while IFS= read -r f; do
            case $f in
            *.csv | *.csv.gz | *.h5 | *.hdf5) COMPREPLY+=("$f") ;;
            *) [[ -d $f ]] && COMPREPLY+=("$f") ;;
            esac
        done < <(compgen -f -- "$cur")
    fi
}
complete -o filenames -F _linchpin linchpin
