{
  "targets": [
    {
      "target_name": "light_spawn",
      "conditions": [
        ["OS!='win'", {
          "sources": ["src/light_spawn.c"],
          "cflags": ["-std=c11", "-Wall", "-Wextra"]
        }]
      ]
    }
  ]
}
