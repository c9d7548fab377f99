#!/usr/bin/env bash
# Every number the explorer shows is exact or marked, checked against cast's answers, in a real
# terminal (tmux): the live list's base fee and GAS% for each row on screen, the block table's
# VALUE and FEE (each with its unit), a transfer of 1234.567890123456789012 ETH, and at 80 columns
# an ERC-20 transfer's 24-digit amount, whole (a long value goes on under the value column). Under
# NO_COLOR a failed transaction says FAILED in words in the block table. Anvil runs with a base fee
# of 1493147 wei, so base fees and fees have many digits.
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"
. "$here/../lib/erc20.sh"

anvil_start --block-base-fee-per-gas 1493147 || die "anvil starts"
U=$ANVIL_URL
erc20_deploy "$U" || die "the token deploys"
A0=$ERC20_ACCOUNT0
A1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
A1_SUM=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
BIG=999999000000000000000000
VALUE_WEI=1234567890123456789012   # 1234.567890123456789012 ETH

ethtx=$(rpc_result "$U" eth_sendTransaction \
	"[{\"from\":\"$A0\",\"to\":\"$A1\",\"value\":\"$(python3 -c "print(hex($VALUE_WEI))")\"}]")
[ -n "$ethtx" ] || die "the ETH transfer is sent"
ethtx_r=$(tx_receipt_wait "$U" "$ethtx" 15) || die "the ETH transfer is mined"
big=$(erc20_transfer "$U" "$A0" "$A1" "$BIG") && [ -n "$big" ] || die "the big token transfer is sent"
tx_receipt_wait "$U" "$big" 15 >/dev/null || die "the big token transfer is mined"
fail=$(erc20_fail "$U" "$A0" reason) && [ -n "$fail" ] || die "the failing call is sent"
fail_r=$(tx_receipt_wait "$U" "$fail" 15) || die "the failing call is mined"
num_of() { printf '%s' "$1" | python3 -c 'import json, sys; print(int(json.load(sys.stdin)["blockNumber"], 16))'; }
eb=$(num_of "$ethtx_r")
fb=$(num_of "$fail_r")
[ "$("$CAST" tx --rpc-url "$U" "$ethtx" value)" = "$VALUE_WEI" ] || die "cast reads the value sent"

# cell_wei "12.5 gwei": the amount in wei (exactly, decimal arithmetic); fails on a cut or unit-less cell
cell_wei() {
	python3 - "$1" <<-'EOF'
		import sys
		from decimal import Decimal, getcontext
		getcontext().prec = 100
		parts = sys.argv[1].split()
		units = {"ETH": 18, "gwei": 9, "wei": 0}
		if len(parts) != 2 or parts[1] not in units or not all(c in "0123456789." for c in parts[0]):
		    sys.exit(1)
		v = Decimal(parts[0]) * (Decimal(10) ** units[parts[1]])
		if v != v.to_integral_value():
		    sys.exit(1)
		print(int(v))
	EOF
}


# ---- the live list: base fee and GAS% of every row, against cast block ----------------------------
explorer_start wide 120 32 "$U" NO_COLOR=1 || die "tmux starts"
screen_send 2
t_ok "the live list" screen_wait_for "^ $fb +[0-9]+[smhd] " 10
bad=""
checked=0
while read -r num rest; do
	fee_cell=$(printf '%s' "$rest" | awk '{print $4, $5}')
	gas_cell=$(printf '%s' "$rest" | awk '{print $3}')
	want_fee=$("$CAST" block --rpc-url "$U" "$num" -f baseFeePerGas)
	used=$("$CAST" block --rpc-url "$U" "$num" -f gasUsed)
	limit=$("$CAST" block --rpc-url "$U" "$num" -f gasLimit)
	got_fee=$(cell_wei "$fee_cell") || got_fee="'$fee_cell'"
	[ "$got_fee" = "$want_fee" ] || bad="$bad block $num base fee $got_fee, cast $want_fee;"
	# GAS%: exact unless marked ~, and then within half a hundredth of a percent
	python3 - "$gas_cell" "$used" "$limit" <<-'EOF' || bad="$bad block $num GAS% '$gas_cell' for $used/$limit;"
		import sys
		from fractions import Fraction
		cell, used, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
		exact = Fraction(used * 100, limit)
		marked = cell.startswith("~")
		v = Fraction(cell.lstrip("~").rstrip("%"))
		sys.exit(0 if (abs(v - exact) <= Fraction(1, 200) if marked else v == exact) else 1)
	EOF
	checked=$((checked + 1))
