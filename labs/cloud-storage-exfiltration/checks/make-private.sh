#!/bin/bash
# Pass when no statement of the exfiltrated bucket's policy allows anyone (Principal "*"), the policy
# is still a well-formed document (the service would reject a broken one and keep the old policy),
# and the web site's intended public read is untouched.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
POLICY_AWK=$(cat <<'AWK'
# Prints one line per statement of an S3 bucket policy (whitespace outside strings removed),
# or the single line "INVALID" when the document is not a well-formed object.
{ buf = buf $0 "\n" }
END {
  n = length(buf); s = 0; e = 0; d = 0; o = ""
  for (i = 1; i <= n; i++) {
    c = substr(buf, i, 1)
    if (s) { o = o c; if (e) e = 0; else if (c == "\\") e = 1; else if (c == "\"") s = 0; continue }
    if (c == "\"") { s = 1; o = o c; continue }
    if (c == " " || c == "\t" || c == "\r" || c == "\n") continue
    if (c == "{" || c == "[") d++
    if (c == "}" || c == "]") { d--; if (d < 0) break }
    o = o c
  }
  if (s || d != 0 || substr(o, 1, 1) != "{" || substr(o, length(o), 1) != "}") { print "INVALID"; exit }
  p = index(o, "\"Statement\":")
  if (p == 0) exit
  rest = substr(o, p + 12); m = length(rest); s = 0; e = 0; d = 0; cur = ""
  single = (substr(rest, 1, 1) == "{")
  for (i = 1; i <= m; i++) {
    c = substr(rest, i, 1)
    if (s) { if (d >= (single ? 1 : 2)) cur = cur c; if (e) e = 0; else if (c == "\\") e = 1; else if (c == "\"") s = 0; continue }
    if (c == "\"") { s = 1; if (d >= (single ? 1 : 2)) cur = cur c; continue }
    if (c == "{" || c == "[") d++
    if (d >= (single ? 1 : 2)) cur = cur c
    if (c == "}" || c == "]") {
      d--
      if (d == (single ? 0 : 1) && c == "}") { print cur; cur = "" }
      if (d <= 0) break
    }
  }
}
AWK
)
statements() { [ -f "$1" ] && [ ! -L "$1" ] && awk "$POLICY_AWK" "$1" 2>/dev/null; }
public_statements() {
  statements "$1" | grep -E '"Effect":"Allow"' | grep -E '"Principal":("\*"|\{"AWS":("\*"|\[[^]]*"\*"))' \
    | grep -vE '"Condition":.*"aws:(SourceIp|SourceVpce|PrincipalAccount)"'
}
B=/srv/storage/buckets
p=$B/$VAR_EXFIL_BUCKET/policy.json
if [ -e "$p" ] && [ "$(statements "$p" | head -n 1)" = INVALID ]; then
  say "policy.json が JSON として正しくありません。この状態ではサービスが変更を受け付けず、以前の公開設定のままになります。" \
    "policy.json is not valid JSON. The service would reject it and keep the previous, public policy."
  exit 1
fi
if [ -e "$p" ] && [ -n "$(public_statements "$p")" ]; then
  say "$VAR_EXFIL_BUCKET はまだ誰でも読み取れる設定のままです。" "$VAR_EXFIL_BUCKET can still be read by anyone."
  exit 1
fi
if [ -z "$(public_statements "$B/kmgas-web-assets/policy.json")" ]; then
  say "Web サイト用のバケット（kmgas-web-assets）の公開設定まで消えています。意図して公開しているものは残してください。" \
    "The web site's bucket (kmgas-web-assets) is no longer public. Keep what is meant to be public."
  exit 1
fi
say "$VAR_EXFIL_BUCKET は非公開になっています。" "$VAR_EXFIL_BUCKET is private."
exit 0
