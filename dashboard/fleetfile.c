/*
 * fleetfile — keeps the config file and the fleet's nodes in step: the
 * interface's node edits go to the file in place and durably, and a changed
 * file (inotify, SIGHUP) is reloaded into the running fleet. Contract in
 * fleetfile.h.
 */
#include "dashboard/fleetfile.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

#define RELOAD_SETTLE_MS 100 /* an editor's save can be several events: reload once they settle */

struct fleetfile {
	struct loop *loop;
	char path[PATH_MAX];     /* "" when there is no file */
	struct config *session;
	struct fleet *fleet;
	bool nodes_from_file;
	struct fleetfile_ops ops;
	void *ud;

	int ino_fd;              /* -1 without a watch */
	int wd[2];               /* the file's directory; its target's, when it is a symbolic link */
	char wname[2][NAME_MAX + 1];
	uint64_t settle_timer;

	struct fsutil_save *job; /* the write in flight, or NULL */
	char *writing;           /* what it writes */
	size_t writing_len;
	char *next;              /* written when it ends (each edit builds on the one before) */
	size_t next_len;
	char *last;              /* what was last written: its own inotify echo is not a change */
	size_t last_len;
	bool reload_pending;     /* a reload waits for the write in flight */
	bool reload_loud;
	bool refused;            /* the last reload refused the file: the next good one says so */
};

static void say(struct fleetfile *ff, bool bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct fleetfile *ff, bool bad, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(bad ? LOG_WARN : LOG_INFO, "%s", msg);
	if (ff->ops.say)
		ff->ops.say(ff->ud, bad, msg);
}

static void drop(char **buf, size_t *len)
{
	fsutil_free_wiped(*buf, *len);
	*buf = NULL;
	*len = 0;
}

/* ---- writing ---- */

static void start_write(struct fleetfile *ff, char *text, size_t len);
static void reload(struct fleetfile *ff, bool loud);
static int watch_dir_of(struct fleetfile *ff, int k, const char *path);

static void written(void *ud, int rc, const char *err)
{
	struct fleetfile *ff = ud;

	ff->job = NULL;
	if (rc == CD_OK) {
		drop(&ff->last, &ff->last_len);
		ff->last = ff->writing;
		ff->last_len = ff->writing_len;
		ff->writing = NULL;
		ff->writing_len = 0;
		say(ff, false, "saved to %s", ff->path);
		/* The first save may have created the directory there was nothing to watch in. */
		if (ff->ino_fd >= 0 && ff->wd[0] < 0)
			watch_dir_of(ff, 0, ff->path);
	} else {
		drop(&ff->writing, &ff->writing_len);
		say(ff, true, "config file not changed: %s", err);
	}
	if (ff->next) {
		char *t = ff->next;

		ff->next = NULL;
		start_write(ff, t, ff->next_len);
		return;
	}
	if (ff->reload_pending) {
		ff->reload_pending = false;
		reload(ff, ff->reload_loud);
	}
}

/* Takes text over. One write at a time: a later edit waits in next (it already holds this one). */
static void start_write(struct fleetfile *ff, char *text, size_t len)
{
	char target[PATH_MAX];
	const char *where = ff->path;
	char *data;

	if (ff->job) {
		drop(&ff->next, &ff->next_len);
		ff->next = text;
		ff->next_len = len;
		return;
	}
	/* A symbolic link (dotfiles) stays one: the file it leads to is replaced. */
	if (realpath(ff->path, target))
		where = target;
	data = xmalloc(len + 1);
	memcpy(data, text, len);
	data[len] = '\0';
	ff->writing = text;
	ff->writing_len = len;
	ff->job = fsutil_save_start(ff->loop, where, data, len, FSUTIL_MKDIR, written, ff);
	if (!ff->job) {
		drop(&ff->writing, &ff->writing_len);
		say(ff, true, "config file not changed: cannot start the save worker");
	}
}

