#!/usr/bin/env bash
# Editing the fleet and its config file from the dashboard, in a real terminal (tmux):
#   - the file keeps its comments and spacing: after a pin, an add and removals it equals, byte for
#     byte (diff), the original with only the edited section changed (the expected files are made
#     here with sed and printf, not by chaindeck);
#   - a name already watched is refused at once, and removing a node removes exactly that node;
#   - the URL prompt starts empty (the default is a hint: Enter alone takes it); a malformed URL is
#     refused for the file and the session alike, its password shown and logged nowhere;
#   - node names: one limit (63 bytes), said when a longer one is typed; a 63-byte node can be pinned;
#   - the file is reloaded when it changes on disk (printf >>) and on SIGHUP (also an edit the watch
#     cannot see, made through a hard link elsewhere); an invalid edit keeps
#     the old fleet with a message; after a restart the fleet is what the file says.
# The nodes are loopback ports nobody listens on: editing needs no live node.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
dash_home chaindeck-screen
p1=$(free_port) p2=$(free_port) p3=$(free_port) p4=$(free_port)
config=$home/fleet.ini
log=$home/chaindeck.log

# Comments of both kinds, a comment after a header, odd spacing, indented keys, no space around '=',
# a comment between keys, and a comment before a section that belongs to that section.
cat >"$config" <<EOF
# Fleet of the operations team
; owner: ops

[general]
refresh   =   500     ; fast polls

[node "p1-main"]   # the primary
  url =   http://127.0.0.1:$p1
  chain_id = 1   ; mainnet
  # keep the timeout short
  timeout=2000

# the backup, on another host
[node "p2-backup"]
url = http://127.0.0.1:$p2
pinned = no    ; not yet
EOF
chmod 600 "$config"
cp "$config" "$home/original.ini"

start() {
	screen_chaindeck "$1" 120 30 --config "$config" --log "$log"
}
# the chaindeck process of the current screen (the child of the sh that prints its status)
chaindeck_pid() { pgrep -P "$(env -u TMUX tmux -L "$SCREEN_SOCKET" display-message -p -t "$SCREEN_NAME" '#{pane_pid}')"; }
# count_rows NAME: how many rows of the grid (from its header to the first empty line) are NAME's
count_rows() { screen_capture | awk -v n="$1" '!h && /^ NODE/ { h = 1; next } h && /^ *$/ { exit } h { sub(/^\^/, "", $1); c += $1 == n } END { print c + 0 }'; }
one_row() { [ "$(count_rows "$1")" = 1 ]; }
no_row() { [ "$(count_rows "$1")" = 0 ]; }
not_on_screen() { ! screen_capture | grep -qE "$1"; }
# same FILE: the config file equals FILE byte for byte, within 3 s (the write is on a worker thread)
same() {
	local end=$(($(now_ms) + 3000))
	until cmp -s "$1" "$config"; do
		if [ "$(now_ms)" -ge "$end" ]; then diff -u "$1" "$config" | sed 's/^/# /'; return 1; fi
		sleep 0.05
	done
}
# select_node NAME: in the detail view (Enter), Home then j until its Node row names NAME; back to the grid
node_line() { screen_capture | grep -m1 '^ Node '; }
select_node() {
	local i prev end
	screen_send Enter
	screen_wait_for '^ Node ' 3 >/dev/null || return 1
	screen_send Home
	screen_wait_for '^ Node .*\(1/' 3 >/dev/null
	for ((i = 0; i < 12; i++)); do
		prev=$(node_line)
		case $prev in " Node "*" $1 "*)
			screen_send Escape
			screen_wait_for '^ NODE' 3 >/dev/null
			return 0 ;;
		esac
		screen_send j
		end=$(($(now_ms) + 1000))
		while [ "$(node_line)" = "$prev" ] && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
	done
	screen_send Escape
	return 1
}
# add NAME URL: a, the name, Enter, the URL (typed literally; may be empty), Enter
add() {
	screen_send a
	screen_wait_for 'New node name' 3 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
	screen_wait_for '^ URL ' 3 >/dev/null || return 1
	[ -n "$2" ] && screen_type "$2"
	screen_send Enter
}

start cfg
t_ok "grid shows both nodes" screen_wait_for '^ \^?p2-backup ' 10
t_ok "p1-main is there" screen_wait_for '^ \^?p1-main ' 1

