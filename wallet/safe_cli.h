/*
 * safe_cli — `chaindeck safe <command>`: Safe 1.4.1 multisig accounts from
 * the command line, on the user's own node, with the wallet's vault as the
 * keys. No curses: it runs before any terminal setup.
 *
 *   create --owners A,B,C --threshold N --from ADDRESS [--salt N] [--l2]
 *       deploys a Safe proxy through SafeProxyFactory; the address is
 *       predicted (CREATE2) before sending and checked after; prints it.
 *       --l2: the proxy's singleton is SafeL2 (events for every transaction,
 *       for indexers on L2 chains) instead of Safe. The contracts' addresses
 *       are the canonical ones unless the configuration names others for the
 *       chain ([safe "CHAINID"], common/config.h)
 *   info SAFE [--book PATH]
 *       version, owners (with address-book labels), threshold, nonce,
 *       balance, modules, guard, fallback handler: "key\tvalue" lines
 *   propose SAFE [--out FILE] [--nonce N] [--safe-tx-gas N] and one of
 *       --to X [--value ETH] [--data HEX]     a call (ETH amount as in the send form)
 *       --to X --erc20 TOKEN --amount N      ERC-20 transfer (N in the token's units)
 *       --add-owner X [--threshold N] | --remove-owner X [--threshold N] | --change-threshold N
 *       writes a proposal file (wallet/safe.h) without signatures; prints the SafeTx hash.
 *       Without --out: $XDG_DATA_HOME/chaindeck/safe/SAFE-NONCE-HASHPREFIX.json, where
 *       the wallet pane's Safe screen lists it (never overwriting a file there)
 *   sign FILE --from OWNER [--offline]
 *       adds OWNER's signature to FILE after checking the file, the chain, the
 *       nonce, ownership and the hash against the contract; prints the signature.
 *       --offline (an air-gapped machine): only the file's own hash is checked,
 *       and stderr says what was not
 *   exec FILE --from ADDRESS [--allow-failure]
 *       executes a proposal with enough owner signatures: checks them, asks
 *       the contract (checkSignatures) and simulates execTransaction (eth_call)
 *       before sending; waits for the receipt and prints ExecutionSuccess or
 *       ExecutionFailure (exit 1) from the Safe's logs
 *
 * Every command takes --rpc-url URL (else ETH_RPC_URL, else the config
 * file's first node); create, sign and exec take --vault PATH and
 * --password-file F as `chaindeck wallet` does.
 * Exit status as chaindeck wallet: 0 ok, 1 error or refusal, 2 usage,
 * 3 wrong password, 4 not found.
 */
#ifndef CHAINDECK_SAFE_CLI_H
#define CHAINDECK_SAFE_CLI_H

/* argv[0] is "safe", argv[1] the command. Returns the exit status. */
int safe_cli_main(int argc, char **argv);

#endif