/* The file's text as the next edit must see it: what is about to be written, else what is on disk. */
static int current_text(struct fleetfile *ff, char **text, size_t *len, char *err, size_t errlen)
{
	const char *src = ff->next ? ff->next : ff->writing;
	size_t n = ff->next ? ff->next_len : ff->writing_len;
	int rc;

	if (src) {
		*text = xmalloc(n + 1);
		memcpy(*text, src, n + 1);
		*len = n;
		return CD_OK;
	}
	rc = fsutil_read(ff->path, CONFIG_MAX_FILE, FSUTIL_FOLLOW | FSUTIL_TRUSTED | FSUTIL_WIPE, text, len, err,
	                 errlen);
	if (rc == CD_ENOTFOUND) {
		*text = NULL;
		*len = 0;
		return CD_OK;
	}
	return rc;
}

/* The file's node of that name, when it is the session's node (same URL): config_edit_* may touch it. */
static int file_has(struct fleetfile *ff, const char *text, size_t len, const char *name, const char *url,
                    bool *same, char *err, size_t errlen)
{
	struct config fc;
	const struct config_node *fn;
	int rc;

	*same = false;
	config_init(&fc);
	rc = config_parse(&fc, text, len, ff->path, err, errlen);
	if (rc != 0) {
		config_free(&fc);
		return rc;
	}
	fn = config_node_find(&fc, name);
	if (!fn) {
		config_free(&fc);
		return CD_ENOTFOUND;
	}
	*same = url && strcmp(fn->url, url) == 0;
	config_free(&fc);
	return CD_OK;
}