# ---- 1. a name already watched ---------------------------------------------------------------------
screen_send a
screen_wait_for 'New node name' 3 >/dev/null
screen_type p1-main
screen_send Enter
# (a version that asks for the URL anyway gets the Enter the report describes)
if screen_wait_for 'already watched|^ URL ' 3 >/dev/null && screen_capture | grep -q '^ URL '; then screen_send Enter; fi
t_ok "a second p1-main is refused with a message" screen_wait_for "not added: a node named 'p1-main' is already watched" 3
t_ok "the grid still has one p1-main row" one_row p1-main
t_ok "the file is unchanged" same "$home/original.ini"

# ---- 2. pin edits one line in place -----------------------------------------------------------------
select_node p2-backup || t_fail "cursor on p2-backup"
screen_send p
t_ok "p pins p2-backup" screen_wait_for '^ \^p2-backup ' 3
sed 's/^pinned = no    ; not yet$/pinned = yes    ; not yet/' "$home/original.ini" >"$home/pinned.ini"
t_ok "pin: only the pinned line changed (diff)" same "$home/pinned.ini"
t_ok "pin: says saved" screen_wait_for "saved to $config" 3

# ---- 3. the URL prompt: empty, the default a hint ------------------------------------------------------
screen_send a
screen_wait_for 'New node name' 3 >/dev/null
screen_type bad
screen_send Enter
t_ok "URL prompt names the default as a hint" screen_wait_for '^ URL .*http://127\.0\.0\.1:8545' 3
t_ok "URL field starts empty" screen_wait_for '^ URL \(Enter: http://127\.0\.0\.1:8545\) *$' 1
screen_type "http://127.0.0.1:8545http://user:SECRETPW@host"
screen_send Enter
t_ok "a malformed URL is refused" screen_wait_for '^ ?not added: ' 3
t_ok "the refused node has no row" no_row bad
t_ok "its password is not on screen" not_on_screen SECRETPW
t_ok "the file is unchanged by the refusal" same "$home/pinned.ini"

# Enter alone takes the default.
add dflt ""
t_ok "Enter alone adds the default URL" screen_wait_for '^ \^?dflt ' 5
{ cat "$home/pinned.ini"; printf '\n[node "dflt"]\nurl = http://127.0.0.1:8545\n'; } >"$home/dflt.ini"
t_ok "add: the file gets one section at its end, the rest untouched (diff)" same "$home/dflt.ini"

# A URL with a password: masked on screen and in the log.
add auth "http://user:SECRETPW@127.0.0.1:$p4"
t_ok "a node with a password in its URL is added" screen_wait_for '^ \^?auth ' 5
select_node auth || t_fail "cursor on auth"
screen_send Enter
t_ok "its detail header shows the URL" screen_wait_for "^ Node +auth .*127\\.0\\.0\\.1:$p4" 3
t_ok "without the password" not_on_screen SECRETPW
screen_send Escape
screen_wait_for '^ NODE' 3 >/dev/null
select_node auth
screen_send d
t_ok "d asks before removing auth" screen_wait_for 'Remove auth\? \(y/n\)' 3
screen_send y
t_ok "auth's row is gone" screen_wait_gone '^ \^?auth ' 3
t_ok "remove: the file is back to what it was (diff)" same "$home/dflt.ini"
select_node dflt
screen_send d
screen_wait_for 'Remove dflt' 3 >/dev/null
screen_send y
t_ok "removing the last section restores the file (diff)" same "$home/pinned.ini"

# ---- 1. removal removes exactly the selected node -----------------------------------------------------
select_node p1-main || t_fail "cursor on p1-main"
screen_send d
screen_wait_for 'Remove p1-main' 3 >/dev/null
screen_send y
t_ok "p1-main's row is gone" screen_wait_gone '^ \^?p1-main ' 3
# its header through its last key, and the blank line after it; the backup's comment stays
awk '/^\[node "p1-main"\]/{skip=1} skip && /^$/{skip=0; next} !skip' "$home/pinned.ini" >"$home/removed.ini"
t_ok "remove: exactly p1-main's lines are gone (diff)" same "$home/removed.ini"
t_ok "p2-backup is still watched" screen_wait_for '^ \^p2-backup ' 1

