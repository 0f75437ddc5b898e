// Starts a program with posix_spawn, its stdin on /dev/null, its stdout on one end of a socket pair and its
// stderr on a pipe; the caller gets the other ends as file descriptors and reaps the child itself.
//
// Why not Node's child_process: on Linux libuv starts children with fork(), which marks every writable page of
// the parent copy-on-write. The engine holds a few hundred MB (models, frames, V8's heap) and writes much of it
// again right after, each page one fault; measured here, one fork cost the parent about 20,000 page faults and
// 0.2 s of CPU, three times per analysed file. glibc's posix_spawn shares the parent's memory until exec
// (CLONE_VM | CLONE_VFORK) and copies nothing.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

static void throw_errno(napi_env env, const char* what, int err) {
  napi_value code, message, error;
  const char* name = err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : "ESPAWN";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  char text[256];
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_set_named_property(env, error, "code", code);
  napi_throw(env, error);
}

static char* get_string(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char* s = malloc(length + 1);
  if (s) napi_get_value_string_utf8(env, value, s, length + 1, &length);
  return s;
}

static int cloexec(int fd) { return fcntl(fd, F_SETFD, FD_CLOEXEC); }

static void set_int(napi_env env, napi_value object, const char* key, int value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, object, key, v);
}

// spawn(file, argv) -> { pid, stdout, stderr }; argv includes argv[0]; throws an Error with `code` (ENOENT...).
static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "spawn(file, argv)");
    return NULL;
  }
  uint32_t count = 0;
  if (napi_get_array_length(env, args[1], &count) != napi_ok || count == 0) {
    napi_throw_type_error(env, NULL, "argv must be a non-empty array of strings");
    return NULL;
  }
  char* file = get_string(env, args[0]);
  char** argv = calloc(count + 1, sizeof(char*));
  int ok = file != NULL && argv != NULL;
  for (uint32_t i = 0; ok && i < count; i++) {
    napi_value item;
    napi_get_element(env, args[1], i, &item);
    argv[i] = get_string(env, item);
    ok = argv[i] != NULL;
  }

  int out[2] = {-1, -1}, err[2] = {-1, -1};
  int failure = 0;
  const char* step = "spawn";
  pid_t pid = -1;
  if (!ok) {
    failure = EINVAL;
  } else if (socketpair(AF_UNIX, SOCK_STREAM, 0, out) != 0 || pipe(err) != 0) {
    failure = errno;
    step = "socketpair/pipe";
  } else {
    // The parent's ends stay out of this and every later child; dup2 gives the child's copies without the flag.
    cloexec(out[0]), cloexec(out[1]), cloexec(err[0]), cloexec(err[1]);
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    // As libuv does for its children: default signal handlers (Node ignores SIGPIPE) and nothing blocked.
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    failure = posix_spawnp(&pid, file, &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  if (out[1] >= 0) close(out[1]);
  if (err[1] >= 0) close(err[1]);

  napi_value result = NULL;
  if (failure != 0) {
    if (out[0] >= 0) close(out[0]);
    if (err[0] >= 0) close(err[0]);
    throw_errno(env, file ? file : step, failure);
  } else {
    napi_create_object(env, &result);
    set_int(env, result, "pid", pid);
    set_int(env, result, "stdout", out[0]);
    set_int(env, result, "stderr", err[0]);
  }
  for (uint32_t i = 0; argv && i < count; i++) free(argv[i]);
  free(argv);
  free(file);
  return result;
}

// reap(pid) -> null while it runs, else { code, signal } (one of them -1); reaps the child (no zombie left).
static napi_value Reap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  int32_t pid = 0;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  napi_get_value_int32(env, args[0], &pid);
  int status = 0;
  pid_t r;
  do r = waitpid(pid, &status, WNOHANG);
  while (r < 0 && errno == EINTR);
  napi_value result;
  if (r == 0) {
    napi_get_null(env, &result);
    return result;
  }
  if (r < 0) {
    throw_errno(env, "waitpid", errno);
    return NULL;
  }
  napi_create_object(env, &result);
  set_int(env, result, "code", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  set_int(env, result, "signal", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value spawn_fn, reap_fn;
  napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, Spawn, NULL, &spawn_fn);
  napi_create_function(env, "reap", NAPI_AUTO_LENGTH, Reap, NULL, &reap_fn);
  napi_set_named_property(env, exports, "spawn", spawn_fn);
  napi_set_named_property(env, exports, "reap", reap_fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
