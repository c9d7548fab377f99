/*
 * wallet_cli — `chaindeck wallet <command>`. Contract in wallet_cli.h.
 *
 * Every secret (passwords, mnemonic, passphrase, private keys) is read into
 * sodium_malloc memory and freed with sodium_free before the command returns.
 */
#include "wallet/wallet_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "common/address.h"
#include "common/addressbook.h"
#include "common/hex.h"
#include "common/text.h"
#include "wallet/bip39.h"
#include "wallet/eip712.h"
#include "wallet/hd.h"
#include "wallet/keystore.h"
#include "wallet/ledger.h"
#include "wallet/sign.h"
#include "wallet/tx.h"
#include "wallet/vault.h"

enum {
	SECRET_MAX = 1024,          /* a password or passphrase, in bytes */
	STDIN_JSON_MAX = 1 << 20,
	COUNT_MAX = 1000
};

/* Option bits: which options a command accepts and which were given. */
enum {
	OPT_VAULT = 1u << 0,
	OPT_PASSWORD_FILE = 1u << 1,
	OPT_WORDS = 1u << 2,
	OPT_PASSPHRASE_FILE = 1u << 3,
	OPT_COUNT = 1u << 4,
	OPT_KEYSTORE_PASSWORD_FILE = 1u << 5,
	OPT_OUT = 1u << 6,
	OPT_FROM = 1u << 7,
	OPT_ADDRESS = 1u << 8,
	OPT_SIGNATURE = 1u << 9,
	OPT_LABEL = 1u << 10,
	OPT_KDF = 1u << 11,
	OPT_HELP = 1u << 12,
	OPT_BOOK = 1u << 13,
	OPT_DIR = 1u << 14,
	OPT_HEX = 1u << 15,
	OPT_TEXT = 1u << 16,
	OPT_VERIFY = 1u << 17,
	OPT_SKIP_BACKUP = 1u << 18,
	OPT_NEW_PASSWORD_FILE = 1u << 19,
	OPT_LEDGER = 1u << 20,
	OPT_PATH_STYLE = 1u << 21,
	OPT_CHAIN_ID = 1u << 22
};

enum { COMMON_OPTS = OPT_VAULT | OPT_PASSWORD_FILE | OPT_HELP };

struct cli {
	unsigned seen;
	const char *vault_path;
	const char *password_file;
	const char *passphrase_file;
	const char *keystore_password_file;
	const char *out;
	const char *from;
	const char *address;
	const char *signature;
	const char *label;
	const char *kdf;
	const char *book_path;
	const char *dir;
	const char *new_password_file;
	const char *ledger;      /* --ledger PATH: sign on the device with that derivation path */
	const char *path_style;
	unsigned long long chain_id;
	unsigned long words;
	unsigned long count;
	char **args; /* positional arguments after the command */
	int nargs;
	char default_path[4096];
};

struct command {
	const char *name;
	int (*run)(struct cli *c);
	unsigned opts;
	int min_args, max_args;
	const char *usage;
};

