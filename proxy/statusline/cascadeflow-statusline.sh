#!/bin/sh
# Claude Code's status line on macOS and Linux: the same line as `cascadeflow statusline`
# (proxy/statusline/statusline.ts), asked of the same route (GET /api/statusline, where the
# proxy builds it), with curl instead of Node, whose start alone takes longer than the 50 ms a
# status line may. Claude Code runs it after each turn with its session as JSON on stdin.
#   cascadeflow-statusline.sh [--url <proxy url>]   (else CASCADEFLOW_URL, else http://127.0.0.1:8000)
# CASCADEFLOW_ADMIN_TOKEN, when set, is sent as the bearer token; it goes to curl on stdin,
# never on its command line, where other users could read it.
# Nothing runs here but sh and curl: on a busy machine each program started costs about as
# much as sh itself (cat or sed would), so the rest is the shell's own.

url=${CASCADEFLOW_URL:-http://127.0.0.1:8000}
if [ "$1" = --url ] && [ -n "$2" ]; then url=$2; fi
while :; do
  case $url in */) url=${url%/} ;; *) break ;; esac
done
case $url in
  http://*) ;;
  *) printf 'cascadeflow: the proxy URL must start with http:// (%s)\n' "$url"; exit 0 ;;
esac

# A terminal on stdin is someone trying it by hand: no session then.
input=
if [ ! -t 0 ]; then
  while IFS= read -r line || [ -n "$line" ]; do input="$input$line"; done
fi
# "session_id": "<id>" from Claude Code's JSON (it has one such key); only an id the proxy files
# sessions under (proxy/conversations/identify.ts), so nothing needs escaping in the URL.
session=
case $input in
  *'"session_id"'*)
    session=${input#*'"session_id"'}
    session=${session#*'"'}
    session=${session%%'"'*}
    case $session in *[!A-Za-z0-9_.:-]*) session= ;; esac
    [ ${#session} -le 100 ] || session=
    ;;
esac
url="$url/api/statusline${session:+?session=$session}"

nl='
'
header=
[ -n "$CASCADEFLOW_ADMIN_TOKEN" ] && header="Authorization: Bearer $CASCADEFLOW_ADMIN_TOKEN"
# The proxy answers on loopback in about a millisecond; anything slower is treated as down.
# -q: no ~/.curlrc, whose options could change what is printed.
if ! answer=$(curl -q -s --max-time 0.5 -H @- -H 'Accept: application/json' -w "$nl%{http_code}" "$url" <<HEADER
$header
HEADER
); then
  echo 'cascadeflow: proxy not running'
  exit 0
fi
status=${answer##*"$nl"}
body=${answer%"$nl"*}
case $status in
  200) ;;
  401) echo 'cascadeflow: admin token needed (set CASCADEFLOW_ADMIN_TOKEN)'; exit 0 ;;
  *) echo "cascadeflow: the proxy answered HTTP $status"; exit 0 ;;
esac
case $body in
  '{"text":"'*'"}') text=${body#'{"text":"'}; text=${text%'"}'} ;;
  *) echo 'cascadeflow: unexpected answer from the proxy'; exit 0 ;;
esac
# JSON escapes a quote or a backslash with a backslash (the line has neither today).
case $text in
  *\\*) text=$(printf '%s\n' "$text" | sed 's/\\\(.\)/\1/g') ;;
esac
printf '%s\n' "$text"
