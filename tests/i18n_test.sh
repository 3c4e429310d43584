#!/usr/bin/env bash
# Chinese first (issue 8 §6), on the real binary, no database:
#   tests/i18n_test.sh YINHUI LOCALEDIR [help]
# - with LANG=zh_CN.UTF-8, help, usage errors and core errors are Chinese;
#   with LANG=C they are English (the same binary, the same catalogue);
# - "help": every command summary of `yinhui --help` has a Chinese translation
#   (a new command needs `scripts/i18n-update` and an entry in po/zh_CN.po).
# zh_CN.UTF-8 need not be generated on the machine: yh_i18n_init falls back to
# C.UTF-8 + LANGUAGE, and this test runs that path where the locale is missing.
set -euo pipefail
yinhui=$1
export YINHUI_LOCALEDIR=$2
mode=${3:-basic}
unset LANGUAGE LC_ALL LC_MESSAGES NO_COLOR
export ASAN_OPTIONS=detect_leaks=0
# never reach a real cluster or a real token: database errors come from a dead socket
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch YINHUI_HOME=$scratch/home YINHUI_DATABASE_URL='host=/nonexistent connect_timeout=2'
unset YINHUI_TOKEN YINHUI_CONFIG XDG_CONFIG_HOME XDG_DATA_HOME

fail=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then printf 'ok   %s\n' "$name"; else printf 'FAIL %s\n' "$name"; fail=1; fi
}
# run LANG ARGS...: stdout+stderr to $scratch/out, exit status to $scratch/rc
run() {
  local lang=$1; shift
  set +e
  LANG=$lang "$yinhui" "$@" > "$scratch/out" 2>&1
  echo $? > "$scratch/rc"
  set -e
}
has() { grep -qF -- "$1" "$scratch/out"; }
lacks() { ! grep -qF -- "$1" "$scratch/out"; }
rc_is() { test "$(cat "$scratch/rc")" = "$1"; }

test -f "$YINHUI_LOCALEDIR/zh_CN/LC_MESSAGES/yinhui.mo" || { echo "FAIL no catalogue in $YINHUI_LOCALEDIR"; exit 1; }

if [[ $mode == help ]]; then
  # the command lines of the two --help outputs pair up; a summary left in English is identical in both
  LANG=C "$yinhui" --help > "$scratch/en"
  LANG=zh_CN.UTF-8 "$yinhui" --help > "$scratch/zh"
  check "--help has as many lines in both languages" test "$(wc -l < "$scratch/en")" -eq "$(wc -l < "$scratch/zh")"
  untranslated=$(paste -d '\n' "$scratch/en" "$scratch/zh" | awk 'NR % 2 { en = $0; next } en ~ /^  [a-z]/ && en == $0 { print "  " $0 }')
  if [[ -n $untranslated ]]; then
    printf 'FAIL command summaries without a Chinese translation (run scripts/i18n-update, translate po/zh_CN.po):\n%s\n' "$untranslated"
    fail=1
  else
    echo "ok   every command summary is translated"
  fi
  exit $fail
fi

run zh_CN.UTF-8 --help
check "zh: --help succeeds" rc_is 0
check "zh: --help is Chinese" has "用法：yinhui [--json] 命令 [参数]"
check "zh: --help lists translated summaries" has "新增老干部"
check "zh: --help explains exit statuses" has "7 数据库不可用"
check "zh: --help keeps command syntax" has "cadre add --name NAME --id-number ID"
check "zh: --help has no English prose" lacks "Commands:"

run zh_CN.UTF-8 cadre add --help
check "zh: cadre add --help succeeds" rc_is 0
# FIELDS_HELP "..." is one msgid only when the extraction joins the macro
check "zh: cadre add --help prose is Chinese" has "字段：--name，--id-number（18 位"
check "zh: cadre add --help example keeps its command" has "示例：yinhui cadre add --name 张三"

run zh_CN.UTF-8 visit add extra
check "zh: a usage error exits 2" rc_is 2
check "zh: a usage error is Chinese" has '多余的参数 "extra"'
check "zh: a usage error is not English" lacks "unexpected argument"

run zh_CN.UTF-8 unit list
check "zh: database unavailable exits 7" rc_is 7
check "zh: a core error is Chinese" has "yinhui: 数据库不可用："

run C --help
check "C: --help succeeds" rc_is 0
check "C: --help is English" has "usage: yinhui [--json] COMMAND [ARGS]"
check "C: --help summaries are English" has "add a cadre"
check "C: --help has no translated prose" lacks "新增老干部"

run C cadre add --help
check "C: cadre add --help is English" has "Fields: --name, --id-number (18 digits"
check "C: cadre add --help has no translated prose" lacks "字段："

run C visit add extra
check "C: a usage error exits 2" rc_is 2
check "C: a usage error is English" has 'unexpected argument "extra"'

run C unit list
check "C: database unavailable exits 7" rc_is 7
check "C: a core error is English" has "yinhui: database unavailable:"

exit $fail
