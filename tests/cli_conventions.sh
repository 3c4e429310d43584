#!/usr/bin/env bash
# The CLI as people expect it (issue 8 §5), on the real binary, no database:
#   tests/cli_conventions.sh YINHUI
# - every command of `yinhui --help` answers --help with its usage and an example;
# - the list commands a clerk opens in Excel take --format csv|xlsx;
# - the error prefix is red only on a terminal, never with NO_COLOR or TERM=dumb,
#   and never when stderr is not a terminal.
set -euo pipefail
yinhui=$1
export ASAN_OPTIONS=detect_leaks=0 LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
fail=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then printf 'ok   %s\n' "$name"; else printf 'FAIL %s\n' "$name"; fail=1; fi
}

# "  cadre add --name ..." -> "cadre add"; one-word commands ("logout") stay one word
while read -r cmd; do
  check "yinhui $cmd --help has an example" \
    bash -c '"$1" $2 --help 2>&1 | awk "tolower(\$0) ~ /^example/ { ex = 1 } ex && /yinhui / { found = 1 } END { exit !found }"' \
    _ "$yinhui" "$cmd"
done < <("$yinhui" --help | sed -n 's/^  \([a-z][a-z-]*\)\( [a-z][a-z-]*\)\{0,1\}\( .*\)\{0,1\}$/\1\2/p' | sort -u)

for cmd in "cadre list" "visit list" "visits due" "obligation list"; do
  check "yinhui $cmd takes --format csv|xlsx" bash -c '"$1" $2 --help | grep -q -- "--format csv|xlsx"' _ "$yinhui" "$cmd"
  # a bad value is a usage error (2) before any database is needed
  check "yinhui $cmd --format pdf is a usage error" \
    bash -c '"$1" $2 --format pdf 2>/dev/null; test $? -eq 2' _ "$yinhui" "$cmd"
done

esc=$'\033['
# stderr to a pipe: plain, even with TERM set
check "no colour when stderr is not a terminal" \
  bash -c 'out=$(TERM=xterm "$1" visit list --format pdf 2>&1 >/dev/null || true); [[ $out == "yinhui: "* && $out != *"$2"* ]]' \
  _ "$yinhui" "$esc"
if command -v script >/dev/null; then
  on_tty() { TERM=${TERM_FOR_TEST:-xterm} script -qec "$*" /dev/null 2>&1 || true; }
  export -f on_tty
  check "red error prefix on a terminal" \
    bash -c 'out=$(on_tty "$1 visit list --format pdf"); [[ $out == *"${2}1;31myinhui:"* ]]' _ "$yinhui" "$esc"
  check "no colour on a terminal with NO_COLOR" \
    bash -c 'out=$(NO_COLOR=1 on_tty "$1 visit list --format pdf"); [[ $out == *"yinhui:"* && $out != *"$2"* ]]' _ "$yinhui" "$esc"
  check "no colour on a dumb terminal" \
    bash -c 'out=$(TERM_FOR_TEST=dumb on_tty "$1 visit list --format pdf"); [[ $out == *"yinhui:"* && $out != *"$2"* ]]' _ "$yinhui" "$esc"
  check "an XLSX list is not written to a terminal" \
    bash -c 'out=$(on_tty "$1 visit list --format xlsx"); [[ $out == *"--output FILE.xlsx"* ]]' _ "$yinhui"
else
  echo "skip terminal checks (script from bsdutils is not installed)"
fi
exit $fail
