// What every platform's keyboard lock shares: small N-API helpers and the module's exports, which index.ts
// reads the same way on every OS (probe, grab, pump, release, foreground, mechanism).
#pragma once

#include <node_api.h>

#include <optional>
#include <string>

namespace keyboard_lock {

inline napi_value JsString(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

inline napi_value JsBool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

inline void Set(napi_env env, napi_value object, const char* key, napi_value value) { napi_set_named_property(env, object, key, value); }

inline void Throw(napi_env env, const std::string& message) { napi_throw_error(env, nullptr, message.c_str()); }

inline std::string GetString(napi_env env, napi_value v) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &length) != napi_ok) return "";
  std::string s(length + 1, '\0');
  napi_get_value_string_utf8(env, v, &s[0], s.size(), &length);
  s.resize(length);
  return s;
}

// What `foreground` returns on every platform: { window, name, pid }, name and pid null when the OS gives none.
inline napi_value ForegroundWindow(napi_env env, double window, const char* name, std::optional<double> pid) {
  napi_value result, null_value, window_value;
  napi_get_null(env, &null_value);
  napi_create_object(env, &result);
  napi_create_double(env, window, &window_value);
  Set(env, result, "window", window_value);
  Set(env, result, "name", name ? JsString(env, name) : null_value);
  napi_value pid_value = null_value;
  if (pid) napi_create_double(env, *pid, &pid_value);
  Set(env, result, "pid", pid_value);
  return result;
}

struct LockFunctions {
  napi_callback probe, grab, pump, release, foreground;
};

inline napi_value ExportLock(napi_env env, napi_value exports, const char* mechanism, const LockFunctions& f) {
  napi_property_descriptor properties[] = {
      {"probe", nullptr, f.probe, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"grab", nullptr, f.grab, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pump", nullptr, f.pump, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"release", nullptr, f.release, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"foreground", nullptr, f.foreground, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  Set(env, exports, "mechanism", JsString(env, mechanism));
  return exports;
}

}  // namespace keyboard_lock
