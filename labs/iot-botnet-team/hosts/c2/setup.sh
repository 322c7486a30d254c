#!/bin/bash
# iot-botnet-team — c2: the attackers' relay. An old camera recorder on the annex LAN that nobody
# registered (and nobody can log in to: terminal: false, listed: false in lab.yaml). The bots on ws01
# and gw01 report to it on C2_PORT; it accepts, logs and keeps their connections open.
# Runs as sandbox root before the team attaches (labs/README.md, "Team labs").
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

# ---------------------------------------------------------------- team-wide values
# Every host of this lab draws these first, in this order, from the same LAB_SEED: all three
# setups agree on them without talking to each other. Keep the block identical in every setup.sh.
RANDOM=${LAB_SEED:-1}
C2_PORT=$(( 20000 + RANDOM % 40000 ))  # the relay's port
LOGINS=(admin support user)
LOGIN_USER=${LOGINS[RANDOM % 3]}        # the factory-default account ws01's scanner got into gw01 with
RUN_AGO=$(( 6600 + RANDOM % 1200 ))     # the fake maintenance tool ran on ws01 110–130 minutes ago
BRUTE_AFTER=$(( 240 + RANDOM % 300 ))   # and its scanner started on gw01's telnet 4–9 minutes later
: "$LOGIN_USER" "$RUN_AGO" "$BRUTE_AFTER"
# ----------------------------------------------------------------

C2_ADDR=${LAB_HOST_ADDR:?team preamble missing: run this lab with provisionTeam}
var() { printf '%s=%s\n' "$1" "$2" >&3; }
spawn() { ( exec </dev/null >/dev/null 2>&1 3>&-; "$@" ) & }

mkdir -p /srv/c2/log
cat >/srv/c2/relay.pl <<'PERL'
# Accept bot reports, log each connection and what the bot says, keep the connection open.
use strict; use warnings; use IO::Socket::INET; use IO::Select;
my ($port, $log) = @ARGV; $SIG{PIPE} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $port, Listen => 16, ReuseAddr => 1, Proto => 'tcp') or die "listen $port: $!\n";
my $s = IO::Select->new($l); my %peer;
sub note { open(my $f, '>>', $log) or return; my @t = gmtime(time + 32400);
  printf $f "%04d-%02d-%02dT%02d:%02d:%02d+09:00 %s\n", $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0], $_[0]; close $f }
while (1) { for my $h ($s->can_read) {
  if ($h == $l) { my $c = $l->accept or next; if ($s->count > 64) { close $c; next }
    $peer{$c} = ($c->peerhost // '?') . ':' . ($c->peerport // 0); $s->add($c); note("connect $peer{$c}"); next }
  my $n = sysread($h, my $buf, 4096);
  if (!$n) { note("close $peer{$h}"); delete $peer{$h}; $s->remove($h); close $h; next }
  $buf =~ s/[^\x20-\x7e\n]//g; note("from $peer{$h}: $_") for grep { length } split /\n/, substr($buf, 0, 512);
} }
PERL
spawn setsid perl /srv/c2/relay.pl "$C2_PORT" /srv/c2/log/reports.log
hex=$(printf '%04X' "$C2_PORT")
for _ in $(seq 1 100); do grep -q ":$hex 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done
grep -q ":$hex 00000000:0000 0A" /proc/net/tcp || { echo "setup: relay is not listening on $C2_PORT" >&2; exit 1; }

var C2_ADDR "$C2_ADDR"
var C2_PORT "$C2_PORT"
var C2_ENDPOINT "$C2_ADDR:$C2_PORT"
echo "setup: c2 relay listening on $C2_ADDR:$C2_PORT" >&2