done < <(screen_capture | sed -n '4,$p' | grep -E '^ [0-9,]+ +[0-9]+[smhd] ' | sed 's/^ //; s/,//')
if [ -z "$bad" ] && [ "$checked" -ge 4 ]; then t_pass "base fee and GAS% of $checked rows are cast's, exactly or marked"
else t_fail "base fee and GAS% of $checked rows are cast's, exactly or marked" "$bad"; fi

# ---- the block table: VALUE and FEE with units, equal to cast's ------------------------------------
search "$eb"
t_ok "the ETH transfer's block" screen_wait_for "^ Block +#$eb( |$)" 5
t_ok "... its transaction row" screen_wait_for "^ ${ethtx:0:10}\.\." 5
row=$(screen_capture | grep -E "^ ${ethtx:0:10}\.\.")
val=$(printf '%s' "$row" | awk '{print $4, $5}')
fee=$(printf '%s' "$row" | awk '{print $6, $7}')
gp=$("$CAST" receipt --rpc-url "$U" "$ethtx" effectiveGasPrice)
gu=$("$CAST" receipt --rpc-url "$U" "$ethtx" gasUsed)
t_ok "VALUE is 1234.567890123456789012 ETH exactly ('$val')" [ "$(cell_wei "$val")" = "$VALUE_WEI" ]
t_ok "FEE is gasUsed x effectiveGasPrice from cast exactly ('$fee')" [ "$(cell_wei "$fee")" = "$((gu * gp))" ]

# the block view's gas share: exact, or rounded and marked
bused=$("$CAST" block --rpc-url "$U" "$eb" -f gasUsed)
blimit=$("$CAST" block --rpc-url "$U" "$eb" -f gasLimit)
pct=$(screen_capture | sed -n 's/^ Gas used .*(\(.*\))$/\1/p')
t_ok "block view: Gas used share '$pct' is $bused/$blimit exactly or marked" python3 -c '
import sys
from fractions import Fraction
cell, used, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
exact = Fraction(used * 100, limit)
v = Fraction(cell.lstrip("~").rstrip("%"))
sys.exit(0 if (abs(v - exact) <= Fraction(1, 200) if cell.startswith("~") else v == exact) else 1)' "$pct" "$bused" "$blimit"

# ---- NO_COLOR: a failed transaction says so in words ------------------------------------------------
search "$fb"
t_ok "the failed call's block" screen_wait_for "^ Block +#$fb( |$)" 5
t_ok "NO_COLOR: the failed row says FAILED" screen_wait_for "^ ${fail:0:10}\.\..* FAILED\$" 5
screen_send q
t_ok "q quits" screen_wait_for 'chaindeck exited with status 0' 5

# ---- 80 columns: a 24-digit argument is shown whole ------------------------------------------------
explorer_start narrow 80 24 "$U" || die "tmux starts (80x24)"
screen_send 2
t_ok "[80x24] the live list" screen_wait_for 'following by' 10
search "$big"
t_ok "[80x24] the token transfer" screen_wait_for '^ Method +transfer\(address,uint256\)' 5
# the Arguments row and the lines that go on under its value column, joined
args=$(screen_capture | awk '/^ Arguments /{on=1; sub(/^ Arguments +/, ""); printf "%s", $0; next}
	on && /^              [^ ]/{sub(/^ +/, ""); printf " %s", $0; next} {on=0}')
t_ok "[80x24] the arguments are whole: '$args'" [ "$args" = "$A1_SUM, $BIG" ]
screen_send q
t_ok "[80x24] q quits" screen_wait_for 'chaindeck exited with status 0' 5
t_done