static size_t fleet_index(const struct fleet *f, const char *name)
{
	for (size_t i = 0; i < fleet_count(f); i++)
		if (strcmp(fleet_node(f, i)->name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* ---- the interface's edits ---- */

int fleetfile_add(struct fleetfile *ff, const struct config_node *cn, char *err, size_t errlen)
{
	char *text = NULL, *out = NULL;
	size_t len = 0, outlen = 0;
	int rc;

	if (config_node_find(ff->session, cn->name)) {
		snprintf(err, errlen, "a node named '%s' is already watched", cn->name);
		return CD_EEXIST;
	}
	if (ff->path[0]) {
		if ((rc = current_text(ff, &text, &len, err, errlen)) != CD_OK)
			return rc;
		rc = config_edit_add(text, len, ff->path, cn, &out, &outlen, err, errlen);
		fsutil_free_wiped(text, len);
		if (rc != CD_OK)
			return rc;
	}
	if ((rc = config_add_node(ff->session, cn, err, errlen)) != CD_OK) {
		fsutil_free_wiped(out, outlen);
		return rc;
	}
	if (fleet_add_node(ff->fleet, config_node_find(ff->session, cn->name), err, errlen) != 0) {
		config_remove_node(ff->session, cn->name);
		fsutil_free_wiped(out, outlen);
		return CD_EINVAL;
	}
	log_msg(LOG_INFO, "node %s added", cn->name);
	if (out)
		start_write(ff, out, outlen);
	else
		say(ff, false, "added for this session (no config file location: no home directory)");
	return CD_OK;
}

/*
 * The file's side of a removal or a pin of the session's node name: edit
 * applies it to the text. Says why the file is left alone when it is.
 */
static void edit_file(struct fleetfile *ff, const char *name, const char *url, const char *what,
                      int (*edit)(struct fleetfile *ff, const char *text, size_t len, const char *name, char **out,
                                  size_t *outlen, char *err, size_t errlen))
{
	char *text = NULL, *out = NULL, err[300];
	size_t len = 0, outlen = 0;
	bool same;
	int rc;

	if (!ff->path[0]) {
		say(ff, false, "%s for this session (no config file location: no home directory)", what);
		return;
	}
	rc = current_text(ff, &text, &len, err, sizeof(err));
	if (rc == CD_OK)
		rc = file_has(ff, text, len, name, url, &same, err, sizeof(err));
	if (rc == CD_OK && same)
		rc = edit(ff, text, len, name, &out, &outlen, err, sizeof(err));
	fsutil_free_wiped(text, len);
	if (rc == CD_ENOTFOUND)
		say(ff, false, "%s for this session ('%s' is not in the config file)", what, name);
	else if (rc != CD_OK)
		say(ff, true, "%s for this session; config file not changed: %s", what, err);
	else if (!same)
		say(ff, false, "%s for this session (the config file's '%s' is another node: not changed)", what, name);
	else
		start_write(ff, out, outlen);
}

static int edit_remove(struct fleetfile *ff, const char *text, size_t len, const char *name, char **out,
                       size_t *outlen, char *err, size_t errlen)
{
	return config_edit_remove(text, len, ff->path, name, out, outlen, err, errlen);
}

static int edit_pin_on(struct fleetfile *ff, const char *text, size_t len, const char *name, char **out,
                       size_t *outlen, char *err, size_t errlen)
{
	return config_edit_pin(text, len, ff->path, name, true, out, outlen, err, errlen);
}

static int edit_pin_off(struct fleetfile *ff, const char *text, size_t len, const char *name, char **out,
                        size_t *outlen, char *err, size_t errlen)
{
	return config_edit_pin(text, len, ff->path, name, false, out, outlen, err, errlen);
}

void fleetfile_remove(struct fleetfile *ff, size_t i)
{
	const struct fleet_node *n = fleet_node(ff->fleet, i);
	const struct config_node *sc;
	char name[CONFIG_NAME_MAX + 1];
	char *url;

	if (!n)
		return;
	snprintf(name, sizeof(name), "%s", n->name);
	sc = config_node_find(ff->session, name);
	url = sc ? xstrdup(sc->url) : NULL;
	fleet_remove_node(ff->fleet, i);
	config_remove_node(ff->session, name);
	log_msg(LOG_INFO, "node %s removed", name);
	edit_file(ff, name, url, "removed", edit_remove);
	if (url)
		fsutil_free_wiped(url, strlen(url));
}

void fleetfile_pin(struct fleetfile *ff, size_t i, bool pinned)
{
	const struct fleet_node *n = fleet_node(ff->fleet, i);
	struct config_node *sc;

	if (!n)
		return;
	fleet_set_pinned(ff->fleet, i, pinned);
	sc = (struct config_node *)config_node_find(ff->session, n->name);
	if (sc)
		sc->pinned = pinned;
	edit_file(ff, n->name, sc ? sc->url : NULL, pinned ? "pinned" : "unpinned", pinned ? edit_pin_on : edit_pin_off);
}

/* ---- reloading ---- */

/* The new file's nodes into the session and the fleet. Counts what changed. */
static void sync_nodes(struct fleetfile *ff, const struct config *nc, unsigned *added, unsigned *removed,
                       unsigned *changed)
{
	char err[300];
	unsigned started = 0;

	for (size_t i = ff->session->nnodes; i-- > 0;) {
		const struct config_node *sn = &ff->session->nodes[i];
		const struct config_node *fn = config_node_find(nc, sn->name);
		char name[CONFIG_NAME_MAX + 1];

		if (fn && config_node_same(sn, fn))
			continue;
		snprintf(name, sizeof(name), "%s", sn->name);
		fleet_remove_node(ff->fleet, fleet_index(ff->fleet, name));
		config_remove_node(ff->session, name);
		if (fn)
			(*changed)++;
		else
			(*removed)++;
	}
	for (size_t i = 0; i < nc->nnodes; i++) {
		const struct config_node *fn = &nc->nodes[i];
		struct config_node *sn = (struct config_node *)config_node_find(ff->session, fn->name);

		if (sn) {
			if (sn->pinned != fn->pinned) {
				sn->pinned = fn->pinned;
				fleet_set_pinned(ff->fleet, fleet_index(ff->fleet, fn->name), fn->pinned);
			}
			continue;
		}
		if (config_add_node(ff->session, fn, err, sizeof(err)) != CD_OK ||
		    fleet_add_node(ff->fleet, config_node_find(ff->session, fn->name), err, sizeof(err)) != 0) {
			config_remove_node(ff->session, fn->name);
			say(ff, true, "node %s not started: %s", fn->name, err);
			continue;
		}
		started++;
	}
	/* A changed node was removed above and started again here. */
	*added = started > *changed ? started - *changed : 0;
}

/* loud: say what happened even when nothing changed (SIGHUP asked for it). */
static void reload(struct fleetfile *ff, bool loud)
{
	struct config nc;
	char *text = NULL, err[400], later[120] = "";
	size_t len = 0;
	unsigned added = 0, removed = 0, changed = 0, settings = 0;
	int rc;

	if (!ff->path[0]) {
		if (loud)
			say(ff, true, "no config file to reload (no home directory)");
		return;
	}
	if (ff->job) {
		ff->reload_pending = true;
		ff->reload_loud |= loud;
		return;
	}
	ff->reload_loud = false;
	rc = fsutil_read(ff->path, CONFIG_MAX_FILE, FSUTIL_FOLLOW | FSUTIL_TRUSTED | FSUTIL_WIPE, &text, &len, err,
	                 sizeof(err));
	if (rc == CD_ENOTFOUND) {
		if (loud)
			say(ff, true, "%s is gone: still running on the configuration loaded before", ff->path);
		return;
	}
	if (rc != CD_OK) {
		say(ff, true, "config not reloaded (still running on the one loaded before): %s", err);
		return;
	}
	/* The echo of this program's own write: nothing new in it. */
	if (!loud && ff->last && len == ff->last_len && memcmp(text, ff->last, len) == 0) {
		fsutil_free_wiped(text, len);
		return;
	}
	fsutil_free_wiped(text, len);
	config_init(&nc);
	if (config_load(&nc, ff->path, err, sizeof(err)) != CD_OK) {
		say(ff, true, "config not reloaded (still running on the one loaded before): %s", err);
		config_free(&nc);
		ff->refused = true;
		return;
	}
	loud |= ff->refused;
	ff->refused = false;
	if (ff->nodes_from_file && nc.nnodes > 0)
		sync_nodes(ff, &nc, &added, &removed, &changed);
	/* What the fleet reads from the session's configuration as it goes. */
	if (ff->session->alert_stall_s != nc.alert_stall_s || ff->session->alert_min_peers != nc.alert_min_peers ||
	    ff->session->alert_max_lag != nc.alert_max_lag || ff->session->bell != nc.bell ||
	    (ff->session->alert_hook == NULL) != (nc.alert_hook == NULL) ||
	    (nc.alert_hook && strcmp(nc.alert_hook, ff->session->alert_hook) != 0)) {
		ff->session->alert_stall_s = nc.alert_stall_s;
		ff->session->alert_min_peers = nc.alert_min_peers;
		ff->session->alert_max_lag = nc.alert_max_lag;
		ff->session->bell = nc.bell;
		free(ff->session->alert_hook);
		ff->session->alert_hook = nc.alert_hook ? xstrdup(nc.alert_hook) : NULL;
		settings++;
	}
	if (ff->session->refresh_ms != nc.refresh_ms || ff->session->timeout_ms != nc.timeout_ms ||
	    (ff->session->log_path == NULL) != (nc.log_path == NULL) ||
	    (nc.log_path && strcmp(nc.log_path, ff->session->log_path) != 0) ||
	    (ff->session->theme == NULL) != (nc.theme == NULL) ||
	    (nc.theme && strcmp(nc.theme, ff->session->theme) != 0))
		snprintf(later, sizeof(later), "; [general] changes take effect at the next start");
	config_free(&nc);
	if (added || removed || changed)
		if (ff->ops.nodes_changed)
			ff->ops.nodes_changed(ff->ud);
	if (loud || added || removed || changed || settings || later[0])
		say(ff, false, "config reloaded: %u node%s added, %u removed, %u changed%s%s%s", added,
		    added == 1 ? "" : "s", removed, changed, settings ? "; [alerts] updated" : "",
		    ff->nodes_from_file ? "" : " (nodes come from --rpc-url or ETH_RPC_URL: the file's are not used)",
		    later);
}

void fleetfile_reload(struct fleetfile *ff)
{
	reload(ff, true);
}

static void settled(void *ud)
{
	struct fleetfile *ff = ud;

	ff->settle_timer = 0;
	reload(ff, false);
}

static void on_inotify(void *ud, int fd, short revents)
{
	struct fleetfile *ff = ud;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ours = false;
	ssize_t n;

	(void)revents;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

			for (int k = 0; k < 2; k++)
				if (ev->wd == ff->wd[k] && ev->len && strcmp(ev->name, ff->wname[k]) == 0)
					ours = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (ours && !ff->settle_timer)
		ff->settle_timer = loop_timer_add(ff->loop, RELOAD_SETTLE_MS, settled, ff);
}

/* Watches the directory holding path for a file named as its last component being written or moved in. */
static int watch_dir_of(struct fleetfile *ff, int k, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 0;

	if (dl >= sizeof(dir) || strlen(slash ? slash + 1 : path) > NAME_MAX)
		return -1;
	if (slash) {
		memcpy(dir, path, dl ? dl : 1);
		dir[dl ? dl : 1] = '\0';
	} else {
		snprintf(dir, sizeof(dir), ".");
	}
	snprintf(ff->wname[k], sizeof(ff->wname[k]), "%s", slash ? slash + 1 : path);
	ff->wd[k] = inotify_add_watch(ff->ino_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO);
	return ff->wd[k] < 0 ? -1 : 0;
}

static void watch(struct fleetfile *ff)
{
	char target[PATH_MAX];

	ff->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ff->ino_fd < 0) {
		log_msg(LOG_WARN, "config file not watched (inotify: %s): reload with SIGHUP", strerror(errno));
		return;
	}
	if (watch_dir_of(ff, 0, ff->path) != 0)
		log_msg(LOG_WARN, "config file not watched (%s): reload with SIGHUP", strerror(errno));
	if (realpath(ff->path, target) && strcmp(target, ff->path) != 0 && watch_dir_of(ff, 1, target) != 0)
		log_msg(LOG_WARN, "config file's target not watched (%s): reload with SIGHUP", strerror(errno));
	if (loop_watch_fd(ff->loop, ff->ino_fd, POLLIN, on_inotify, ff) != 0) {
		log_msg(LOG_WARN, "config file not watched (no room in the loop): reload with SIGHUP");
		close(ff->ino_fd);
		ff->ino_fd = -1;
	}
}

struct fleetfile *fleetfile_new(struct loop *loop, const char *path, struct config *session, struct fleet *fleet,
                                bool nodes_from_file, const struct fleetfile_ops *ops, void *ud)
{
	struct fleetfile *ff = xcalloc(1, sizeof(*ff));

	ff->loop = loop;
	snprintf(ff->path, sizeof(ff->path), "%s", path ? path : "");
	ff->session = session;
	ff->fleet = fleet;
	ff->nodes_from_file = nodes_from_file;
	if (ops)
		ff->ops = *ops;
	ff->ud = ud;
	ff->ino_fd = -1;
	ff->wd[0] = ff->wd[1] = -1;
	if (ff->path[0])
		watch(ff);
	return ff;
}

void fleetfile_free(struct fleetfile *ff)
{
	if (!ff)
		return;
	if (ff->job)
		fsutil_save_orphan(ff->job);
	/* An edit still waiting for its turn is written now: quitting right after a change keeps it. */
	if (ff->next) {
		char target[PATH_MAX], err[300];
		const char *where = realpath(ff->path, target) ? target : ff->path;

		if (fsutil_replace(where, ff->next, ff->next_len, err, sizeof(err)) == CD_OK)
			log_msg(LOG_INFO, "saved to %s", ff->path);
		else
			log_msg(LOG_WARN, "config file not changed: %s", err);
	}
	if (ff->settle_timer)
		loop_timer_cancel(ff->loop, ff->settle_timer);
	if (ff->ino_fd >= 0) {
		loop_unwatch_fd(ff->loop, ff->ino_fd);
		close(ff->ino_fd);
	}
	drop(&ff->writing, &ff->writing_len);
	drop(&ff->next, &ff->next_len);
	drop(&ff->last, &ff->last_len);
	free(ff);
}
