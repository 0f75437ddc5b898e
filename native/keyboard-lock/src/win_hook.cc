// Windows: a low-level keyboard hook (WH_KEYBOARD_LL) on its own thread with a message loop. A key press that
// matches a locked combo is swallowed (the hook returns 1), so neither Explorer (Alt+Tab, Win) nor other apps
// see it. Ctrl+Alt+Del is handled by Winlogon below any hook and cannot be blocked; it is observed instead.
// Same JS API as x11_grab.cc; keysyms use X11 names (Tab, Escape, Super_L, Print, F4, c, ...).
#include <node_api.h>

#include "napi_helpers.h"
#include <windows.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace keyboard_lock;

enum ModifierBits : unsigned { kShift = 1, kCtrl = 2, kAlt = 4, kSuper = 8 };

struct LockedCombo {
  DWORD vk;
  unsigned modifiers;
};
struct Intercepted {
  std::string keysym;
  unsigned modifiers;
  double time;
};

std::mutex g_mutex;
std::vector<LockedCombo> g_combos;
std::vector<std::string> g_names;  // keysym name per combo, for reports
std::vector<Intercepted> g_intercepted;
std::thread g_thread;
std::atomic<DWORD> g_thread_id{0};
HHOOK g_hook = nullptr;

DWORD VkForKeysym(const std::string& name) {
  if (name == "Tab") return VK_TAB;
  if (name == "Escape") return VK_ESCAPE;
  if (name == "Super_L") return VK_LWIN;
  if (name == "Super_R") return VK_RWIN;
  if (name == "Print") return VK_SNAPSHOT;
  if (name == "Delete") return VK_DELETE;
  if (name.size() >= 2 && name[0] == 'F' && std::isdigit(static_cast<unsigned char>(name[1]))) {
    int n = std::atoi(name.c_str() + 1);
    if (n >= 1 && n <= 24) return VK_F1 + (n - 1);
  }
  if (name.size() == 1 && std::isalnum(static_cast<unsigned char>(name[0]))) return static_cast<DWORD>(std::toupper(name[0]));
  return 0;
}

unsigned CurrentModifiers(const KBDLLHOOKSTRUCT* key) {
  unsigned m = 0;
  if (GetAsyncKeyState(VK_SHIFT) & 0x8000) m |= kShift;
  if (GetAsyncKeyState(VK_CONTROL) & 0x8000) m |= kCtrl;
  if (key->flags & LLKHF_ALTDOWN) m |= kAlt;
  if ((GetAsyncKeyState(VK_LWIN) | GetAsyncKeyState(VK_RWIN)) & 0x8000) m |= kSuper;
  return m;
}

LRESULT CALLBACK HookProc(int code, WPARAM wparam, LPARAM lparam) {
  if (code == HC_ACTION && (wparam == WM_KEYDOWN || wparam == WM_SYSKEYDOWN || wparam == WM_KEYUP || wparam == WM_SYSKEYUP)) {
    const auto* key = reinterpret_cast<const KBDLLHOOKSTRUCT*>(lparam);
    unsigned modifiers = CurrentModifiers(key);
    std::lock_guard<std::mutex> lock(g_mutex);
    for (size_t i = 0; i < g_combos.size(); ++i) {
      const auto& combo = g_combos[i];
      bool is_modifier_key = combo.vk == VK_LWIN || combo.vk == VK_RWIN;
      unsigned held = is_modifier_key ? (modifiers & ~kSuper) : modifiers;
      if (key->vkCode == combo.vk && held == combo.modifiers) {
        if (wparam == WM_KEYDOWN || wparam == WM_SYSKEYDOWN) g_intercepted.push_back({g_names[i], modifiers, static_cast<double>(key->time)});
        return 1;
      }
    }
  }
  return CallNextHookEx(nullptr, code, wparam, lparam);
}

void HookThread(std::atomic<int>* ready) {
  g_thread_id = GetCurrentThreadId();
  g_hook = SetWindowsHookExW(WH_KEYBOARD_LL, HookProc, GetModuleHandleW(nullptr), 0);
  *ready = g_hook ? 1 : -1;
  if (!g_hook) return;
  MSG msg;
  while (GetMessageW(&msg, nullptr, 0, 0) > 0) {
  }
  UnhookWindowsHookEx(g_hook);
  g_hook = nullptr;
}

napi_value ModifierNames(napi_env env, unsigned m) {
  napi_value list;
  napi_create_array(env, &list);
  uint32_t i = 0;
  if (m & kShift) napi_set_element(env, list, i++, JsString(env, "shift"));
  if (m & kCtrl) napi_set_element(env, list, i++, JsString(env, "ctrl"));
  if (m & kAlt) napi_set_element(env, list, i++, JsString(env, "alt"));
  if (m & kSuper) napi_set_element(env, list, i++, JsString(env, "super"));
  return list;
}

