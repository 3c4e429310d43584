#!/usr/bin/env bash
# The documentation generated from the programs, and the unit file, are well-formed:
#   tests/ops_docs.sh YINHUI YINHUID GEN_DIR
# - yinhui(1) and yinhuid(8) render with groff without warnings and list every
#   command / option; the built copies in GEN_DIR are current;
# - the bash completion parses and completes commands, subcommands and flags;
# - the unit file passes systemd-analyze verify.
set -euo pipefail
yinhui=$1 yinhuid=$2 gen=$3
export ASAN_OPTIONS=detect_leaks=0
fail=0
tmp=$(mktemp -d /tmp/yhdocs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then printf 'ok   %s\n' "$name"; else printf 'FAIL %s\n' "$name"; fail=1; fi
}

"$yinhui" help --man >"$tmp/yinhui.1"
"$yinhuid" --man >"$tmp/yinhuid.8"
"$yinhui" help --completion bash >"$tmp/completion"

for page in yinhui.1 yinhuid.8; do
  check "$page renders without groff warnings" \
    bash -c "groff -k -man -Tutf8 -ww -z '$tmp/$page' 2>'$tmp/warn' && ! [ -s '$tmp/warn' ] || { cat '$tmp/warn'; false; }"
  check "$page built copy is current" cmp -s "$tmp/$page" "$gen/$page"
  groff -k -man -Tutf8 "$tmp/$page" 2>/dev/null | col -bx >"$tmp/$page.txt"
done
check "completion built copy is current" cmp -s "$tmp/completion" "$gen/yinhui.bash-completion"

# every command of `yinhui --help` is in the manual (its first one or two words: "db backup")
while read -r cmd; do
  check "yinhui.1 describes: yinhui $cmd" grep -qE -- "^ +yinhui $cmd( |\$)" "$tmp/yinhui.1.txt"
done < <("$yinhui" --help | sed -n 's/^  \([a-z][a-z-]*\)\( [a-z][a-z-]*\)\{0,1\}\( .*\)\{0,1\}$/\1\2/p')
check "yinhui --help lists commands" test "$("$yinhui" --help | grep -c '^  [a-z]')" -gt 10
for opt in --listen --workers --log-level --version; do
  check "yinhuid.8 describes $opt" grep -qF -- "$opt" "$tmp/yinhuid.8.txt"
done
check "yinhui.1 lists the environment" grep -qF YINHUI_DATABASE_URL "$tmp/yinhui.1.txt"
check "yinhui.1 lists the exit status" grep -qE '^ +6 +conflict' "$tmp/yinhui.1.txt"

# bash completion: simulate what bash does on TAB
check "completion parses" bash -n "$tmp/completion"
complete_words() { # words of the command line; the last one is being completed
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _yinhui; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$tmp/completion" "$@"
}
export -f complete_words; export tmp
check "completes commands"      bash -c '[[ "$(complete_words yinhui d)" == *db* ]]'
check "completes subcommands"   bash -c 'out=$(complete_words yinhui db ""); for v in migrate status stop backup restore; do grep -qx "$v" <<<"$out" || exit 1; done'
check "completes flags"         bash -c '[[ "$(complete_words yinhui user add --u)" == *--username*--unit* ]]'
check "global options"          bash -c '[[ "$(complete_words yinhui --j)" == --json ]]'
check "after global options"    bash -c '[[ "$(complete_words yinhui --json db re)" == restore ]]'

# the unit file (ExecStart pointed at a binary that exists here)
if command -v systemd-analyze >/dev/null; then
  sed "s|^ExecStart=.*|ExecStart=$yinhuid|" "$gen/yinhuid.service" >"$tmp/yinhuid.service"
  check "systemd-analyze verify yinhuid.service" systemd-analyze verify --man=no "$tmp/yinhuid.service"
else
  echo "skip systemd-analyze verify (not installed)"
fi
exit $fail
