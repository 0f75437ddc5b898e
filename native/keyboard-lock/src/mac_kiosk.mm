// macOS: no public API swallows arbitrary key combos (an event tap needs the accessibility permission and
// cannot stop Cmd+Tab reliably). What the OS does offer is kiosk presentation options: while they are set,
// Cmd+Tab (process switching), Force Quit, log-out and hiding the app are disabled and the Dock and menu bar
// are hidden. grab() sets them and reports, per combo, whether they cover it; the rest is observed only
// (uiohook-napi, with the accessibility permission). Same JS API as x11_grab.cc.
#include <node_api.h>

#include "napi_helpers.h"
#import <AppKit/AppKit.h>

#include <string>

namespace {

using namespace keyboard_lock;

NSApplicationPresentationOptions g_previous = NSApplicationPresentationDefault;
bool g_active = false;

napi_value Probe(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_object(env, &result);
  Set(env, result, "ok", JsBool(env, NSApp != nil));
  Set(env, result, "display", JsString(env, "quartz"));
  if (NSApp == nil) Set(env, result, "error", JsString(env, "no NSApplication in this process (run inside Electron's main process)"));
  return result;
}

napi_value Grab(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (NSApp == nil) {
    napi_throw_error(env, nullptr, "no NSApplication in this process (run inside Electron's main process)");
    return nullptr;
  }
  if (!g_active) g_previous = [NSApp presentationOptions];
  [NSApp setPresentationOptions:NSApplicationPresentationHideDock | NSApplicationPresentationHideMenuBar |
                                NSApplicationPresentationDisableProcessSwitching | NSApplicationPresentationDisableForceQuit |
                                NSApplicationPresentationDisableSessionTermination | NSApplicationPresentationDisableHideApplication];
  g_active = true;
  uint32_t count = 0;
  napi_get_array_length(env, argv[1], &count);
  napi_value results;
  napi_create_array_with_length(env, count, &results);
  for (uint32_t i = 0; i < count; ++i) {
    napi_value combo, keysym_value, modifiers_value;
    napi_get_element(env, argv[1], i, &combo);
    napi_get_named_property(env, combo, "keysym", &keysym_value);
    napi_get_named_property(env, combo, "modifiers", &modifiers_value);
    std::string keysym = GetString(env, keysym_value);
    uint32_t n = 0;
    napi_get_array_length(env, modifiers_value, &n);
    bool super = false;
    for (uint32_t m = 0; m < n; ++m) {
      napi_value item;
      napi_get_element(env, modifiers_value, m, &item);
      if (GetString(env, item) == "super") super = true;
    }
    // Cmd is "super" in X11 names; Cmd+Tab and Cmd+Q/H/Option+Esc are what the presentation options cover.
    bool covered = super && (keysym == "Tab" || keysym == "q" || keysym == "h" || keysym == "Escape");
    napi_value result;
    napi_create_object(env, &result);
    Set(env, result, "keysym", keysym_value);
    Set(env, result, "modifiers", modifiers_value);
    Set(env, result, "grabbed", JsBool(env, covered));
    if (!covered) Set(env, result, "error", JsString(env, "macOS kiosk options do not cover this combo; it is observed, not blocked"));
    napi_set_element(env, results, i, result);
  }
  napi_value handle, out;
  napi_create_object(env, &handle);
  napi_create_object(env, &out);
  Set(env, out, "handle", handle);
  Set(env, out, "results", results);
  return out;
}

napi_value Pump(napi_env env, napi_callback_info) {
  napi_value list;
  napi_create_array(env, &list);
  return list;
}

napi_value Release(napi_env, napi_callback_info) {
  if (g_active && NSApp != nil) [NSApp setPresentationOptions:g_previous];
  g_active = false;
  return nullptr;
}

// The frontmost application (macOS exposes apps, not other apps' windows, without Screen Recording permission).
napi_value Foreground(napi_env env, napi_callback_info) {
  NSRunningApplication* app = [[NSWorkspace sharedWorkspace] frontmostApplication];
  napi_value null_value;
  napi_get_null(env, &null_value);
  if (app == nil) return null_value;
  return ForegroundWindow(env, 0, app.localizedName ? [app.localizedName UTF8String] : nullptr, static_cast<double>(app.processIdentifier));
}

napi_value Init(napi_env env, napi_value exports) {
  return ExportLock(env, exports, "macos-presentation-options", {Probe, Grab, Pump, Release, Foreground});
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
