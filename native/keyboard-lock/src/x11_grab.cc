// Linux/X11: passive key grabs on the root window. While a combo is grabbed, the X server delivers it to this
// connection only, so other clients (window manager, other apps) never see it. XRecord-based observers
// (uiohook-napi) still see it: they record at the server, before delivery, which is what we want.
//
// JS API (same shape on every OS, see ../index.ts):
//   probe(display?)            -> { ok, display, error?, vendor?, screens? }
//   grab(display?, combos[])   -> { handle, results: [{ keysym, modifiers, grabbed, error? }] }
//   pump(handle)               -> [{ keysym, modifiers, time }]  intercepted key presses since the last pump
//   release(handle)            -> undefined
//   foreground(handle)         -> { window, name, pid } | null   the top-level window holding the keyboard focus
#include <node_api.h>

#include "napi_helpers.h"
#include <X11/XKBlib.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/keysym.h>

#include <string>
#include <vector>

namespace {

using namespace keyboard_lock;

struct Modifier {
  const char* name;
  unsigned mask;
};
const Modifier kModifiers[] = {{"shift", ShiftMask}, {"ctrl", ControlMask}, {"alt", Mod1Mask}, {"super", Mod4Mask}};

// A grab matches the modifier state exactly, so Caps Lock (LockMask) and Num Lock (Mod2Mask) get their own
// grabs; otherwise Alt+Tab with Num Lock on would slip through.
const unsigned kIgnoredLocks[] = {0, LockMask, Mod2Mask, LockMask | Mod2Mask};

struct GrabbedKey {
  KeyCode code;
  unsigned mask;
};

struct Grab {
  Display* dpy = nullptr;
  Window root = 0;
  std::vector<GrabbedKey> keys;
};

int g_x_error = 0;
int RecordXError(Display*, XErrorEvent* event) {
  g_x_error = event->error_code;
  return 0;
}

bool GetOptionalString(napi_env env, napi_value value, std::string* out, bool* present) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type == napi_undefined || type == napi_null) {
    *present = false;
    return true;
  }
  if (type != napi_string) return false;
  size_t length = 0;
  napi_get_value_string_utf8(env, value, nullptr, 0, &length);
  std::string buffer(length + 1, '\0');
  napi_get_value_string_utf8(env, value, buffer.data(), buffer.size(), &length);
  buffer.resize(length);
  *out = buffer;
  *present = true;
  return true;
}

napi_value ModifierNames(napi_env env, unsigned state) {
  napi_value list;
  napi_create_array(env, &list);
  uint32_t i = 0;
  for (const auto& m : kModifiers) {
    if (state & m.mask) napi_set_element(env, list, i++, JsString(env, m.name));
  }
  return list;
}

std::string DisplayName(bool present, const std::string& name) {
  if (present) return name;
  const char* env = XDisplayName(nullptr);
  return env ? env : "";
}

napi_value Probe(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::string name;
  bool present = false;
  if (argc >= 1 && !GetOptionalString(env, argv[0], &name, &present)) {
    Throw(env, "probe(display): display must be a string or undefined");
    return nullptr;
  }
  napi_value result;
  napi_create_object(env, &result);
  Set(env, result, "display", JsString(env, DisplayName(present, name)));
  Display* dpy = XOpenDisplay(present ? name.c_str() : nullptr);
  if (!dpy) {
    Set(env, result, "ok", JsBool(env, false));
    Set(env, result, "error", JsString(env, "cannot open X display '" + DisplayName(present, name) + "'"));
    return result;
  }
  Set(env, result, "ok", JsBool(env, true));
  Set(env, result, "vendor", JsString(env, ServerVendor(dpy)));
  napi_value screens;
  napi_create_int32(env, ScreenCount(dpy), &screens);
  Set(env, result, "screens", screens);
  XCloseDisplay(dpy);
  return result;
}

void ReleaseGrab(Grab* grab) {
  if (!grab || !grab->dpy) return;
  for (const auto& key : grab->keys) XUngrabKey(grab->dpy, key.code, key.mask, grab->root);
  XSync(grab->dpy, False);
  XCloseDisplay(grab->dpy);
  grab->dpy = nullptr;
  grab->keys.clear();
}

