/*
 * wallet_cli — `chaindeck wallet <command>`: the scriptable wallet, on the
 * same vault file as the TUI. No curses: it runs before any terminal setup.
 *
 * Commands (every one takes --vault PATH; the default is vault_default_path):
 *   new [--words 12|24] [--kdf K]        create a vault from a fresh mnemonic; stdout gets the
 *                                        mnemonic (its only showing) then account 0's address
 *   restore [--passphrase-file F] [--kdf K]   create a vault from the mnemonic on stdin;
 *                                        stdout gets account 0's address
 *   list                                 "INDEX\tADDRESS\tLABEL" per account; needs no password
 *   derive [--count N]                   add the next N HD accounts (default 1); prints them as list does
 *   label ADDRESS TEXT                   set (or with "" clear) an account's label
 *   import-key [--label L]               the private key (hex) on stdin; prints the new account
 *   import-keystore FILE [--keystore-password-file F] [--label L]
 *   export-keystore ADDRESS --out FILE [--keystore-password-file F]   prints the address
 *   sign-tx --from ADDRESS               eth_signTransaction's parameter (JSON) on stdin;
 *                                        prints the signed raw transaction as 0x-hex
 *   sign-message --from ADDRESS MESSAGE  EIP-191 personal_sign of MESSAGE's bytes; prints 0x + 130 digits
 *   verify-message --address A --signature S MESSAGE   no vault needed; prints the signer
 *   K is interactive | moderate (default) | sensitive: libsodium's Argon2id levels.
 *
 * Passwords come from --password-file F (the vault's) or
 * --keystore-password-file F (a keystore's) — the first line, without its
 * newline — or else from a prompt on /dev/tty with echo off (restored on
 * every exit path, signals included). Never from argv or the environment. A
 * new password (new, restore, export-keystore) is asked twice on the tty.
 * Secrets read from stdin (mnemonic, private key) are prompted for with echo
 * off when stdin is a terminal.
 *
 * Output: stdout carries only results (addresses, raw transaction, signature;
 * `new` also its mnemonic, once); prompts go to the tty and messages to
 * stderr as one line "chaindeck wallet: ...". Nothing ever prints a private
 * key, a password or (except `new`) a mnemonic. Nothing is logged.
 *
 * Exit status: 0 ok (verify-message: the signature is by that address);
 * 1 operational error (verify-message: it is not); 2 usage error (bad
 * option, argument, address or signature text; no terminal for a prompt);
 * 3 wrong password (vault or keystore); 4 not found (no vault at the path, no
 * such account).
 */
#ifndef CHAINDECK_WALLET_CLI_H
#define CHAINDECK_WALLET_CLI_H

#include <stdint.h>

enum {
	WALLET_CLI_OK = 0,
	WALLET_CLI_EFAIL = 1,
	WALLET_CLI_EUSAGE = 2,
	WALLET_CLI_EPASSWORD = 3,
	WALLET_CLI_ENOTFOUND = 4
};

/*
 * Runs one command. argv[0] is "wallet", argv[1] the command; the arrays are
 * not modified beyond getopt's permutation. Returns the exit status above.
 */
int wallet_cli_main(int argc, char **argv);

/*
 * The private key of account `from` (an address) of the vault at vault_path
 * (NULL: the default), unlocked with the password of password_file (NULL:
 * the tty prompt), as sign-tx gets it: other commands that sign (chaindeck
 * safe) call this instead of opening the vault themselves. *key is sodium
 * memory for wallet_cli_key_free. Returns an exit status above, after saying
 * why on stderr.
 */
int wallet_cli_account_key(const char *vault_path, const char *password_file, const char *from, uint8_t **key);
void wallet_cli_key_free(uint8_t *key);
/*
 * The vault's password as the wallet commands get it: the first line of
 * password_file, else a prompt on the tty. *pw is guarded memory: free it
 * with wallet_cli_password_free. 0 or an exit status (a message was printed).
 */
int wallet_cli_vault_password(const char *password_file, char **pw);
void wallet_cli_password_free(char *pw);

#endif
