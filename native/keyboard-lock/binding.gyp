{
  "targets": [
    {
      "target_name": "keyboard_lock",
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["src/x11_grab.cc"],
          "libraries": ["-lX11"]
        }],
        ["OS=='win'", {
          "sources": ["src/win_hook.cc"],
          "libraries": ["user32.lib"],
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/utf-8"] } }
        }],
        ["OS=='mac'", {
          "sources": ["src/mac_kiosk.mm"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-fobjc-arc"] },
          "link_settings": { "libraries": ["$(SDKROOT)/System/Library/Frameworks/AppKit.framework"] }
        }]
      ]
    }
  ]
}