void FinalizeGrab(napi_env, void* data, void*) {
  auto* grab = static_cast<Grab*>(data);
  ReleaseGrab(grab);
  delete grab;
}

Grab* UnwrapGrab(napi_env env, napi_value value) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok || !data) {
    Throw(env, "expected a grab handle");
    return nullptr;
  }
  return static_cast<Grab*>(data);
}

/** The handle that pump(), release() and foreground() take as their one argument; throws (null) without it. */
Grab* GrabArgument(napi_env env, napi_callback_info info, const char* call) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 1) {
    Throw(env, std::string(call) + "(handle): handle missing");
    return nullptr;
  }
  return UnwrapGrab(env, argv[0]);
}

napi_value GrabCombos(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::string name;
  bool present = false;
  if (argc < 2 || !GetOptionalString(env, argv[0], &name, &present)) {
    Throw(env, "grab(display, combos): display must be a string or undefined");
    return nullptr;
  }
  bool is_array = false;
  napi_is_array(env, argv[1], &is_array);
  if (!is_array) {
    Throw(env, "grab(display, combos): combos must be an array");
    return nullptr;
  }
  Display* dpy = XOpenDisplay(present ? name.c_str() : nullptr);
  if (!dpy) {
    Throw(env, "cannot open X display '" + DisplayName(present, name) + "'");
    return nullptr;
  }
  auto* grab = new Grab();
  grab->dpy = dpy;
  grab->root = DefaultRootWindow(dpy);

  uint32_t count = 0;
  napi_get_array_length(env, argv[1], &count);
  napi_value results;
  napi_create_array_with_length(env, count, &results);
  // Errors from XGrabKey arrive asynchronously; XSync after each combo attributes them to that combo.
  XErrorHandler previous = XSetErrorHandler(RecordXError);
  for (uint32_t i = 0; i < count; ++i) {
    napi_value combo, keysym_value, modifiers_value;
    napi_get_element(env, argv[1], i, &combo);
    napi_get_named_property(env, combo, "keysym", &keysym_value);
    napi_get_named_property(env, combo, "modifiers", &modifiers_value);
    std::string keysym_name;
    bool has_keysym = false;
    GetOptionalString(env, keysym_value, &keysym_name, &has_keysym);
    unsigned mask = 0;
    uint32_t modifier_count = 0;
    napi_get_array_length(env, modifiers_value, &modifier_count);
    for (uint32_t m = 0; m < modifier_count; ++m) {
      napi_value item;
      napi_get_element(env, modifiers_value, m, &item);
      std::string modifier;
      bool has_modifier = false;
      GetOptionalString(env, item, &modifier, &has_modifier);
      for (const auto& known : kModifiers) {
        if (modifier == known.name) mask |= known.mask;
      }
    }
    napi_value result;
    napi_create_object(env, &result);
    Set(env, result, "keysym", keysym_value);
    Set(env, result, "modifiers", ModifierNames(env, mask));
    KeySym keysym = has_keysym ? XStringToKeysym(keysym_name.c_str()) : NoSymbol;
    KeyCode code = keysym == NoSymbol ? 0 : XKeysymToKeycode(dpy, keysym);
    if (code == 0) {
      Set(env, result, "grabbed", JsBool(env, false));
      Set(env, result, "error", JsString(env, "no key on this keyboard produces keysym '" + keysym_name + "'"));
    } else {
      bool conflict = false;
      for (unsigned locks : kIgnoredLocks) {
        g_x_error = 0;
        XGrabKey(dpy, code, mask | locks, grab->root, True, GrabModeAsync, GrabModeAsync);
        XSync(dpy, False);
        if (g_x_error == 0) {
          grab->keys.push_back({code, mask | locks});
        } else {
          conflict = true;
        }
      }
      Set(env, result, "grabbed", JsBool(env, !conflict));
      if (conflict) Set(env, result, "error", JsString(env, "another X client already grabs this combo (BadAccess)"));
    }
    napi_set_element(env, results, i, result);
  }
  XSetErrorHandler(previous);

  napi_value handle, out;
  napi_create_external(env, grab, FinalizeGrab, nullptr, &handle);
  napi_create_object(env, &out);
  Set(env, out, "handle", handle);
  Set(env, out, "results", results);
  return out;
}