void StopHook() {
  if (g_thread.joinable()) {
    PostThreadMessageW(g_thread_id, WM_QUIT, 0, 0);
    g_thread.join();
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  g_combos.clear();
  g_names.clear();
  g_intercepted.clear();
}

napi_value Probe(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_object(env, &result);
  Set(env, result, "ok", JsBool(env, true));
  Set(env, result, "display", JsString(env, "windows-desktop"));
  return result;
}

napi_value Grab(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool is_array = false;
  if (argc < 2 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array) {
    napi_throw_error(env, nullptr, "grab(display, combos): combos must be an array");
    return nullptr;
  }
  StopHook();
  uint32_t count = 0;
  napi_get_array_length(env, argv[1], &count);
  napi_value results;
  napi_create_array_with_length(env, count, &results);
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (uint32_t i = 0; i < count; ++i) {
      napi_value combo, keysym_value, modifiers_value;
      napi_get_element(env, argv[1], i, &combo);
      napi_get_named_property(env, combo, "keysym", &keysym_value);
      napi_get_named_property(env, combo, "modifiers", &modifiers_value);
      std::string keysym = GetString(env, keysym_value);
      unsigned modifiers = 0;
      uint32_t n = 0;
      napi_get_array_length(env, modifiers_value, &n);
      for (uint32_t m = 0; m < n; ++m) {
        napi_value item;
        napi_get_element(env, modifiers_value, m, &item);
        std::string name = GetString(env, item);
        if (name == "shift") modifiers |= kShift;
        if (name == "ctrl") modifiers |= kCtrl;
        if (name == "alt") modifiers |= kAlt;
        if (name == "super") modifiers |= kSuper;
      }
      DWORD vk = VkForKeysym(keysym);
      napi_value result;
      napi_create_object(env, &result);
      Set(env, result, "keysym", keysym_value);
      Set(env, result, "modifiers", ModifierNames(env, modifiers));
      Set(env, result, "grabbed", JsBool(env, vk != 0));
      if (vk == 0) Set(env, result, "error", JsString(env, "no virtual key for keysym '" + keysym + "'"));
      else {
        g_combos.push_back({vk, modifiers});
        g_names.push_back(keysym);
      }
      napi_set_element(env, results, i, result);
    }
  }
  std::atomic<int> ready{0};
  g_thread = std::thread(HookThread, &ready);
  while (ready == 0) Sleep(1);
  if (ready < 0) {
    g_thread.join();
    napi_throw_error(env, nullptr, "SetWindowsHookEx(WH_KEYBOARD_LL) failed");
    return nullptr;
  }
  napi_value handle, out;
  napi_create_object(env, &handle);
  napi_create_object(env, &out);
  Set(env, out, "handle", handle);
  Set(env, out, "results", results);
  return out;
}

napi_value Pump(napi_env env, napi_callback_info) {
  std::vector<Intercepted> taken;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    taken.swap(g_intercepted);
  }
  napi_value list;
  napi_create_array_with_length(env, taken.size(), &list);
  for (uint32_t i = 0; i < taken.size(); ++i) {
    napi_value item, time;
    napi_create_object(env, &item);
    Set(env, item, "keysym", JsString(env, taken[i].keysym));
    Set(env, item, "modifiers", ModifierNames(env, taken[i].modifiers));
    napi_create_double(env, taken[i].time, &time);
    Set(env, item, "time", time);
    napi_set_element(env, list, i, item);
  }
  return list;
}

napi_value Release(napi_env, napi_callback_info) {
  StopHook();
  return nullptr;
}

// The window in the foreground (any process), its title and its process id.
napi_value Foreground(napi_env env, napi_callback_info) {
  HWND hwnd = GetForegroundWindow();
  napi_value null_value;
  napi_get_null(env, &null_value);
  if (!hwnd) return null_value;
  wchar_t title[512];
  int length = GetWindowTextW(hwnd, title, 512);
  std::string utf8;
  if (length > 0) {
    int size = WideCharToMultiByte(CP_UTF8, 0, title, length, nullptr, 0, nullptr, nullptr);
    utf8.resize(size);
    WideCharToMultiByte(CP_UTF8, 0, title, length, utf8.data(), size, nullptr, nullptr);
  }
  DWORD pid = 0;
  GetWindowThreadProcessId(hwnd, &pid);
  return ForegroundWindow(env, static_cast<double>(reinterpret_cast<uintptr_t>(hwnd)), length > 0 ? utf8.c_str() : nullptr, static_cast<double>(pid));
}

napi_value Init(napi_env env, napi_value exports) {
  return ExportLock(env, exports, "win32-low-level-hook", {Probe, Grab, Pump, Release, Foreground});
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