static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int rc, const char *fmt, ...)
{
	va_list ap;

	fputs("chaindeck wallet: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

/* The exit status for a library code: the documented 3 and 4 for a wrong password and a missing
 * vault, keystore or account; 1 for every other failure. */
static int exit_for(int rc)
{
	switch (rc) {
	case CD_OK: return WALLET_CLI_OK;
	case CD_EPASSWORD: return WALLET_CLI_EPASSWORD;
	case CD_ENOTFOUND: return WALLET_CLI_ENOTFOUND;
	}
	return WALLET_CLI_EFAIL;
}

static int vault_fail(int rc, const char *msg)
{
	return fail(exit_for(rc), "%s", msg[0] ? msg : cd_strerror(rc));
}

/* ---- secrets in --------------------------------------------------------------------------------- */

static char *secret_alloc(size_t n)
{
	char *p = sodium_malloc(n);

	if (!p) {
		fputs("chaindeck wallet: cannot allocate guarded memory\n", stderr);
		abort();
	}
	memset(p, 0, n);
	return p;
}

static void secret_free(void *p)
{
	if (p)
		sodium_free(p);
}

static volatile sig_atomic_t tty_signal;
/* Written to the terminal when a prompt is interrupted by a signal (NULL: nothing). */
static const char *tty_on_signal;

static void on_tty_signal(int sig)
{
	tty_signal = sig;
}

static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
enum { NTTY_SIGNALS = sizeof(tty_signals) / sizeof(tty_signals[0]) };

/*
 * Prompts on /dev/tty with echo off and reads one line into out[cap]
 * (NUL-terminated, no newline). The terminal's settings are restored before
 * returning, on every path; a signal that arrives meanwhile is re-raised after
 * the restore. Returns 0, or an exit status after printing why.
 */
static int tty_read_secret(const char *prompt, char *out, size_t cap)
{
	struct sigaction sa, old_sa[NTTY_SIGNALS];
	struct termios old, quiet;
	size_t n = 0;
	bool too_long = false, eof = false;
	int fd, rc = 0, sig;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail(WALLET_CLI_EUSAGE, "no terminal to ask for a secret on; use a file option");
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return fail(WALLET_CLI_EUSAGE, "no terminal to ask for a secret on; use a file option");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tty_signal; /* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	tty_signal = 0;
	for (int i = 0; i < NTTY_SIGNALS; i++)
		sigaction(tty_signals[i], &sa, &old_sa[i]);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	quiet.c_lflag |= ICANON;
	/* Echo off (and type-ahead flushed) before the prompt appears: what is typed after it is kept. */
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		rc = WALLET_CLI_EFAIL;
	if (rc == 0 && write(fd, prompt, strlen(prompt)) < 0)
		rc = WALLET_CLI_EFAIL;
	while (rc == 0 && !tty_signal) {
		char ch;
		ssize_t r = read(fd, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			eof = true;
			break;
		}
		if (ch == '\n')
			break;
		if (n + 1 < cap)
			out[n++] = ch;
		else
			too_long = true;
	}
	out[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		rc = rc ? rc : WALLET_CLI_EFAIL;
	/* Interrupted while a mnemonic is on the screen: clear it before the signal ends us. */
	if (tty_signal && tty_on_signal && write(fd, tty_on_signal, strlen(tty_on_signal)) < 0)
		rc = rc ? rc : WALLET_CLI_EFAIL;
	close(fd);
	for (int i = 0; i < NTTY_SIGNALS; i++)
		sigaction(tty_signals[i], &old_sa[i], NULL);
	sig = tty_signal;
	if (sig) {
		sodium_memzero(out, cap);
		raise(sig);
		return fail(WALLET_CLI_EFAIL, "interrupted");
	}
	if (rc)
		return fail(rc, "cannot use the terminal");
	if (eof && n == 0)
		return fail(WALLET_CLI_EFAIL, "no input");
	if (too_long) {
		sodium_memzero(out, cap);
		return fail(WALLET_CLI_EFAIL, "input longer than %zu bytes", cap - 1);
	}
	return 0;
}

/* Reads fd to EOF into out[cap] (NUL-terminated); 0, or an exit status. */
static int read_all(int fd, char *out, size_t cap, size_t *len, const char *what)
{
	size_t n = 0;

	for (;;) {
		ssize_t r;

		if (n + 1 >= cap)
			return fail(WALLET_CLI_EFAIL, "%s is longer than %zu bytes", what, cap - 1);
		r = read(fd, out + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(WALLET_CLI_EFAIL, "cannot read %s: %s", what, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	if (memchr(out, '\0', n))
		return fail(WALLET_CLI_EFAIL, "%s contains a NUL byte", what);
	*len = n;
	return 0;
}

/* The first line of a file (without "\n" or "\r\n") into out[cap]. */
static int read_first_line(const char *path, char *out, size_t cap, const char *what)
{
	char *buf = secret_alloc(cap + 2);
	size_t n = 0, end = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		secret_free(buf);
		return fail(errno == ENOENT ? WALLET_CLI_ENOTFOUND : WALLET_CLI_EFAIL,
			"cannot open %s %s: %s", what, path, strerror(errno));
	}
	/* read at most cap + 1 bytes: enough to see whether the first line fits */
	for (;;) {
		ssize_t r = read(fd, buf + n, cap + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == cap + 1 || memchr(buf, '\n', n))
			break;
	}
	close(fd);
	while (end < n && buf[end] != '\n')
		end++;
	if (end > 0 && buf[end - 1] == '\r')
		end--;
	rc = 0;
	if (end >= cap)
		rc = fail(WALLET_CLI_EFAIL, "%s in %s is longer than %zu bytes", what, path, cap - 1);
	else if (memchr(buf, '\0', end))
		rc = fail(WALLET_CLI_EFAIL, "%s in %s contains a NUL byte", what, path);
	if (rc == 0) {
		memcpy(out, buf, end);
		out[end] = '\0';
	}
	secret_free(buf);
	return rc;
}

/*
 * Why a new password is weak, or NULL: fewer than PASSWORD_MIN characters,
 * one character repeated, or (ignoring case, and digits or symbols added at
 * the end) one of the passwords every guesser tries first.
 */
enum { PASSWORD_MIN = 10 };

static const char *weak_password(const char *pw)
{
	static const char *const obvious[] = {
		"password", "passw0rd", "p@ssw0rd", "123456", "1234567", "12345678", "123456789",
		"1234567890", "qwerty", "qwertyuiop", "azerty", "letmein", "welcome", "iloveyou",
		"admin", "monkey", "dragon", "abc123", "111111", "000000", "secret", "chaindeck",
		"ethereum", "bitcoin", "wallet", "crypto", "metamask", "changeme", "trustno1",
	};
	size_t len = strlen(pw), stem = len;
	bool same = true;

	for (size_t i = 1; i < len; i++)
		same = same && pw[i] == pw[0];
	if (len > 1 && same)
		return "one character repeated";
	/* "password123!" is "password" to a guesser */
	while (stem > 0 && !((pw[stem - 1] >= 'a' && pw[stem - 1] <= 'z') || (pw[stem - 1] >= 'A' && pw[stem - 1] <= 'Z')))
		stem--;
	for (size_t i = 0; i < sizeof(obvious) / sizeof(obvious[0]); i++) {
		size_t ol = strlen(obvious[i]);

		if ((ol == len && strncasecmp(pw, obvious[i], len) == 0) ||
		    (ol == stem && stem > 0 && strncasecmp(pw, obvious[i], stem) == 0))
			return "one of the first passwords anyone tries";
	}
	if (len < PASSWORD_MIN)
		return "shorter than 10 characters";
	return NULL;
}

/*
 * Warns on a weak new password. From a file (scripts) the warning is all; on
 * the terminal the user must type "yes" to keep it. 0, or an exit status.
 */
static int accept_weak_password(const char *pw, bool interactive)
{
	const char *why = weak_password(pw);
	char answer[8];
	int rc;

	if (!why)
		return 0;
	fprintf(stderr, "chaindeck wallet: warning: weak password (%s): whoever gets a copy of the "
		"file can try guesses offline; a long phrase of several words is better\n", why);
	if (!interactive)
		return 0;
	rc = tty_read_secret("Keep this weak password? Type yes to keep it: ", answer, sizeof(answer));
	if (rc != 0)
		return rc;
	if (strcmp(answer, "yes") != 0)
		return fail(WALLET_CLI_EFAIL, "weak password not kept: nothing was written");
	return 0;
}

/*
 * A password: the first line of file when given, else a tty prompt (twice,
 * compared, when confirm). *out is sodium memory the caller frees.
 */
static int get_password(const char *file, const char *prompt, bool confirm, char **out)
{
	char *pw = secret_alloc(SECRET_MAX + 1), *again = NULL;
	char p2[128];
	int rc;

	*out = NULL;
	if (file) {
		rc = read_first_line(file, pw, SECRET_MAX + 1, "the password");
	} else {
		rc = tty_read_secret(prompt, pw, SECRET_MAX + 1);
		if (rc == 0 && confirm) {
			again = secret_alloc(SECRET_MAX + 1);
			snprintf(p2, sizeof(p2), "Repeat %c%s", prompt[0] == 'N' ? 'n' : prompt[0],
				prompt + 1);
			rc = tty_read_secret(p2, again, SECRET_MAX + 1);
			if (rc == 0 && strcmp(pw, again) != 0)
				rc = fail(WALLET_CLI_EFAIL, "the two passwords differ");
		}
	}
	if (rc == 0 && confirm && pw[0] == '\0')
		rc = fail(WALLET_CLI_EFAIL, "refusing an empty password");
	if (rc == 0 && confirm)
		rc = accept_weak_password(pw, file == NULL);
	secret_free(again);
	if (rc != 0) {
		secret_free(pw);
		return rc;
	}
	*out = pw;
	return 0;
}

/* A secret on stdin: a prompt with echo off on a terminal, else everything up to EOF. */
static int get_stdin_secret(const char *prompt, char *out, size_t cap, const char *what)
{
	size_t len;

	if (isatty(STDIN_FILENO))
		return tty_read_secret(prompt, out, cap);
	return read_all(STDIN_FILENO, out, cap, &len, what);
}

/* ---- shared steps ------------------------------------------------------------------------------- */

static const char *vault_file(struct cli *c)
{
	if (c->vault_path)
		return c->vault_path;
	if (vault_default_path(c->default_path, sizeof(c->default_path)) != CD_OK)
		return NULL;
	return c->default_path;
}

static int open_vault(struct cli *c, struct vault **v)
{
	char err[512] = "";
	const char *path = vault_file(c);
	int rc;

	if (!path)
		return fail(WALLET_CLI_EUSAGE, "no vault path: set HOME or XDG_DATA_HOME, or give --vault");
	rc = vault_open(v, path, err, sizeof(err));
	if (rc != CD_OK)
		return vault_fail(rc, err);
	return 0;
}

static int open_unlocked(struct cli *c, struct vault **v)
{
	char err[512] = "";
	char *pw = NULL;
	int rc;

	rc = open_vault(c, v);
	if (rc != 0)
		return rc;
	rc = get_password(c->password_file, "Vault password: ", false, &pw);
	if (rc == 0) {
		rc = vault_unlock(*v, pw, err, sizeof(err));
		rc = rc == CD_OK ? 0 : vault_fail(rc, err);
	}
	if (rc == 0 && vault_legacy_passphrase(*v))
		fputs("chaindeck wallet: note: this vault was made before BIP-39 passphrases were "
			"NFKD-normalised; other wallets restore other addresses from its words and "
			"passphrase: move the funds to a new vault\n", stderr);
	secret_free(pw);
	if (rc != 0) {
		vault_free(*v);
		*v = NULL;
	}
	return rc;
}

static int save(struct vault *v)
{
	char err[512] = "";
	int rc = vault_save(v, err, sizeof(err));

	return rc == CD_OK ? 0 : vault_fail(rc, err);
}

static int parse_address(const char *s, struct address *a, const char *what)
{
	int rc = address_parse(a, s, strlen(s));

	if (rc != CD_OK)
		return fail(WALLET_CLI_EUSAGE, "%s %s: %s", what, s, cd_strerror(rc));
	return 0;
}

/* The account of --from / ADDRESS in the vault. */
static int find_account(struct vault *v, const char *text, size_t *i)
{
	struct address a;
	int rc = parse_address(text, &a, "address");

	if (rc != 0)
		return rc;
	if (vault_find(v, &a, i) != CD_OK)
		return fail(WALLET_CLI_ENOTFOUND, "%s is not an account in this vault", text);
	return 0;
}

/*
 * "INDEX\tADDRESS\tLABEL\tSTATE": STATE is "verified" when the vault is
 * unlocked and the address is the one its key gives (vault_verified_address),
 * else "unverified" (read from the file without the password). Returns 0, or
 * an exit status after saying why when the file's address is not its key's.
 */
static int print_account(struct vault *v, size_t i)
{
	struct vault_account a;
	struct address k;
	char text[ADDRESS_TEXT_SIZE], err[512] = "";
	const char *state = "unverified";
	int rc;

	if (vault_account(v, i, &a) != CD_OK)
		return 0;
	if (vault_is_unlocked(v)) {
		rc = vault_verified_address(v, i, &k, err, sizeof(err));
		if (rc != CD_OK)
			return vault_fail(rc, err);
		state = "verified";
	}
	address_format(&a.address, text);
	if (a.kind == VAULT_HARDWARE)
		printf("%zu\t%s\t%s\t%s\tledger %s%s%s\n", i, text, a.label, state, a.hw_path,
			a.hw_note[0] ? " " : "", a.hw_note);
	else
		printf("%zu\t%s\t%s\t%s\n", i, text, a.label, state);
	return 0;
}

/* ---- Ledger ------------------------------------------------------------------------------------- */

/*
 * The device, or the recorded exchange CHAINDECK_LEDGER_REPLAY names in its
 * place (wallet/ledger.h). 0, or an exit status after saying why.
 */
static int open_ledger(struct ledger **l)
{
	const char *replay = getenv("CHAINDECK_LEDGER_REPLAY");
	char err[LEDGER_ERR_MAX] = "";
	int rc = ledger_open(l, replay && replay[0] ? replay : NULL, 0, err, sizeof(err));

	if (rc != CD_OK)
		return fail(rc == CD_ENOTFOUND || rc == LEDGER_ENODEV ? WALLET_CLI_ENOTFOUND : WALLET_CLI_EFAIL,
			"%s", err[0] ? err : cd_strerror(rc));
	return 0;
}

static int ledger_fail(int rc, const char *err)
{
	return fail(WALLET_CLI_EFAIL, "%s", err[0] ? err : cd_strerror(rc));
}

/*
 * Whether this signature comes from a Ledger, and with which path: --ledger
 * PATH, or --from naming a hardware account of the vault (its path is read
 * from the file's public part without the password: the signer is checked
 * against --from after signing, so a modified path cannot sign for another
 * account unnoticed). *use false: the vault's key signs. 0 or an exit status.
 */
static int ledger_source(struct cli *c, bool *use, struct ledger_path *p)
{
	char err[256] = "";

	*use = false;
	if (c->ledger) {
		if (ledger_path_parse(p, c->ledger, err, sizeof(err)) != CD_OK)
			return fail(WALLET_CLI_EUSAGE, "--ledger: %s", err);
		*use = true;
		return 0;
	}
	if (c->from) {
		struct vault *v = NULL;
		struct vault_account a;
		size_t i;
		int rc = open_vault(c, &v);

		if (rc == 0)
			rc = find_account(v, c->from, &i);
		if (rc == 0 && vault_account(v, i, &a) == CD_OK && a.kind == VAULT_HARDWARE) {
			if (ledger_path_parse(p, a.hw_path, err, sizeof(err)) != CD_OK)
				rc = fail(WALLET_CLI_EFAIL, "account %s: %s", c->from, err);
			else
				*use = true;
		}
		vault_free(v);
		return rc;
	}
	return 0;
}

/* The signer must be want when there is one; else it is only reported. 0 or an exit status. */
static int check_signer(const struct address *want, const struct address *signer)
{
	char got[ADDRESS_TEXT_SIZE], w[ADDRESS_TEXT_SIZE];

	address_format(signer, got);
	if (want && memcmp(want->b, signer->b, ADDRESS_SIZE) != 0) {
		address_format(want, w);
		return fail(WALLET_CLI_EFAIL, "the Ledger signed as %s, not as %s: nothing is printed (another "
			"device, passphrase or path?)", got, w);
	}
	fprintf(stderr, "signed on the Ledger by %s\n", got);
	return 0;
}

/* Signs t on the device at p; *raw is set only when the signer is want (if any). */
static int ledger_tx(const struct ledger_path *p, const struct tx *t, const struct address *want,
	struct tx_raw *raw)
{
	struct ledger *l = NULL;
	struct tx dec;
	struct tx_sig sig;
	struct address signer;
	char err[LEDGER_ERR_MAX] = "";
	int rc = open_ledger(&l), r;

	if (rc != 0)
		return rc;
	fputs("chaindeck wallet: check the transaction on your Ledger and confirm it there\n", stderr);
	r = ledger_sign_tx(l, p, t, raw, err, sizeof(err));
	ledger_close(l);
	if (r != CD_OK)
		return ledger_fail(r, err);
	memset(&dec, 0, sizeof(dec));
	r = tx_decode(raw->bytes, raw->len, &dec, &sig, err, sizeof(err));
	if (r == CD_OK)
		r = tx_recover_sender(&dec, &sig, &signer);
	tx_free(&dec);
	if (r != CD_OK)
		rc = fail(WALLET_CLI_EFAIL, "the Ledger's signature does not verify: %s", err[0] ? err : cd_strerror(r));
	else
		rc = check_signer(want, &signer);
	if (rc != 0)
		tx_raw_free(raw);
	return rc;
}

/* Signs a 65-byte r || s || v on the device: personal message (msg) or EIP-712 (e). */
static int ledger_sig(const struct ledger_path *p, const uint8_t *msg, size_t len, const struct eip712 *e,
	const struct address *want, uint8_t sig[SIGN_SIG_SIZE])
{
	struct ledger *l = NULL;
	struct address signer;
	char err[LEDGER_ERR_MAX] = "";
	int rc = open_ledger(&l), r;

	if (rc != 0)
		return rc;
	fputs("chaindeck wallet: check the message on your Ledger and confirm it there\n", stderr);
	r = e ? ledger_sign_eip712_hashed(l, p, e->domain_separator, e->struct_hash, sig, err, sizeof(err))
	      : ledger_sign_message(l, p, msg, len, sig, err, sizeof(err));
	ledger_close(l);
	if (r != CD_OK)
		return ledger_fail(r, err);
	r = e ? eip712_recover(e, sig, &signer) : sign_message_recover(msg, len, sig, &signer);
	if (r != CD_OK)
		return fail(WALLET_CLI_EFAIL, "the Ledger's signature does not verify: %s", cd_strerror(r));
	return check_signer(want, &signer);
}

/* ledger-accounts [--count N] [--path-style live|legacy|TEMPLATE]: "INDEX\tADDRESS\tPATH" */
static int cmd_ledger_accounts(struct cli *c)
{
	unsigned long n = c->seen & OPT_COUNT ? c->count : 5;
	const char *style = c->path_style ? c->path_style : "live";
	struct ledger *l = NULL;
	char err[LEDGER_ERR_MAX] = "";
	int rc;

	if (n < 1 || n > COUNT_MAX)
		return fail(WALLET_CLI_EUSAGE, "--count takes 1 to %d", COUNT_MAX);
	{
		struct ledger_path p;

		if (ledger_path_for(&p, style, 0, err, sizeof(err)) != CD_OK)
			return fail(WALLET_CLI_EUSAGE, "%s", err);
	}
	rc = open_ledger(&l);
	for (unsigned long i = 0; rc == 0 && i < n; i++) {
		struct ledger_path p;
		struct ledger_address a;
		char text[ADDRESS_TEXT_SIZE], ptext[HD_PATH_TEXT_SIZE];
		int r = ledger_path_for(&p, style, (uint32_t)i, err, sizeof(err));

		if (r == CD_OK)
			r = ledger_get_address(l, &p, false, false, 0, &a, err, sizeof(err));
		if (r != CD_OK) {
			rc = ledger_fail(r, err);
			break;
		}
		address_format(&a.address, text);
		ledger_path_format(ptext, sizeof(ptext), &p);
		printf("%lu\t%s\t%s\n", i, text, ptext);
	}
	ledger_close(l);
	return rc;
}

/*
 * add-ledger PATH [--label L] [--chain-id N]: the device shows the address at
 * PATH (on the network of chain N when given) and the user approves it there;
 * that address is recorded in the vault as a hardware account (no secret; the
 * password authenticates the file as it is saved). Prints the account as list
 * does.
 */
static int cmd_add_ledger(struct cli *c)
{
	struct ledger_path p;
	struct ledger_address a;
	struct ledger *l = NULL;
	struct vault *v = NULL;
	char err[LEDGER_ERR_MAX] = "", ptext[HD_PATH_TEXT_SIZE], note[VAULT_NOTE_MAX + 1];
	size_t i = 0;
	int rc;

	if (ledger_path_parse(&p, c->args[0], err, sizeof(err)) != CD_OK)
		return fail(WALLET_CLI_EUSAGE, "%s", err);
	ledger_path_format(ptext, sizeof(ptext), &p);
	rc = open_unlocked(c, &v);
	if (rc == 0)
		rc = open_ledger(&l);
	if (rc == 0) {
		int r;

		fprintf(stderr, "chaindeck wallet: approve the address %s shows at %s\n", ledger_description(l), ptext);
		r = ledger_get_address(l, &p, true, (c->seen & OPT_CHAIN_ID) != 0, c->chain_id, &a, err, sizeof(err));
		if (r != CD_OK)
			rc = ledger_fail(r, err);
	}
	if (rc == 0) {
		int r;

		/* the note is a label's kind of text: cut at VAULT_NOTE_MAX bytes, at a character boundary */
		text_sanitize(note, sizeof(note), ledger_description(l), strlen(ledger_description(l)));
		r = vault_add_hardware(v, &a.address, ptext, note, c->label, &i, err, sizeof(err));
		rc = r == CD_OK ? save(v) : vault_fail(r, err);
	}
	if (rc == 0)
		rc = print_account(v, i);
	ledger_close(l);
	vault_free(v);
	return rc;
}

static int kdf_opts(const struct cli *c, struct vault_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (!c->kdf || strcmp(c->kdf, "moderate") == 0)
		return 0;
	if (strcmp(c->kdf, "interactive") == 0) {
		o->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		o->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	} else if (strcmp(c->kdf, "sensitive") == 0) {
		o->opslimit = crypto_pwhash_OPSLIMIT_SENSITIVE;
		o->memlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;
	} else {
		return fail(WALLET_CLI_EUSAGE, "--kdf takes interactive, moderate or sensitive");
	}
	return 0;
}

/*
 * Creates the vault from mnemonic with password pw and prints account 0's
 * address. backup_pending marks the mnemonic's backup as not checked.
 */
static int create_vault(struct cli *c, const char *mnemonic, const char *passphrase, const char *pw,
	bool backup_pending)
{
	struct vault_opts opts;
	struct vault *v = NULL;
	struct vault_account a;
	char err[512] = "", text[ADDRESS_TEXT_SIZE];
	const char *path = vault_file(c);
	int rc;

	if (!path)
		return fail(WALLET_CLI_EUSAGE, "no vault path: set HOME or XDG_DATA_HOME, or give --vault");
	rc = kdf_opts(c, &opts);
	if (rc != 0)
		return rc;
	opts.backup_pending = backup_pending;
	rc = vault_create(&v, path, pw, mnemonic, passphrase, &opts, err, sizeof(err));
	if (rc != CD_OK)
		return vault_fail(rc, err);
	if (vault_account(v, 0, &a) == CD_OK) {
		address_format(&a.address, text);
		printf("%s\n", text);
	}
	vault_free(v);
	return 0;
}

/* Whether a terminal is there to talk to (the prompts use /dev/tty, not stdin). */
static bool have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int tty_puts(int fd, const char *s)
{
	size_t len = strlen(s), done = 0;

	while (done < len) {
		ssize_t w = write(fd, s + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* Clear the screen and its scrollback, then leave the alternate screen. */
#define LEAVE_SCREEN "\033[H\033[2J\033[3J\033[?1049l"

/*
 * Shows the mnemonic on the terminal's alternate screen (ESC[?1049h), numbered,
 * until Enter; then clears it and leaves the alternate screen, so the words
 * never reach the scrollback or any file. 0, or an exit status.
 */
static int show_mnemonic_screen(const char *mnemonic, const char *intro)
{
	char *text = secret_alloc(4096), enter[8];
	size_t n = 0, word = 0;
	const char *p = mnemonic;
	int fd, rc = 0;

	if (!mnemonic) {
		secret_free(text);
		return fail(WALLET_CLI_EFAIL, "no mnemonic to show");
	}
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		secret_free(text);
		return fail(WALLET_CLI_EUSAGE, "no terminal to show the mnemonic on");
	}
	n += (size_t)snprintf(text + n, 4096 - n, "\033[?1049h\033[H\033[2J%s\r\n\r\n", intro);
	while (*p && n < 3900) {
		size_t wl = strcspn(p, " ");

		word++;
		n += (size_t)snprintf(text + n, 4096 - n, "%4zu. %-10.*s%s", word, (int)wl, p,
			word % 4 == 0 ? "\r\n" : "  ");
		p += wl;
		while (*p == ' ')
			p++;
	}
	snprintf(text + n, 4096 - n, "\r\n\r\n");
	if (tty_puts(fd, text) != 0)
		rc = fail(WALLET_CLI_EFAIL, "cannot write to the terminal");
	secret_free(text);
	tty_on_signal = LEAVE_SCREEN;
	if (rc == 0)
		rc = tty_read_secret("Press Enter when they are written down (the screen is then cleared). ",
			enter, sizeof(enter));
	tty_on_signal = NULL;
	tty_puts(fd, LEAVE_SCREEN);
	close(fd);
	return rc;
}

enum { BACKUP_WORDS = 3, BACKUP_TRIES = 2 };

/*
 * The backup check: BACKUP_WORDS words at random positions, typed back on the
 * terminal (echo off). 0 when every one matched within BACKUP_TRIES tries.
 */
static int backup_check(const char *mnemonic)
{
	char words[24][BIP39_WORD_MAX + 1], prompt[64];
	char *typed = secret_alloc(128);
	size_t n = 0;
	unsigned pos[BACKUP_WORDS];
	const char *p = mnemonic;
	int rc = 0;

	if (!mnemonic) {
		secret_free(typed);
		return fail(WALLET_CLI_EFAIL, "no mnemonic to check");
	}
	while (*p && n < 24) {
		size_t wl = strcspn(p, " ");

		snprintf(words[n++], sizeof(words[0]), "%.*s", (int)(wl < BIP39_WORD_MAX ? wl : BIP39_WORD_MAX), p);
		p += wl;
		while (*p == ' ')
			p++;
	}
	for (int k = 0; k < BACKUP_WORDS; k++) {
		bool dup;

		do {
			pos[k] = randombytes_uniform((uint32_t)n);
			dup = false;
			for (int j = 0; j < k; j++)
				dup = dup || pos[j] == pos[k];
		} while (dup);
	}
	fputs("Backup check: type the words asked for, from what you wrote down.\n", stderr);
	for (int k = 0; k < BACKUP_WORDS && rc == 0; k++) {
		int t;

		for (t = 0; t < BACKUP_TRIES; t++) {
			snprintf(prompt, sizeof(prompt), "Word %u: ", pos[k] + 1);
			rc = tty_read_secret(prompt, typed, 128);
			if (rc != 0)
				break;
			bip39_normalize(typed, 128, typed);
			if (strcmp(typed, words[pos[k]]) == 0)
				break;
			fprintf(stderr, "chaindeck wallet: that is not word %u\n", pos[k] + 1);
		}
		if (rc == 0 && t == BACKUP_TRIES)
			rc = fail(WALLET_CLI_EFAIL, "the backup check failed");
	}
	sodium_memzero(words, sizeof(words));
	secret_free(typed);
	return rc;
}

/* ---- commands ----------------------------------------------------------------------------------- */

/* Refuses early, before asking for anything, when a vault is already there. */
static int check_no_vault(struct cli *c)
{
	const char *path = vault_file(c);

	if (!path)
		return fail(WALLET_CLI_EUSAGE, "no vault path: set HOME or XDG_DATA_HOME, or give --vault");
	if (access(path, F_OK) == 0)
		return fail(WALLET_CLI_EFAIL, "a vault is already at %s", path);
	return 0;
}

/*
 * new: the password first, then the mnemonic is shown (on the alternate
 * screen when stdout is the terminal, else on stdout, whose write is checked),
 * then the backup check, and only then is the vault written. A mnemonic that
 * could not be shown, or words not typed back, leave no vault behind.
 * --skip-backup-check (scripts) writes the vault marked "backup not checked".
 */
static int cmd_new(struct cli *c)
{
	char *m = NULL, *pw = NULL;
	unsigned long words = c->seen & OPT_WORDS ? c->words : 12;
	bool check = !(c->seen & OPT_SKIP_BACKUP);
	int rc;

	if (words != 12 && words != 24)
		return fail(WALLET_CLI_EUSAGE, "--words takes 12 or 24");
	rc = check_no_vault(c);
	if (rc != 0)
		return rc;
	if (check && !have_tty())
		return fail(WALLET_CLI_EUSAGE, "the backup check needs a terminal: run this in one, or pass "
			"--skip-backup-check (the vault is then marked not backed up until "
			"`chaindeck wallet verify-backup`)");
	rc = get_password(c->password_file, "New vault password: ", true, &pw);
	if (rc != 0)
		return rc;
	m = secret_alloc(BIP39_MNEMONIC_SIZE);
	if (bip39_mnemonic_generate(m, BIP39_MNEMONIC_SIZE, words) < 0) {
		rc = fail(WALLET_CLI_EFAIL, "cannot generate a mnemonic");
		goto out;
	}
	if (check && isatty(STDOUT_FILENO)) {
		rc = show_mnemonic_screen(m, "Write down these words, in order, and keep them offline. "
			"Anyone who has them has the wallet.");
	} else {
		fputs("Write down these words, in order, and keep them offline: they are shown only "
			"this once.\n", stderr);
		printf("%s\n", m);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = fail(WALLET_CLI_EFAIL, "cannot write the mnemonic (%s): no vault was written",
				strerror(errno));
	}
	if (rc == 0 && check) {
		rc = backup_check(m);
		if (rc != 0)
			fputs("chaindeck wallet: no vault was written; run `chaindeck wallet new` again\n", stderr);
	}
	if (rc == 0)
		rc = create_vault(c, m, NULL, pw, !check);
	if (rc == 0 && !check)
		fputs("chaindeck wallet: the backup of these words is not checked: run "
			"`chaindeck wallet verify-backup` once they are written down\n", stderr);
out:
	secret_free(m);
	secret_free(pw);
	return rc;
}

static int cmd_restore(struct cli *c)
{
	char *m = secret_alloc(VAULT_MNEMONIC_MAX + 1), *pp = NULL, *pw = NULL;
	int rc;

	rc = check_no_vault(c);
	if (rc != 0)
		goto out;
	if (c->passphrase_file) {
		pp = secret_alloc(VAULT_PASSPHRASE_MAX + 1);
		rc = read_first_line(c->passphrase_file, pp, VAULT_PASSPHRASE_MAX + 1, "the passphrase");
		if (rc != 0)
			goto out;
	}
	rc = get_stdin_secret("Mnemonic: ", m, VAULT_MNEMONIC_MAX + 1, "the mnemonic");
	if (rc != 0)
		goto out;
	if (bip39_mnemonic_check(m, NULL, NULL, 0) != CD_OK) {
		char why[160] = "";

		bip39_mnemonic_check(m, NULL, why, sizeof(why));
		rc = fail(WALLET_CLI_EFAIL, "invalid mnemonic: %s", why);
		goto out;
	}
	rc = get_password(c->password_file, "New vault password: ", true, &pw);
	if (rc == 0)
		rc = create_vault(c, m, pp, pw, false);
out:
	secret_free(pw);
	secret_free(m);
	secret_free(pp);
	return rc;
}

/*
 * Without a password the addresses come from the file's public part, which
 * anyone who can write the file can change: each line says "unverified" and
 * stderr says how to verify. With --password-file F (or --verify, asking on
 * the terminal) the vault is unlocked, which authenticates the whole file and
 * re-derives every address: "verified", or exit 1 and no address at all when
 * the file was modified.
 */
static int cmd_list(struct cli *c)
{
	struct vault *v = NULL;
	bool verify = c->password_file || (c->seen & OPT_VERIFY);
	int rc = verify ? open_unlocked(c, &v) : open_vault(c, &v);

	if (rc != 0) {
		if (verify && rc == WALLET_CLI_EFAIL)
			fputs("chaindeck wallet: no address is listed: the file's addresses cannot be trusted\n", stderr);
		return rc;
	}
	for (size_t i = 0; i < vault_account_count(v) && rc == 0; i++)
		rc = print_account(v, i);
	/* the list first, the note after, also when both go to one pipe */
	fflush(stdout);
	if (!verify)
		fputs("chaindeck wallet: addresses read without the password are unverified; "
			"--password-file F or --verify checks them against the keys\n", stderr);
	vault_free(v);
	return rc;
}

static int cmd_derive(struct cli *c)
{
	unsigned long n = c->seen & OPT_COUNT ? c->count : 1;
	struct vault *v = NULL;
	char err[512] = "";
	size_t before;
	int rc;

	if (n < 1 || n > COUNT_MAX)
		return fail(WALLET_CLI_EUSAGE, "--count takes 1 to %d", COUNT_MAX);
	rc = open_unlocked(c, &v);
	if (rc != 0)
		return rc;
	before = vault_account_count(v);
	rc = vault_derive(v, (unsigned)n, err, sizeof(err));
	rc = rc == CD_OK ? save(v) : vault_fail(rc, err);
	if (rc == 0) {
		for (size_t i = before; i < vault_account_count(v) && rc == 0; i++)
			rc = print_account(v, i);
	}
	vault_free(v);
	return rc;
}

static int cmd_label(struct cli *c)
{
	struct vault *v = NULL;
	char err[512] = "";
	size_t i;
	int rc;

	rc = open_unlocked(c, &v);
	if (rc != 0)
		return rc;
	rc = find_account(v, c->args[0], &i);
	if (rc == 0) {
		rc = vault_set_label(v, i, c->args[1], err, sizeof(err));
		rc = rc == CD_OK ? save(v) : vault_fail(rc, err);
	}
	if (rc == 0)
		rc = print_account(v, i);
	vault_free(v);
	return rc;
}

/* Adds key to the vault (open and unlocked), saves, prints the account. */
static int add_key(struct vault *v, const uint8_t *key, const char *label)
{
	char err[512] = "";
	size_t i;
	int rc;

	rc = vault_import_key(v, key, label, &i, err, sizeof(err));
	if (rc != CD_OK)
		return vault_fail(rc, err);
	rc = save(v);
	if (rc == 0)
		rc = print_account(v, i);
	return rc;
}

static int cmd_import_key(struct cli *c)
{
	char *text = secret_alloc(256);
	uint8_t *key = (uint8_t *)secret_alloc(32);
	struct vault *v = NULL;
	char *s, *e;
	int rc;

	rc = open_vault(c, &v);
	if (rc != 0)
		goto out;
	rc = get_stdin_secret("Private key (hex): ", text, 256, "the private key");
	if (rc != 0)
		goto out;
	s = text;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (hex_decode_exact(key, 32, s, (size_t)(e - s)) != CD_OK) {
		rc = fail(WALLET_CLI_EFAIL, "the private key must be 32 bytes of hex (64 digits)");
		goto out;
	}
	vault_free(v);
	v = NULL;
	rc = open_unlocked(c, &v);
	if (rc == 0)
		rc = add_key(v, key, c->label);
out:
	vault_free(v);
	secret_free(text);
	secret_free(key);
	return rc;
}

static int keystore_status(int rc, const char *err)
{
	return fail(exit_for(rc), "%s", err[0] ? err : cd_strerror(rc));
}

static int cmd_import_keystore(struct cli *c)
{
	uint8_t *key = (uint8_t *)secret_alloc(32);
	struct vault *v = NULL;
	char err[512] = "";
	char *kpw = NULL;
	int rc;

	/* the vault first: no point decrypting a keystore for a vault that is not there */
	rc = open_vault(c, &v);
	if (rc != 0)
		goto out;
	if (access(c->args[0], R_OK) != 0) {
		rc = fail(errno == ENOENT ? WALLET_CLI_ENOTFOUND : WALLET_CLI_EFAIL, "cannot read %s: %s",
			c->args[0], strerror(errno));
		goto out;
	}
	rc = get_password(c->keystore_password_file, "Keystore password: ", false, &kpw);
	if (rc != 0)
		goto out;
	rc = keystore_decrypt_file(c->args[0], (const uint8_t *)kpw, strlen(kpw), key, NULL, err,
		sizeof(err));
	if (rc != CD_OK) {
		rc = keystore_status(rc, err);
		goto out;
	}
	vault_free(v);
	v = NULL;
	rc = open_unlocked(c, &v);
	if (rc == 0)
		rc = add_key(v, key, c->label);
out:
	vault_free(v);
	secret_free(kpw);
	secret_free(key);
	return rc;
}

static int cmd_export_keystore(struct cli *c)
{
	uint8_t *key = (uint8_t *)secret_alloc(32);
	struct vault *v = NULL;
	struct address a;
	char err[512] = "", text[ADDRESS_TEXT_SIZE];
	char *kpw = NULL;
	size_t i;
	int rc;

	if (!c->out) {
		secret_free(key);
		return fail(WALLET_CLI_EUSAGE, "export-keystore needs --out FILE");
	}
	rc = open_vault(c, &v);
	if (rc == 0)
		rc = find_account(v, c->args[0], &i);
	if (rc == 0 && access(c->out, F_OK) == 0)
		rc = fail(WALLET_CLI_EFAIL, "%s already exists", c->out);
	vault_free(v);
	v = NULL;
	if (rc == 0)
		rc = open_unlocked(c, &v);
	if (rc == 0) {
		rc = vault_private_key(v, i, key, err, sizeof(err));
		rc = rc == CD_OK ? 0 : vault_fail(rc, err);
	}
	if (rc == 0)
		rc = get_password(c->keystore_password_file, "New keystore password: ", true, &kpw);
	if (rc == 0) {
		rc = keystore_export(c->out, key, (const uint8_t *)kpw, strlen(kpw), 0, &a, err,
			sizeof(err));
		rc = rc == CD_OK ? 0 : keystore_status(rc, err);
	}
	if (rc == 0) {
		address_format(&a, text);
		printf("%s\n", text);
	}
	vault_free(v);
	secret_free(kpw);
	secret_free(key);
	return rc;
}

/* The signing key of --from, in sodium memory the caller frees. */
static int from_key(struct cli *c, struct vault **v, uint8_t **key)
{
	char err[512] = "";
	size_t i;
	int rc;

	*key = NULL;
	if (!c->from)
		return fail(WALLET_CLI_EUSAGE, "--from ADDRESS names the account that signs");
	rc = open_vault(c, v);
	if (rc == 0)
		rc = find_account(*v, c->from, &i);
	vault_free(*v);
	*v = NULL;
	if (rc != 0)
		return rc;
	rc = open_unlocked(c, v);
	if (rc != 0)
		return rc;
	*key = (uint8_t *)secret_alloc(32);
	rc = vault_private_key(*v, i, *key, err, sizeof(err));
	if (rc != CD_OK) {
		secret_free(*key);
		*key = NULL;
		return vault_fail(rc, err);
	}
	return 0;
}

static int cmd_sign_tx(struct cli *c)
{
	struct tx t;
	struct tx_raw raw;
	struct address from;
	struct ledger_path lp;
	struct vault *v = NULL;
	uint8_t *key = NULL;
	char *json = malloc(STDIN_JSON_MAX + 1), *hex = NULL;
	char err[512] = "";
	cJSON *doc = NULL;
	const cJSON *obj;
	size_t len = 0;
	bool device = false;
	int rc;

	memset(&t, 0, sizeof(t));
	memset(&raw, 0, sizeof(raw));
	if (!json)
		return fail(WALLET_CLI_EFAIL, "out of memory");
	if (!c->from && !c->ledger) {
		rc = fail(WALLET_CLI_EUSAGE, "sign-tx needs --from ADDRESS or --ledger PATH");
		goto out;
	}
	rc = c->from ? parse_address(c->from, &from, "--from") : 0;
	if (rc == 0)
		rc = ledger_source(c, &device, &lp);
	if (rc != 0)
		goto out;
	rc = read_all(STDIN_FILENO, json, STDIN_JSON_MAX + 1, &len, "the transaction");
	if (rc != 0)
		goto out;
	doc = cJSON_ParseWithLength(json, len);
	obj = doc;
	if (cJSON_IsArray(doc) && cJSON_GetArraySize(doc) == 1)
		obj = cJSON_GetArrayItem(doc, 0);
	if (!cJSON_IsObject(obj)) {
		rc = fail(WALLET_CLI_EFAIL, "the transaction on stdin is not a JSON object");
		goto out;
	}
	if (tx_from_json(obj, &t, err, sizeof(err)) != CD_OK) {
		rc = fail(WALLET_CLI_EFAIL, "transaction: %s", err);
		goto out;
	}
	if (c->from && t.has_from && memcmp(t.from, from.b, ADDRESS_SIZE) != 0) {
		rc = fail(WALLET_CLI_EFAIL, "the transaction's \"from\" is not %s", c->from);
		goto out;
	}
	if (tx_check(&t, err, sizeof(err)) != CD_OK) {
		rc = fail(WALLET_CLI_EFAIL, "transaction: %s", err);
		goto out;
	}
	if (device) {
		/* the signer must be --from, else the transaction's own "from" when it names one */
		if (!c->from && t.has_from)
			memcpy(from.b, t.from, ADDRESS_SIZE);
		rc = ledger_tx(&lp, &t, c->from || t.has_from ? &from : NULL, &raw);
		if (rc != 0)
			goto out;
		goto print;
	}
	rc = from_key(c, &v, &key);
	if (rc != 0)
		goto out;
	if (tx_sign(&t, key, &raw) != CD_OK) {
		rc = fail(WALLET_CLI_EFAIL, "cannot sign the transaction");
		goto out;
	}
print:
	hex = malloc(2 * raw.len + 3);
	if (!hex) {
		rc = fail(WALLET_CLI_EFAIL, "out of memory");
		goto out;
	}
	hex_encode(hex, 2 * raw.len + 3, raw.bytes, raw.len, 1);
	printf("%s\n", hex);
out:
	free(hex);
	tx_raw_free(&raw);
	tx_free(&t);
	cJSON_Delete(doc);
	free(json);
	secret_free(key);
	vault_free(v);
	return rc;
}

/*
 * The bytes a message stands for. --hex: the argument is 0x-prefixed hex and its decoded bytes
 * are signed; --text: its characters (UTF-8) are signed as they are. Without either, as cast
 * wallet sign does: a message that starts with 0x and is valid hex is bytes, anything else text.
 * *what names the choice for the user. The caller frees *out.
 */
static int message_bytes(struct cli *c, const char *msg, uint8_t **out, size_t *len, const char **what)
{
	size_t n = strlen(msg);
	bool looks_hex = n >= 2 && msg[0] == '0' && (msg[1] == 'x' || msg[1] == 'X') && n % 2 == 0;
	bool hex;

	if ((c->seen & OPT_HEX) && (c->seen & OPT_TEXT))
		return fail(WALLET_CLI_EUSAGE, "--hex and --text exclude each other");
	*out = malloc(n + 1);
	if (!*out)
		return fail(WALLET_CLI_EFAIL, "out of memory");
	hex = !(c->seen & OPT_TEXT) && (looks_hex || (c->seen & OPT_HEX));
	if (hex && (!looks_hex || hex_decode(*out, n + 1, len, msg, n) != CD_OK)) {
		if (c->seen & OPT_HEX) {
			free(*out);
			*out = NULL;
			return fail(WALLET_CLI_EUSAGE, "--hex: the message is not 0x-prefixed hex of whole bytes");
		}
		hex = false; /* "0xzz": not hex, so text */
	}
	if (!hex) {
		memcpy(*out, msg, n);
		*len = n;
	}
	*what = hex ? "bytes decoded from 0x-hex (--text signs the characters instead)"
	            : "bytes of text (--hex signs 0x-hex as bytes)";
	return 0;
}

static int cmd_sign_message(struct cli *c)
{
	uint8_t sig[SIGN_SIG_SIZE];
	char text[SIGN_HEX_SIZE];
	struct address from;
	struct ledger_path lp;
	struct vault *v = NULL;
	uint8_t *key = NULL, *bytes = NULL;
	size_t len = 0;
	const char *what = "";
	bool device = false;
	int rc;

	if (!c->from && !c->ledger)
		return fail(WALLET_CLI_EUSAGE, "sign-message needs --from ADDRESS or --ledger PATH");
	rc = c->from ? parse_address(c->from, &from, "--from") : 0;
	if (rc == 0)
		rc = message_bytes(c, c->args[0], &bytes, &len, &what);
	if (rc == 0)
		rc = ledger_source(c, &device, &lp);
	if (rc == 0 && device)
		rc = ledger_sig(&lp, bytes, len, NULL, c->from ? &from : NULL, sig);
	else if (rc == 0)
		rc = from_key(c, &v, &key);
	if (rc == 0 && !device && sign_message(bytes, len, key, sig) != CD_OK)
		rc = fail(WALLET_CLI_EFAIL, "cannot sign the message");
	if (rc == 0) {
		sign_sig_format(sig, text);
		printf("%s\n", text);
		/* Which interpretation was signed, on stderr so that stdout stays the signature alone. */
		fprintf(stderr, "signed %zu %s\n", len, what);
	}
	free(bytes);
	secret_free(key);
	vault_free(v);
	return rc;
}

static int cmd_verify_message(struct cli *c)
{
	uint8_t sig[SIGN_SIG_SIZE];
	struct address want, got;
	char wtext[ADDRESS_TEXT_SIZE], gtext[ADDRESS_TEXT_SIZE];
	uint8_t *bytes = NULL;
	size_t len = 0;
	const char *what;
	int rc;

	if (!c->address || !c->signature)
		return fail(WALLET_CLI_EUSAGE, "verify-message needs --address A and --signature S");
	rc = parse_address(c->address, &want, "--address");
	if (rc != 0)
		return rc;
	if (sign_sig_parse(sig, c->signature, strlen(c->signature)) != CD_OK)
		return fail(WALLET_CLI_EUSAGE, "--signature: not 65 bytes of hex with v 0, 1, 27 or 28");
	rc = message_bytes(c, c->args[0], &bytes, &len, &what);
	if (rc != 0)
		return rc;
	address_format(&want, wtext);
	if (sign_message_recover(bytes, len, sig, &got) != CD_OK) {
		free(bytes);
		return fail(WALLET_CLI_EFAIL, "invalid: no signer recovers from that signature");
	}
	free(bytes);
	address_format(&got, gtext);
	if (memcmp(got.b, want.b, ADDRESS_SIZE) != 0)
		return fail(WALLET_CLI_EFAIL, "invalid: the message was signed by %s, not %s", gtext, wtext);
	printf("%s\n", gtext);
	return 0;
}

/* ---- address book and keystores on disk -------------------------------------------------------- */

static const char *book_file(struct cli *c)
{
	if (c->book_path)
		return c->book_path;
	if (addressbook_default_path(c->default_path, sizeof(c->default_path)) < 0)
		return NULL;
	return c->default_path;
}

/*
 * book: list the address book; ADDRESS: print its label (4 if none);
 * ADDRESS LABEL: set it; ADDRESS "": remove it (4 if there was none).
 * Arguments are checked before the file is read, so usage errors win.
 */
static int cmd_book(struct cli *c)
{
	struct addressbook *b;
	struct address a;
	char err[1024] = "", text[ADDRESS_TEXT_SIZE];
	const char *path = book_file(c), *label = c->nargs == 2 ? c->args[1] : NULL;
	int rc = 0;

	if (!path)
		return fail(WALLET_CLI_EUSAGE, "no address book path: set HOME or XDG_DATA_HOME, or give --book");
	if (c->nargs >= 1) {
		rc = parse_address(c->args[0], &a, "address");
		if (rc != 0)
			return rc;
	}
	if (label && label[0] && addressbook_check_label(label, err, sizeof(err)) != CD_OK)
		return fail(WALLET_CLI_EUSAGE, "%s", err);
	b = addressbook_new();
	if (addressbook_load(b, path, err, sizeof(err)) != CD_OK) {
		addressbook_free(b);
		return fail(WALLET_CLI_EFAIL, "%s", err);
	}
	if (c->nargs == 0) {
		for (size_t i = 0; i < addressbook_count(b); i++) {
			const char *l = addressbook_entry(b, i, &a);

			address_format(&a, text);
			printf("%s\t%s\n", text, l);
		}
	} else if (c->nargs == 1 || !label || !label[0]) {
		const char *l = addressbook_get(b, &a);

		address_format(&a, text);
		if (!l)
			rc = fail(WALLET_CLI_ENOTFOUND, "%s is not in the address book", text);
		else if (c->nargs == 1)
			printf("%s\n", l);
		else
			rc = addressbook_set(b, &a, NULL, err, sizeof(err));
	} else {
		rc = addressbook_set(b, &a, label, err, sizeof(err));
		if (rc != CD_OK)
			rc = fail(WALLET_CLI_EUSAGE, "%s", err);
	}
	if (rc == 0 && c->nargs == 2) {
		if (addressbook_save(b, err, sizeof(err)) != CD_OK)
			rc = fail(WALLET_CLI_EFAIL, "%s", err);
	}
	if (rc == 0 && c->nargs == 2 && label && label[0]) {
		address_format(&a, text);
		printf("%s\t%s\n", text, addressbook_get(b, &a));
	}
	addressbook_free(b);
	return rc;
}

/* A file name from the disk, with control characters and bad UTF-8 shown as '?'. */
static void print_path(const char *path)
{
	size_t len = strlen(path);
	char *safe = malloc(len + 4);

	if (!safe) {
		fputs("chaindeck wallet: out of memory\n", stderr);
		abort();
	}
	text_sanitize(safe, len + 4, path, len);
	fputs(safe, stdout);
	free(safe);
}

/* keystores: the keystore files import-keystore can take, as PATH<TAB>ADDRESS (or "?"). */
static int cmd_keystores(struct cli *c)
{
	struct keystore_list list;
	struct stat st;
	char err[1024] = "", text[ADDRESS_TEXT_SIZE];
	int rc;

	if (c->dir && stat(c->dir, &st) != 0)
		return fail(errno == ENOENT ? WALLET_CLI_ENOTFOUND : WALLET_CLI_EFAIL, "cannot read %s: %s",
			c->dir, strerror(errno));
	if (c->dir && !S_ISDIR(st.st_mode))
		return fail(WALLET_CLI_EUSAGE, "--dir %s is not a directory", c->dir);
	memset(&list, 0, sizeof(list));
	rc = keystore_list_default(&list, NULL, c->dir, err, sizeof(err));
	if (rc != CD_OK) {
		keystore_list_free(&list);
		return fail(WALLET_CLI_EFAIL, "%s", err[0] ? err : cd_strerror(rc));
	}
	for (size_t i = 0; i < list.n; i++) {
		print_path(list.v[i].path);
		if (list.v[i].has_address) {
			address_format(&list.v[i].address, text);
			printf("\t%s\n", text);
		} else {
			fputs("\t?\n", stdout);
		}
	}
	if (list.n == 0)
		fprintf(stderr, "chaindeck wallet: no keystores in ~/.foundry/keystores or ~/.ethereum/keystore%s%s\n",
			c->dir ? " or " : "", c->dir ? c->dir : "");
	keystore_list_free(&list);
	return 0;
}

/* ---- backup, password, mnemonic ---------------------------------------------------------------- */

static int unlocked_mnemonic(struct cli *c, struct vault **v, char **m)
{
	char err[512] = "";
	int rc;

	*m = NULL;
	rc = open_unlocked(c, v);
	if (rc != 0)
		return rc;
	*m = secret_alloc(VAULT_MNEMONIC_MAX + 1);
	rc = vault_mnemonic(*v, *m, VAULT_MNEMONIC_MAX + 1, err, sizeof(err));
	if (rc != CD_OK) {
		secret_free(*m);
		*m = NULL;
		vault_free(*v);
		*v = NULL;
		return vault_fail(rc, err);
	}
	return 0;
}

/* verify-backup: the words typed back on the terminal; then the vault counts as backed up. */
static int cmd_verify_backup(struct cli *c)
{
	struct vault *v = NULL;
	char *m = NULL, err[512] = "";
	int rc;

	if (!have_tty())
		return fail(WALLET_CLI_EUSAGE, "verify-backup needs a terminal");
	rc = unlocked_mnemonic(c, &v, &m);
	if (rc == 0)
		rc = backup_check(m);
	if (rc == 0) {
		rc = vault_set_backup_checked(v, err, sizeof(err));
		rc = rc == CD_OK ? save(v) : vault_fail(rc, err);
	}
	if (rc == 0)
		fputs("chaindeck wallet: backup checked\n", stderr);
	secret_free(m);
	vault_free(v);
	return rc;
}

/* show-mnemonic: after the password, on the alternate screen only (never stdout or scrollback). */
static int cmd_show_mnemonic(struct cli *c)
{
	struct vault *v = NULL;
	char *m = NULL;
	int rc;

	if (!have_tty())
		return fail(WALLET_CLI_EUSAGE, "show-mnemonic needs a terminal: the words are shown on it only");
	rc = unlocked_mnemonic(c, &v, &m);
	if (rc == 0)
		rc = show_mnemonic_screen(m, "The vault's mnemonic. Anyone who sees these words has the wallet.");
	secret_free(m);
	vault_free(v);
	return rc;
}

/* change-password: the current one (--password-file or prompt), then the new one (--new-password-file or twice). */
static int cmd_change_password(struct cli *c)
{
	struct vault *v = NULL;
	char *pw = NULL, err[512] = "";
	int rc;

	rc = open_unlocked(c, &v);
	if (rc == 0)
		rc = get_password(c->new_password_file, "New vault password: ", true, &pw);
	if (rc == 0) {
		rc = vault_set_password(v, pw, err, sizeof(err));
		rc = rc == CD_OK ? save(v) : vault_fail(rc, err);
	}
	if (rc == 0)
		fputs("chaindeck wallet: password changed\n", stderr);
	secret_free(pw);
	vault_free(v);
	return rc;
}

/* ---- EIP-712 typed data ------------------------------------------------------------------------ */

static void print_typed_rows(const struct eip712_field *f, size_t n)
{
	int wp = 0, wt = 0;

	for (size_t i = 0; i < n; i++) {
		int lp = (int)strlen(f[i].path), lt = (int)strlen(f[i].type);

		wp = lp > wp ? lp : wp;
		wt = lt > wt ? lt : wt;
	}
	wp = wp > 40 ? 40 : wp;
	wt = wt > 24 ? 24 : wt;
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %-*s  %-*s  %s\n", wp, f[i].path, wt, f[i].type, f[i].value);
}

/* The request as the signer should read it: domain, primary type, every field, the digest. */
static void print_typed_data(const struct eip712 *e, const char *from)
{
	char digest[67];

	hex_encode(digest, sizeof(digest), e->digest, 32, 1);
	fprintf(stderr, "EIP-712 typed data, to be signed by %s\n", from);
	fprintf(stderr, "domain:%s\n", e->ndomain ? "" : " (empty)");
	print_typed_rows(e->domain, e->ndomain);
	fprintf(stderr, "primary type: %s\n", e->primary_type);
	fprintf(stderr, "message:%s\n", e->nfields ? "" : " (no fields)");
	print_typed_rows(e->fields, e->nfields);
	fprintf(stderr, "digest: %s\n", digest);
}

/* sign-typed-data --from ADDRESS FILE: FILE is an eth_signTypedData_v4 request ("-": stdin). */
static int cmd_sign_typed_data(struct cli *c)
{
	struct eip712 e;
	struct address from;
	struct ledger_path lp;
	struct vault *v = NULL;
	uint8_t *key = NULL, sig[SIGN_SIG_SIZE];
	char *json = malloc(EIP712_DOC_MAX + 2), text[SIGN_HEX_SIZE], ftext[ADDRESS_TEXT_SIZE];
	char err[EIP712_ERR_MAX];
	const char *path = c->args[0];
	size_t len = 0;
	bool device = false;
	int fd, rc;

	memset(&e, 0, sizeof(e));
	if (!json)
		return fail(WALLET_CLI_EFAIL, "out of memory");
	if (!c->from && !c->ledger) {
		rc = fail(WALLET_CLI_EUSAGE, "sign-typed-data needs --from ADDRESS or --ledger PATH");
		goto out;
	}
	rc = c->from ? parse_address(c->from, &from, "--from") : 0;
	if (rc == 0)
		rc = ledger_source(c, &device, &lp);
	if (rc != 0)
		goto out;
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = fail(errno == ENOENT ? WALLET_CLI_ENOTFOUND : WALLET_CLI_EFAIL, "cannot open %s: %s", path,
			strerror(errno));
		goto out;
	}
	{
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > EIP712_DOC_MAX) {
			if (fd != STDIN_FILENO)
				close(fd);
			rc = fail(WALLET_CLI_EFAIL, "%s is larger than %d bytes: not a typed-data request", path,
				EIP712_DOC_MAX);
			goto out;
		}
	}
	rc = read_all(fd, json, EIP712_DOC_MAX + 2, &len, "the typed data");
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc != 0)
		goto out;
	if (eip712_parse(json, len, &e, err, sizeof(err)) != CD_OK) {
		rc = fail(WALLET_CLI_EFAIL, "typed data refused: %s", err);
		goto out;
	}
	if (c->from)
		address_format(&from, ftext);
	else
		snprintf(ftext, sizeof(ftext), "the Ledger");
	print_typed_data(&e, ftext);
	if (device) {
		/* hashed mode: the device shows the two hashes the view above ends with */
		char ds[67], sh[67];

		hex_encode(ds, sizeof(ds), e.domain_separator, 32, 1);
		hex_encode(sh, sizeof(sh), e.struct_hash, 32, 1);
		fprintf(stderr, "domain hash: %s\nmessage hash: %s\n", ds, sh);
		rc = ledger_sig(&lp, NULL, 0, &e, c->from ? &from : NULL, sig);
		if (rc != 0)
			goto out;
		goto print;
	}
	rc = from_key(c, &v, &key);
	if (rc != 0)
		goto out;
	if (eip712_sign(&e, key, sig) != CD_OK) {
		rc = fail(WALLET_CLI_EFAIL, "cannot sign the typed data");
		goto out;
	}
print:
	sign_sig_format(sig, text);
	printf("%s\n", text);
out:
	eip712_free(&e);
	free(json);
	secret_free(key);
	vault_free(v);
	return rc;
}

/* ---- dispatch ----------------------------------------------------------------------------------- */

static const struct command commands[] = {
	{"new", cmd_new, COMMON_OPTS | OPT_WORDS | OPT_KDF | OPT_SKIP_BACKUP, 0, 0,
		"new [--words 12|24] [--kdf interactive|moderate|sensitive] [--skip-backup-check]"},
	{"restore", cmd_restore, COMMON_OPTS | OPT_PASSPHRASE_FILE | OPT_KDF, 0, 0,
		"restore [--passphrase-file F] [--kdf K]   (mnemonic on stdin)"},
	{"list", cmd_list, COMMON_OPTS | OPT_VERIFY, 0, 0,
		"list [--password-file F | --verify]   (INDEX ADDRESS LABEL verified|unverified)"},
	{"verify-backup", cmd_verify_backup, COMMON_OPTS, 0, 0,
		"verify-backup   (type chosen words of the mnemonic back: the vault then counts as backed up)"},
	{"show-mnemonic", cmd_show_mnemonic, COMMON_OPTS, 0, 0,
		"show-mnemonic   (on the terminal's alternate screen, cleared after Enter)"},
	{"change-password", cmd_change_password, COMMON_OPTS | OPT_NEW_PASSWORD_FILE, 0, 0,
		"change-password [--new-password-file F]"},
	{"derive", cmd_derive, COMMON_OPTS | OPT_COUNT, 0, 0, "derive [--count N]"},
	{"label", cmd_label, COMMON_OPTS, 2, 2, "label ADDRESS TEXT"},
	{"import-key", cmd_import_key, COMMON_OPTS | OPT_LABEL, 0, 0,
		"import-key [--label L]   (private key as hex on stdin)"},
	{"import-keystore", cmd_import_keystore, COMMON_OPTS | OPT_KEYSTORE_PASSWORD_FILE | OPT_LABEL,
		1, 1, "import-keystore FILE [--keystore-password-file F] [--label L]"},
	{"export-keystore", cmd_export_keystore, COMMON_OPTS | OPT_KEYSTORE_PASSWORD_FILE | OPT_OUT,
		1, 1, "export-keystore ADDRESS --out FILE [--keystore-password-file F]"},
	{"sign-tx", cmd_sign_tx, COMMON_OPTS | OPT_FROM | OPT_LEDGER, 0, 0,
		"sign-tx --from ADDRESS | --ledger PATH   (eth_signTransaction JSON on stdin)"},
	{"sign-message", cmd_sign_message, COMMON_OPTS | OPT_FROM | OPT_HEX | OPT_TEXT | OPT_LEDGER, 1, 1,
		"sign-message --from ADDRESS | --ledger PATH [--hex|--text] MESSAGE   (EIP-191; 0x-hex is bytes unless --text)"},
	{"sign-typed-data", cmd_sign_typed_data, COMMON_OPTS | OPT_FROM | OPT_LEDGER, 1, 1,
		"sign-typed-data --from ADDRESS | --ledger PATH FILE   (eth_signTypedData_v4 JSON; - for stdin)"},
	{"ledger-accounts", cmd_ledger_accounts, OPT_HELP | OPT_COUNT | OPT_PATH_STYLE, 0, 0,
		"ledger-accounts [--count N] [--path-style live|legacy|TEMPLATE]   (INDEX ADDRESS PATH from the device)"},
	{"add-ledger", cmd_add_ledger, COMMON_OPTS | OPT_LABEL | OPT_CHAIN_ID, 1, 1,
		"add-ledger PATH [--label L] [--chain-id N]   (approve the address on the device; recorded in the vault)"},
	{"verify-message", cmd_verify_message, OPT_VAULT | OPT_HELP | OPT_ADDRESS | OPT_SIGNATURE | OPT_HEX | OPT_TEXT,
		1, 1, "verify-message --address ADDRESS --signature SIG [--hex|--text] MESSAGE"},
	{"book", cmd_book, OPT_BOOK | OPT_HELP, 0, 2,
		"book [ADDRESS [LABEL]] [--book PATH]   (list, show, set, or with \"\" remove a label)"},
	{"keystores", cmd_keystores, OPT_DIR | OPT_HELP, 0, 0,
		"keystores [--dir D]   (keystore files to import: PATH<TAB>ADDRESS, or ? when unknown)"},
};
enum { NCOMMANDS = sizeof(commands) / sizeof(commands[0]) };

static void usage(FILE *f)
{
	fputs("usage: chaindeck wallet COMMAND [--vault PATH] [--password-file F] ...\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  chaindeck wallet %s\n", commands[i].usage);
	fputs("exit status: 0 ok, 1 error, 2 usage, 3 wrong password, 4 not found\n", f);
}

static int parse_count(const char *s, unsigned long *out, const char *opt)
{
	char *end;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return fail(WALLET_CLI_EUSAGE, "%s takes a number", opt);
	*out = strtoul(s, &end, 10);
	if (errno || *end)
		return fail(WALLET_CLI_EUSAGE, "%s takes a number", opt);
	return 0;
}

static const struct option longopts[] = {
	{"vault", required_argument, NULL, 'v'},
	{"password-file", required_argument, NULL, 'p'},
	{"words", required_argument, NULL, 'w'},
	{"passphrase-file", required_argument, NULL, 'P'},
	{"count", required_argument, NULL, 'n'},
	{"keystore-password-file", required_argument, NULL, 'k'},
	{"out", required_argument, NULL, 'o'},
	{"from", required_argument, NULL, 'f'},
	{"address", required_argument, NULL, 'a'},
	{"signature", required_argument, NULL, 's'},
	{"label", required_argument, NULL, 'l'},
	{"kdf", required_argument, NULL, 'K'},
	{"book", required_argument, NULL, 'b'},
	{"dir", required_argument, NULL, 'd'},
	{"hex", no_argument, NULL, 'X'},
	{"text", no_argument, NULL, 'T'},
	{"verify", no_argument, NULL, 'V'},
	{"skip-backup-check", no_argument, NULL, 'S'},
	{"new-password-file", required_argument, NULL, 'N'},
	{"ledger", required_argument, NULL, 'L'},
	{"path-style", required_argument, NULL, 'Y'},
	{"chain-id", required_argument, NULL, 'C'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parses options after the command (argv[0] is the command); 0 or an exit status. */
static int parse_options(struct cli *c, int argc, char **argv)
{
	int ch, rc;

	opterr = 0;
	optind = 0; /* glibc: full reinitialisation */
	for (;;) {
		ch = getopt_long(argc, argv, ":h", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'v': c->seen |= OPT_VAULT; c->vault_path = optarg; break;
		case 'p': c->seen |= OPT_PASSWORD_FILE; c->password_file = optarg; break;
		case 'P': c->seen |= OPT_PASSPHRASE_FILE; c->passphrase_file = optarg; break;
		case 'k': c->seen |= OPT_KEYSTORE_PASSWORD_FILE; c->keystore_password_file = optarg; break;
		case 'o': c->seen |= OPT_OUT; c->out = optarg; break;
		case 'f': c->seen |= OPT_FROM; c->from = optarg; break;
		case 'a': c->seen |= OPT_ADDRESS; c->address = optarg; break;
		case 's': c->seen |= OPT_SIGNATURE; c->signature = optarg; break;
		case 'l': c->seen |= OPT_LABEL; c->label = optarg; break;
		case 'K': c->seen |= OPT_KDF; c->kdf = optarg; break;
		case 'b': c->seen |= OPT_BOOK; c->book_path = optarg; break;
		case 'd': c->seen |= OPT_DIR; c->dir = optarg; break;
		case 'X': c->seen |= OPT_HEX; break;
		case 'T': c->seen |= OPT_TEXT; break;
		case 'h': c->seen |= OPT_HELP; break;
		case 'V': c->seen |= OPT_VERIFY; break;
		case 'S': c->seen |= OPT_SKIP_BACKUP; break;
		case 'N': c->seen |= OPT_NEW_PASSWORD_FILE; c->new_password_file = optarg; break;
		case 'L': c->seen |= OPT_LEDGER; c->ledger = optarg; break;
		case 'Y': c->seen |= OPT_PATH_STYLE; c->path_style = optarg; break;
		case 'C': {
			char *end;

			c->seen |= OPT_CHAIN_ID;
			errno = 0;
			c->chain_id = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || errno || *end)
				return fail(WALLET_CLI_EUSAGE, "--chain-id takes a decimal number");
			break;
		}
		case 'w':
			c->seen |= OPT_WORDS;
			rc = parse_count(optarg, &c->words, "--words");
			if (rc)
				return rc;
			break;
		case 'n':
			c->seen |= OPT_COUNT;
			rc = parse_count(optarg, &c->count, "--count");
			if (rc)
				return rc;
			break;
		case ':':
			return fail(WALLET_CLI_EUSAGE, "%s needs a value", argv[optind - 1]);
		default:
			return fail(WALLET_CLI_EUSAGE, "unknown option %s", argv[optind - 1]);
		}
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	return 0;
}

int wallet_cli_main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct cli c;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
			strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? WALLET_CLI_EUSAGE : WALLET_CLI_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	}
	if (!cmd) {
		fail(WALLET_CLI_EUSAGE, "unknown command '%s'", argv[1]);
		usage(stderr);
		return WALLET_CLI_EUSAGE;
	}
	memset(&c, 0, sizeof(c));
	rc = parse_options(&c, argc - 1, argv + 1);
	if (rc != 0)
		return rc;
	if (c.seen & OPT_HELP) {
		printf("usage: chaindeck wallet %s%s%s\n", cmd->usage,
			cmd->opts & OPT_VAULT ? " [--vault PATH]" : "",
			cmd->opts & OPT_PASSWORD_FILE ? " [--password-file F]" : "");
		return WALLET_CLI_OK;
	}
	if (c.seen & ~cmd->opts)
		return fail(WALLET_CLI_EUSAGE, "an option does not apply to '%s'; usage: chaindeck wallet %s",
			cmd->name, cmd->usage);
	if (c.nargs < cmd->min_args || c.nargs > cmd->max_args)
		return fail(WALLET_CLI_EUSAGE, "usage: chaindeck wallet %s", cmd->usage);
	if (sodium_init() < 0)
		return fail(WALLET_CLI_EFAIL, "libsodium failed to initialise");
	rc = cmd->run(&c);
	if (fflush(stdout) != 0 && rc == 0)
		rc = fail(WALLET_CLI_EFAIL, "cannot write the result: %s", strerror(errno));
	return rc;
}

int wallet_cli_account_key(const char *vault_path, const char *password_file, const char *from, uint8_t **key)
{
	struct cli c;
	struct vault *v = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	c.vault_path = vault_path;
	c.password_file = password_file;
	c.from = from;
	rc = from_key(&c, &v, key);
	vault_free(v);
	return rc;
}

void wallet_cli_key_free(uint8_t *key)
{
	secret_free(key);
}

int wallet_cli_vault_password(const char *password_file, char **pw)
{
	return get_password(password_file, "Vault password: ", false, pw);
}

void wallet_cli_password_free(char *pw)
{
	secret_free(pw);
}