napi_value Pump(napi_env env, napi_callback_info info) {
  Grab* grab = GrabArgument(env, info, "pump");
  if (!grab) return nullptr;
  napi_value list;
  napi_create_array(env, &list);
  if (!grab->dpy) return list;
  uint32_t i = 0;
  while (XPending(grab->dpy) > 0) {
    XEvent event;
    XNextEvent(grab->dpy, &event);
    if (event.type != KeyPress) continue;
    KeySym keysym = XkbKeycodeToKeysym(grab->dpy, static_cast<KeyCode>(event.xkey.keycode), 0, 0);
    const char* keysym_name = XKeysymToString(keysym);
    napi_value item, time;
    napi_create_object(env, &item);
    Set(env, item, "keysym", JsString(env, keysym_name ? keysym_name : "NoSymbol"));
    Set(env, item, "modifiers", ModifierNames(env, event.xkey.state));
    napi_create_double(env, static_cast<double>(event.xkey.time), &time);
    Set(env, item, "time", time);
    napi_set_element(env, list, i++, item);
  }
  return list;
}

napi_value Release(napi_env env, napi_callback_info info) {
  Grab* grab = GrabArgument(env, info, "release");
  if (grab) ReleaseGrab(grab);
  return nullptr;
}

// The top-level window (child of the root) that contains `window`.
Window TopLevel(Display* dpy, Window window, Window root) {
  Window current = window;
  for (int depth = 0; depth < 64; ++depth) {
    Window root_return = 0, parent = 0;
    Window* children = nullptr;
    unsigned count = 0;
    if (!XQueryTree(dpy, current, &root_return, &parent, &children, &count)) return current;
    if (children) XFree(children);
    if (parent == root || parent == 0) return current;
    current = parent;
  }
  return current;
}

// One value of a window's property (format 32, which Xlib hands over as an unsigned long), or 0 when it is absent.
unsigned long SingleProperty(Display* dpy, Window window, const char* name, Atom type) {
  Atom property = XInternAtom(dpy, name, True);
  if (property == None) return 0;
  Atom actual;
  int format;
  unsigned long items = 0, after = 0, value = 0;
  unsigned char* data = nullptr;
  if (XGetWindowProperty(dpy, window, property, 0, 1, False, type, &actual, &format, &items, &after, &data) == Success && data) {
    if (items == 1) value = *reinterpret_cast<unsigned long*>(data);
    XFree(data);
  }
  return value;
}

// EWMH first (_NET_ACTIVE_WINDOW, what a window manager says is active), else the X input focus.
napi_value Foreground(napi_env env, napi_callback_info info) {
  Grab* grab = GrabArgument(env, info, "foreground");
  if (!grab) return nullptr;
  napi_value null_value;
  napi_get_null(env, &null_value);
  if (!grab->dpy) return null_value;
  Display* dpy = grab->dpy;
  Window active = SingleProperty(dpy, grab->root, "_NET_ACTIVE_WINDOW", XA_WINDOW);
  if (active == 0) {
    int revert = 0;
    XGetInputFocus(dpy, &active, &revert);
    if (active == None || active == PointerRoot) return null_value;
    active = TopLevel(dpy, active, grab->root);
  }
  char* name = nullptr;
  if (!XFetchName(dpy, active, &name)) name = nullptr;
  const double pid = static_cast<double>(SingleProperty(dpy, active, "_NET_WM_PID", XA_CARDINAL));
  napi_value result = ForegroundWindow(env, static_cast<double>(active), name, pid > 0 ? std::optional<double>(pid) : std::nullopt);
  if (name) XFree(name);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  return ExportLock(env, exports, "x11", {Probe, GrabCombos, Pump, Release, Foreground});
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