# ---- 9. one name limit ---------------------------------------------------------------------------
n63=$(printf 'n%.0s' {1..63}) n64=$(printf 'n%.0s' {1..64})
screen_send a
screen_wait_for 'New node name' 3 >/dev/null
screen_type "$n64"
screen_send Enter
if screen_wait_for 'at most 63 bytes \(this one has 64\)|^ URL ' 3 >/dev/null && screen_capture | grep -q '^ URL '; then
	screen_type "http://127.0.0.1:$p3"
	screen_send Enter
fi
t_ok "a 64-byte name is refused, saying the limit" screen_wait_for 'at most 63 bytes \(this one has 64\)' 3
add "$n63" "http://127.0.0.1:$p3"
t_ok "a 63-byte name is added" screen_wait_for "^ \\^?${n63:0:20}" 5
select_node "$n63" || t_fail "cursor on the 63-byte node"
screen_send p
t_ok "pinning it is saved (no 'not in the config file')" screen_wait_for "saved to $config" 3
t_ok "its section in the file has pinned = yes" \
	awk -v h="[node \"$n63\"]" '$0 == h {t = 1; next} /^\[/ {t = 0} t && /^pinned = yes$/ {f = 1} END {exit !f}' "$config"
select_node "$n63"
screen_send d
screen_wait_for 'Remove ' 3 >/dev/null
screen_send y
t_ok "removing it restores the file (diff)" same "$home/removed.ini"

# ---- 2. reload: a change on disk, an invalid edit, SIGHUP ---------------------------------------------
printf '\n[node "ext"]\nurl = http://127.0.0.1:%s\n' "$p3" >>"$config"
cp "$config" "$home/ext.ini"
t_ok "a node appended with printf >> is loaded without a restart" screen_wait_for '^ \^?ext ' 5
t_ok "the reload is said on screen" screen_wait_for 'config reloaded: 1 node added, 0 removed, 0 changed' 3
printf 'this is not ini\n' >>"$config"
t_ok "an invalid edit is reported with its line" \
	screen_wait_for "config not reloaded \\(still running on the one loaded before\\): $config:[0-9]+: " 5
t_ok "the fleet is kept: ext is still there" screen_wait_for '^ \^?ext ' 1
t_ok "the fleet is kept: p2-backup too" screen_wait_for '^ \^p2-backup ' 1
cp "$home/ext.ini" "$config.new" && mv "$config.new" "$config" # an editor's save: write then rename
t_ok "the fixed file is reloaded" screen_wait_for 'config reloaded' 5
pid=$(chaindeck_pid)
kill -HUP "$pid"
t_ok "SIGHUP reloads (and says so even with no change)" \
	screen_wait_for 'config reloaded: 0 nodes added, 0 removed, 0 changed' 5
t_ok "SIGHUP is logged" grep -q 'config reloaded: 0 nodes added' "$log"
t_ok "chaindeck still runs after SIGHUP" kill -0 "$pid"
# An edit inotify cannot see (written through a hard link in another directory: the watch is on the
# config's directory) is loaded by SIGHUP.
mkdir "$home/elsewhere" && ln "$config" "$home/elsewhere/link.ini"
printf '\n[node "hup"]\nurl = http://127.0.0.1:%s\n' "$p4" >>"$home/elsewhere/link.ini"
cp "$config" "$home/ext.ini"
kill -HUP "$pid"
t_ok "SIGHUP loads an edit made behind the watch's back" screen_wait_for '^ \^?hup ' 5
t_ok "... and says it added one node" screen_wait_for 'config reloaded: 1 node added, 0 removed, 0 changed' 3
t_ok "the password typed in the malformed URL is not in the log" bash -c "! grep -q SECRETPW '$log'"

# ---- persistence: quit, restart, read it back ----------------------------------------------------------
# Four pins in a row, then q at once: edits queue behind the write in flight, and the last one is on
# disk after the exit (p2-backup pinned again: the file as before, byte for byte).
select_node p2-backup || t_fail "cursor on p2-backup"
screen_send p p p p q
t_ok "q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5
t_ok "the file on disk is the last one (diff)" same "$home/ext.ini"
start cfg2
t_ok "after a restart: ext" screen_wait_for '^ \^?ext ' 10
t_ok "after a restart: hup" screen_wait_for '^ \^?hup ' 3
t_ok "after a restart: p2-backup pinned" screen_wait_for '^ \^p2-backup ' 3
t_ok "after a restart: p1-main stays removed" screen_wait_gone '^ \^?p1-main ' 1
screen_send q
screen_wait_for 'chaindeck exited with status 0' 5 >/dev/null
t_done
